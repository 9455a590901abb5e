import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
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
