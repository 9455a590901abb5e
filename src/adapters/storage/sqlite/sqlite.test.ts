import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, Migrator, SqliteDialect } from "kysely";
import { runEventStoreConformance } from "../conformance.ts";
import { accepted, batch, deadLetter, ev } from "../fixtures.ts";
import { openSqliteStorage, type SqliteOptions } from "./index.ts";
import { migrations } from "./migrations.ts";

const dir = mkdtempSync(join(tmpdir(), "bulwark-sqlite-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshPath = () => join(dir, `t${++n}.db`);
const T = 1_700_000_000_000;

const WRITERS = ["worker", "inline"] as const;

for (const writer of WRITERS) {
	runEventStoreConformance(`sqlite (file, ${writer} writer)`, async () => {
		const s = await openSqliteStorage({ path: freshPath(), writer });
		return { store: s, close: () => s.close() };
	});
}
runEventStoreConformance("sqlite (:memory:)", async () => {
	const s = await openSqliteStorage({ path: ":memory:" });
	return { store: s, close: () => s.close() };
});

for (const writer of WRITERS) describeStorage(writer);

function describeStorage(writer: (typeof WRITERS)[number]): void {
	const open = (path: string, opts: Omit<SqliteOptions, "path" | "writer"> = {}) =>
		openSqliteStorage({ path, writer, ...opts });

	describe(`sqlite storage (${writer} writer)`, () => {
		it("groups concurrent commits into one transaction", async () => {
			const s = await open(freshPath());
			const before = s.transactionCount;
			const events = Array.from({ length: 300 }, (_, i) => ev.login(`a${i % 7}`, T + i));
			await Promise.all(events.map((e) => s.commit(batch({ accepted: [e] }))));
			// Small commits made in one turn of the event loop go as one transaction (the writer
			// thread waits for the end of the turn before it takes them).
			assert.equal(s.transactionCount - before, 1);
			assert.equal((await s.counts()).events, 300);
			assert.equal(s.lastCommittedSeq, 300);
			assert.equal((await s.findDecisions(events.map((e) => e.id))).size, 300);
			await s.close();
		});

		it("fails only the bad batch of a group", async () => {
			const s = await open(freshPath());
			const good = [ev.login("a1", T), ev.login("a2", T + 1)];
			const bad = { ...deadLetter(T), raw: null as unknown as string };
			const results = await Promise.allSettled([
				s.commit(batch({ accepted: [good[0]!] })),
				s.commit(batch({ accepted: [ev.login("a3", T + 2)], deadLetters: [bad] })),
				s.commit(batch({ accepted: [good[1]!] })),
			]);
			assert.deepEqual(
				results.map((r) => r.status),
				["fulfilled", "rejected", "fulfilled"],
			);
			assert.equal(
				((results[1] as PromiseRejectedResult).reason as { code?: string }).code,
				"SQLITE_CONSTRAINT_NOTNULL",
			);
			const stored = await s.eventsAfter(0, 10);
			assert.deepEqual(
				stored.map((x) => [x.seq, x.event.id]),
				[
					[1, good[0]!.id],
					[2, good[1]!.id],
				],
			);
			assert.equal((await s.counts()).deadLetters, 0);
			await s.close();
		});

		it("flushSync writes queued batches at once, and queued decisions are found before", async () => {
			const s = await open(freshPath());
			const e = ev.post("a1", "p1", T);
			const done = s.commit(batch({ events: [accepted(e, "deny")] }));
			assert.equal(s.lastCommittedSeq, 0);
			assert.equal((await s.findDecisions([e.id])).get(e.id)?.verdict, "deny", "in flight");
			s.flushSync();
			assert.equal(s.lastCommittedSeq, 1);
			assert.equal(s.transactionCount, 1);
			await done;
			s.flushSync();
			assert.equal(s.transactionCount, 1, "nothing queued, nothing written");
			await s.close();
			await assert.rejects(s.commit(batch({ accepted: [ev.login("a1", T)] })), /closed/);
		});

		it("finds stored ids after reopen while the id filter loads and after", async () => {
			const path = freshPath();
			let s = await open(path);
			const events = Array.from({ length: 25_000 }, (_, i) => ev.login(`a${i % 50}`, T + i));
			await s.commit(batch({ accepted: events }));
			await s.close();

			s = await open(path);
			const probe = [events[0]!, events[12_345]!, events[24_999]!].map((e) => e.id);
			const unknown = "never-stored";
			assert.equal(s.idFilterLoaded, false, "25k ids take more than one page");
			assert.deepEqual([...(await s.findDecisions([...probe, unknown])).keys()].sort(), [...probe].sort());
			for (let i = 0; i < 100 && !s.idFilterLoaded; i++) await new Promise((r) => setImmediate(r));
			assert.equal(s.idFilterLoaded, true);
			assert.deepEqual([...(await s.findDecisions([...probe, unknown])).keys()].sort(), [...probe].sort());
			assert.equal((await s.findDecisions([events[777]!.id])).get(events[777]!.id)?.eventId, events[777]!.id);
			const fresh = ev.login("b", T);
			const pending = s.commit(batch({ accepted: [fresh] }));
			assert.ok((await s.findDecisions([fresh.id])).has(fresh.id), "committed, not yet written");
			await pending;
			await s.close();
		});

		it("keeps data across close and reopen, and never reuses a seq", async () => {
			const path = freshPath();
			let s = await open(path);
			const e1 = ev.post("a1", "p1", T);
			await s.commit(batch({ accepted: [e1, ev.login("a1", T + 1)] }));
			s.setMeta("snapshot.seq", "2");
			await s.close();

			s = await open(path);
			assert.equal(await s.lastSeq(), 2);
			assert.equal((await s.getDecision(e1.id))?.eventId, e1.id);
			assert.equal((await s.getEntity({ kind: "post", id: "p1" }))?.firstSeen, T);
			assert.equal(s.getMeta("snapshot.seq"), "2");
			assert.equal(s.pruneEvents(T + 1000, 2), 2);
			await s.close();

			s = await open(path);
			await s.commit(batch({ accepted: [ev.login("a1", T + 2)] }));
			assert.deepEqual(
				(await s.eventsAfter(0, 10)).map((x) => x.seq),
				[3],
			);
			await s.close();
		});

		it("runs each migration once, with WAL on", async () => {
			const path = freshPath();
			await (await open(path)).close();
			await (await open(path)).close();
			const raw = new BetterSqlite3(path, { readonly: true });
			assert.deepEqual(raw.prepare("SELECT name FROM kysely_migration").pluck().all(), [
				"0001_init",
				"0002_event_entities",
				"0003_rule_versions",
				"0004_lists",
			]);
			assert.equal(raw.pragma("journal_mode", { simple: true }), "wal");
			raw.close();
		});

		it("lists an entity's events while big commits leave a tail to index, and after it is indexed", async () => {
			const path = freshPath();
			let s = await open(path);
			const raw = new BetterSqlite3(path, { readonly: true });
			const indexed = () => Number(raw.prepare("SELECT value FROM meta WHERE key = 'indexed_seq'").pluck().get());
			// 1,000 events in one commit: more than a transaction indexes itself.
			const es = Array.from({ length: 1_000 }, (_, i) =>
				i % 2 ? ev.follow(`a${i % 10}`, `t${i % 7}`, T + i) : ev.post(`a${i % 10}`, `p${i % 3}`, T + i),
			);
			await s.commit(batch({ accepted: es }));
			const expectAbout = async (ref: { kind: "account" | "post"; id: string }, ids: string[]) => {
				const got = await s.recentEvents(ref, 5);
				assert.deepEqual(
					got.map((x) => x.event.id),
					ids.slice(-5).reverse(),
					`${ref.kind}:${ref.id}`,
				);
			};
			const byActor = es.filter((e) => e.actor === "a3").map((e) => e.id);
			const aboutT2 = es.filter((e) => e.type === "account.followed" && e.data.targetId === "t2").map((e) => e.id);
			const aboutP1 = es.filter((e) => e.type === "post.created" && e.data.postId === "p1").map((e) => e.id);
			if (writer === "worker") assert.ok(indexed() < 1_000, "the big commit left its events to index later");
			await expectAbout({ kind: "account", id: "a3" }, byActor);
			await expectAbout({ kind: "account", id: "t2" }, aboutT2);
			await expectAbout({ kind: "post", id: "p1" }, aboutP1);
			assert.equal((await s.getEntity({ kind: "post", id: "p1" }))?.lastSeen, T + 994);

			for (let i = 0; i < 200 && indexed() < 1_000; i++) await sleep(10);
			assert.equal(indexed(), 1_000, "indexed while no write waited");
			await expectAbout({ kind: "account", id: "a3" }, byActor);
			await expectAbout({ kind: "post", id: "p1" }, aboutP1);
			// A small commit after it is indexed in its own transaction.
			const more = ev.post("a3", "p1", T + 5_000);
			await s.commit(batch({ accepted: [more] }));
			assert.ok(indexed() <= 1_001, "small commits save the mark at most once a second");
			await expectAbout({ kind: "account", id: "a3" }, [...byActor, more.id]);
			await s.close();
			assert.equal(indexed(), 1_001, "closing saves the mark");

			s = await open(path);
			await expectAbout({ kind: "post", id: "p1" }, [...aboutP1, more.id]);
			assert.equal(s.pruneEvents(T + 10_000, 1_001), 1_001);
			assert.equal(raw.prepare("SELECT count(*) FROM event_entities").pluck().get(), 0, "pruned with the events");
			assert.deepEqual(await s.recentEvents({ kind: "account", id: "a3" }, 5), []);
			await s.close();
			raw.close();
		});

		it("moves a database of the first schema to event_entities, keeping what it lists", async () => {
			const path = freshPath();
			const old = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new BetterSqlite3(path) }) });
			const all = await migrations.getMigrations();
			const first = { getMigrations: async () => ({ "0001_init": all["0001_init"]! }) };
			assert.equal((await new Migrator({ db: old, provider: first }).migrateToLatest()).error, undefined);
			await old.destroy();
			const raw = new BetterSqlite3(path);
			const insert = raw.prepare(
				"INSERT INTO events (seq, id, type, actor, target, ts, received_at, source, body, verdict, decision) VALUES (?, ?, ?, ?, ?, ?, ?, 'test', ?, 'allow', '{}')",
			);
			const es = [ev.post("a1", "p1", T), ev.follow("a2", "a1", T + 1), ev.like("a2", "p1", "a1", T + 2)];
			const targets = ["post:p1", "account:a1", "post:p1"];
			es.forEach((e, i) => {
				insert.run(i + 1, e.id, e.type, e.actor, targets[i], e.ts, e.ts, JSON.stringify(e));
			});
			raw.close();

			const s = await open(path);
			const ids = async (kind: "account" | "post", id: string) =>
				(await s.recentEvents({ kind, id }, 10)).map((x) => x.event.id);
			assert.deepEqual(await ids("account", "a1"), [es[1]!.id, es[0]!.id]);
			assert.deepEqual(await ids("account", "a2"), [es[2]!.id, es[1]!.id]);
			assert.deepEqual(await ids("post", "p1"), [es[2]!.id, es[0]!.id]);
			await s.close();
			const check = new BetterSqlite3(path, { readonly: true });
			assert.deepEqual(
				check.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'events_%'").pluck().all(),
				[],
				"the per-row indexes are gone",
			);
			check.close();
		});

		it("prunes old events and their decisions, never past maxSeq", async () => {
			const s = await open(freshPath(), { retentionMs: 1_000 });
			const es = Array.from({ length: 12_000 }, (_, i) => ev.login(`a${i % 50}`, T + i));
			await s.commit(batch({ accepted: es }));
			// receivedAt = ts + 5: events 0..9_994 were received before T + 10_000.
			assert.equal(s.pruneEvents(T + 10_000, 11_000), 9_995);
			assert.equal((await s.counts()).events, 2_005);
			assert.equal(await s.getDecision(es[0]!.id), undefined);
			assert.equal((await s.findDecisions([es[9_994]!.id, es[9_995]!.id])).size, 1);
			assert.equal((await s.eventsAfter(0, 1))[0]?.seq, 9_996);
			// retention 1s at T + 20_000: everything is old, but only up to seq 11_000.
			assert.equal(s.pruneExpired(T + 20_000, 11_000), 1_005);
			assert.equal((await s.eventsAfter(0, 1))[0]?.seq, 11_001);
			assert.equal(s.pruneEvents(T + 20_000, 11_000), 0);
			assert.equal(await s.lastSeq(), 12_000);
			await s.close();
		});

		it("rewrites first/last seen only when they move by more than the resolution", async () => {
			const s = await open(freshPath(), { checkpoint: "inline" });
			const seen = async () => {
				const e = await s.getEntity({ kind: "account", id: "a1" });
				return [(e?.firstSeen ?? 0) - T, (e?.lastSeen ?? 0) - T];
			};
			await s.commit(batch({ accepted: [ev.login("a1", T + 100_000), ev.login("a1", T + 120_000)] }));
			assert.deepEqual(await seen(), [100_000, 120_000], "a new entity gets its exact span");
			await s.commit(batch({ accepted: [ev.login("a1", T + 170_000), ev.login("a1", T + 50_000)] }));
			assert.deepEqual(await seen(), [100_000, 120_000], "within a minute: not rewritten");
			await s.commit(batch({ accepted: [ev.login("a1", T + 181_000)] }));
			assert.deepEqual(await seen(), [100_000, 181_000]);
			await s.commit(batch({ accepted: [ev.login("a1", T + 39_000)] }));
			assert.deepEqual(await seen(), [39_000, 181_000]);
			await s.close();
		});

		it("checkpoints the log into the database file in the background", async () => {
			const path = freshPath();
			const s = await open(path);
			await s.commit(batch({ accepted: Array.from({ length: 3_000 }, (_, i) => ev.post(`a${i}`, `p${i}`, T + i)) }));
			assert.ok(statSync(`${path}-wal`).size > 1_000_000, "written to the log first");
			// (An earlier checkpoint may have copied the migrations' pages already: wait for these.)
			for (let i = 0; i < 100 && statSync(path).size <= 1_000_000; i++) await sleep(50);
			assert.ok(statSync(path).size > 1_000_000, "copied into the database file");
			await s.close();
		});

		it("keeps a committed batch when the process is killed with SIGKILL", async () => {
			const path = freshPath();
			const here = fileURLToPath(new URL(".", import.meta.url));
			const script = `
			const { openSqliteStorage } = await import(${JSON.stringify(join(here, "index.ts"))});
			const { batch, ev } = await import(${JSON.stringify(join(here, "..", "fixtures.ts"))});
			const s = await openSqliteStorage({ path: ${JSON.stringify(path)}, writer: ${JSON.stringify(writer)} });
			await s.commit(batch({ accepted: [ev.login("a1", 1, "durable-1"), ev.login("a1", 2, "durable-2")] }));
			process.stdout.write("committed\\n");
			setInterval(() => {}, 1000);
		`;
			const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
				stdio: ["ignore", "pipe", "inherit"],
			});
			await new Promise<void>((resolve, reject) => {
				child.stdout.on("data", (d: Buffer) => d.toString().includes("committed") && resolve());
				child.on("exit", (code) => reject(new Error(`child exited early (${code})`)));
			});
			child.kill("SIGKILL");
			await new Promise((r) => child.once("exit", r));
			const s = await open(path);
			assert.equal((await s.findDecisions(["durable-1", "durable-2"])).size, 2);
			assert.equal(await s.lastSeq(), 2);
			await s.close();
		});
	});
}
