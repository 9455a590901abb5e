import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { deserialize } from "node:v8";
import { emptyState } from "../../../core/enforcement/state.ts";
import { encodePackedPayload, encodePayload, packPayload } from "./snapshot.ts";
import { SnapshotWriter } from "./snapshot-writer.ts";
import { MemoryStateStore } from "./store.ts";

const dir = mkdtempSync(join(tmpdir(), "bulwark-snapwriter-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const shape = { agg: "count", windowMs: 300_000, buckets: 10 } as const;

describe("SnapshotWriter", () => {
	it("writes on its own thread a snapshot that reads back the same, one at a time", async () => {
		const store = new MemoryStateStore();
		await store.update(
			Array.from({ length: 5_000 }, (_, i) => ({ ...shape, key: `posts_5m|account:a${i % 700}`, ts: 1_000 + i })),
			[],
		);
		const writer = new SnapshotWriter();
		const file = join(dir, "state.snapshot");
		const writing = store.writeSnapshotInBackground(file, { seq: 42 }, writer);
		assert.equal(writer.busy, true);
		await assert.rejects(store.writeSnapshotInBackground(file, { seq: 43 }, writer), /already being written/);
		await writing;
		assert.equal(writer.busy, false);
		const back = MemoryStateStore.readSnapshot(file);
		assert.equal(back?.seq, 42);
		const q = { ...shape, key: "posts_5m|account:a3", ts: 6_000 };
		assert.deepEqual(await back?.store.read([q]), await store.read([q]));
		await writer.close();
	});

	it("packs every kind of window for the thread into the same payload, leaving the store intact", async () => {
		const store = new MemoryStateStore();
		const ops = Array.from({ length: 3_000 }, (_, i) => [
			{ ...shape, key: `c|account:a${i % 300}`, ts: 1_000 + i },
			{ agg: "distinct", windowMs: 120_000, buckets: 4, key: `d|post:p${i % 90}`, ts: 1_000 + i, value: `u${i % 150}` },
			{ agg: "last", windowMs: 60_000, buckets: 1, key: `l|account:a${i % 80}`, ts: 1_000 + i, value: `x${i}`, n: 3 },
		]).flat() as Parameters<MemoryStateStore["update"]>[0];
		await store.update(ops, []);
		const states = [{ ...emptyState("account:a1"), openCases: Array.from({ length: 70 }, (_, i) => `case-${i}`) }];
		await store.put(states);
		const tables = (store as unknown as { windows: Parameters<typeof packPayload>[0] }).windows;
		const packed = packPayload(tables, states, 7);
		const moved = structuredClone(packed.tree, { transfer: packed.transfer });
		const viaThread = deserialize(encodePackedPayload(moved)) as { writtenAt: number };
		const direct = deserialize(encodePayload(tables, states, 7)) as { writtenAt: number };
		viaThread.writtenAt = direct.writtenAt = 0;
		assert.deepEqual(viaThread, direct);
		// The columns that moved were the dump's copies: the store still counts and answers.
		const q = { ...shape, key: "c|account:a3", ts: 4_000 };
		assert.deepEqual(await store.read([q]), [10]);
		await store.update([{ ...shape, key: "c|account:a3", ts: 4_000 }], []);
		assert.deepEqual(await store.read([q]), [11]);
	});

	it("rejects when the file cannot be written, and the previous snapshot stays", async () => {
		const store = new MemoryStateStore();
		const sub = join(dir, "blocked");
		mkdirSync(sub);
		const file = join(sub, "state.snapshot");
		writeFileSync(file, "previous");
		// A directory where the temporary file's parent should be: the write fails.
		const writer = new SnapshotWriter();
		await assert.rejects(store.writeSnapshotInBackground(join(file, "inner"), { seq: 1 }, writer));
		assert.equal(readFileSync(file, "utf8"), "previous");
		await store.writeSnapshotInBackground(join(dir, "ok.snapshot"), { seq: 2 }, writer);
		assert.equal(MemoryStateStore.readSnapshot(join(dir, "ok.snapshot"))?.seq, 2);
		await writer.close();
	});
});
