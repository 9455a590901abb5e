// The writer thread (`writer: "worker"`): what the shared storage tests cannot see.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { Worker } from "node:worker_threads";
import BetterSqlite3 from "better-sqlite3";
import { batch, deadLetter, ev } from "../fixtures.ts";
import { openSqliteStorage, type SqliteStorage } from "./index.ts";

const dir = mkdtempSync(join(tmpdir(), "bulwark-writer-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshPath = () => join(dir, `w${++n}.db`);
const T = 1_700_000_000_000;
const logins = (count: number, from = 0) =>
	Array.from({ length: count }, (_, i) => ev.login(`a${i % 97}`, T + from + i));

/** The writer thread behind a storage (reaching into private fields: tests only). */
const writerThread = (s: SqliteStorage) => (s as unknown as { committer: { worker: Worker } }).committer.worker;

const countEvents = (path: string) => {
	const raw = new BetterSqlite3(path, { readonly: true });
	try {
		return raw.prepare("SELECT count(*) FROM events").pluck().get() as number;
	} finally {
		raw.close();
	}
};

describe("sqlite writer thread", () => {
	it("refuses a writer thread for an in-memory database", async () => {
		await assert.rejects(openSqliteStorage({ path: ":memory:", writer: "worker" }), /in-memory/);
	});

	it("flushSync blocks until the writer has committed everything committed so far", async () => {
		const path = freshPath();
		const s = await openSqliteStorage({ path, writer: "worker" });
		const pending = [0, 1, 2, 3].map((k) => s.commit(batch({ accepted: logins(2_000, k * 2_000) })));
		assert.ok(s.lastCommittedSeq < 8_000, "not all written yet");
		s.flushSync();
		assert.equal(s.lastCommittedSeq, 8_000);
		assert.equal(countEvents(path), 8_000, "visible to another connection");
		assert.equal((await s.counts()).events, 8_000);
		await Promise.all(pending);
		await s.close();
	});

	it("rejects only the failing batches, whether sent together or apart", async () => {
		const s = await openSqliteStorage({ path: freshPath(), writer: "worker" });
		const bad = () =>
			batch({ accepted: logins(1), deadLetters: [{ ...deadLetter(T), raw: null as unknown as string }] });
		// While the writer is busy with the first, the others queue and go as one message: its
		// transaction fails, and the writer retries each batch of it alone.
		const together = await Promise.allSettled([
			s.commit(batch({ accepted: logins(3_000, 10_000) })),
			s.commit(batch({ accepted: logins(3) })),
			s.commit(bad()),
			s.commit(batch({ accepted: logins(2, 20_000) })),
		]);
		assert.deepEqual(
			together.map((r) => r.status),
			["fulfilled", "fulfilled", "rejected", "fulfilled"],
		);
		// Apart: a failing message does not touch the one before or after it.
		const first = s.commit(batch({ accepted: logins(2, 30_000) }));
		await Promise.resolve();
		const second = s.commit(bad());
		await Promise.resolve();
		const third = s.commit(batch({ accepted: logins(2, 40_000) }));
		const apart = await Promise.allSettled([first, second, third]);
		assert.deepEqual(
			apart.map((r) => r.status),
			["fulfilled", "rejected", "fulfilled"],
		);
		assert.equal((await s.counts()).events, 3_009);
		assert.equal(s.lastCommittedSeq, 3_009);
		await s.close();
	});

	it("rejects pending commits when the writer thread dies, and fails fast after", async () => {
		const path = freshPath();
		const s = await openSqliteStorage({ path, writer: "worker" });
		await s.commit(batch({ accepted: logins(10) }));
		const worker = writerThread(s);
		const exited = new Promise((r) => worker.once("exit", r));
		const inFlight = s.commit(batch({ accepted: logins(20_000, 10) }));
		await Promise.resolve(); // sent
		const queued = [s.commit(batch({ accepted: logins(5, 30_000) })), s.commit(batch({ accepted: logins(5, 40_000) }))];
		void worker.terminate();
		await assert.rejects(inFlight, /writer thread stopped.*may or may not be stored/);
		for (const q of queued) await assert.rejects(q, /writer thread stopped/);
		await exited;
		await assert.rejects(s.commit(batch({ accepted: logins(1, 50_000) })), /writer thread stopped/);
		assert.throws(() => s.flushSync(), /writer thread stopped/);
		await assert.rejects(s.lastSeq(), /writer thread stopped/, "so a readiness check sees it");
		assert.ok((await s.counts()).events >= 10, "reads still work");
		await s.close();
		// What was confirmed is there; the rest is all or nothing per message (one transaction each).
		const left = countEvents(path);
		assert.ok([10, 20_010, 20_015, 20_020].includes(left), `found ${left} events`);
		const again = await openSqliteStorage({ path, writer: "worker" });
		await again.commit(batch({ accepted: logins(1, 60_000) }));
		assert.equal(await again.lastSeq(), left + 1);
		await again.close();
	});

	it("does not keep the process alive when idle, and does while a commit is pending", async () => {
		const path = freshPath();
		const here = fileURLToPath(new URL(".", import.meta.url));
		// No close: the process ends on its own once the awaited commit is durable.
		const script = `
			const { openSqliteStorage } = await import(${JSON.stringify(join(here, "index.ts"))});
			const { batch, ev } = await import(${JSON.stringify(join(here, "..", "fixtures.ts"))});
			const s = await openSqliteStorage({ path: ${JSON.stringify(path)}, writer: "worker" });
			const events = Array.from({ length: 5000 }, (_, i) => ev.login("a1", i));
			s.commit(batch({ accepted: events })).then(() => process.stdout.write("committed\\n"));
		`;
		const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
			stdio: ["ignore", "pipe", "inherit"],
		});
		let out = "";
		child.stdout.on("data", (d: Buffer) => {
			out += d.toString();
		});
		const code = await new Promise((resolve) => child.once("exit", resolve));
		assert.equal(code, 0);
		assert.equal(out, "committed\n");
		assert.equal(countEvents(path), 5_000);
	});
});
