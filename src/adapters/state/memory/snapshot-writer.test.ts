import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { deserialize } from "node:v8";
import { emptyState } from "../../../core/enforcement/state.ts";
import { rng } from "../../../core/shared/rng.ts";
import type { EntityTable } from "./entities.ts";
import { beginPayloadDump, encodePackedPayload, encodePayload } from "./snapshot.ts";
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
		const writing = store.writeSnapshotInBackground(file, { seq: 42 }, writer, { keysPerStep: 100, stepMs: 0 });
		assert.equal(store.snapshotInProgress, true, "700 keys at 100 a turn: still dumping");
		await assert.rejects(store.writeSnapshotInBackground(file, { seq: 43 }, writer), /already being written/);
		await writing;
		assert.equal(store.snapshotInProgress, false);
		assert.equal(writer.busy, false);
		const back = MemoryStateStore.readSnapshot(file);
		assert.equal(back?.seq, 42);
		const q = { ...shape, key: "posts_5m|account:a3", ts: 6_000 };
		assert.deepEqual(await back?.store.read([q]), await store.read([q]));
		await writer.close();
	});

	it("a background dump is the state as it was when it began, however updates change it meanwhile", async () => {
		const rand = rng(7);
		type Ops = Parameters<MemoryStateStore["update"]>[0];
		// Every kind of window: counts and sums, distincts small and past the sketch size, last lists
		// filling up and full; keys old and new, rings advancing, late ops dropped.
		const opsAt = (ts: number, n: number): Ops =>
			Array.from({ length: n }, () => {
				const t = ts + Math.floor(rand() * 40_000) - 30_000;
				const k = Math.floor(rand() * 400);
				const r = rand();
				if (r < 0.3) return { ...shape, key: `c|account:a${k}`, ts: t };
				if (r < 0.45)
					return { agg: "sum", windowMs: 60_000, buckets: 6, key: `s|account:a${k}`, ts: t, value: rand() * 10 };
				if (r < 0.8)
					return {
						agg: "distinct",
						windowMs: 120_000,
						buckets: 4,
						key: `d|post:p${k % 60}`,
						ts: t,
						value: `u${Math.floor(rand() * (k < 20 ? 400 : 12))}`,
					};
				return {
					agg: "last",
					windowMs: 60_000,
					buckets: 1,
					key: `l|account:a${k}`,
					ts: t,
					value: rand() < 0.5 ? `x${t}` : t,
					n: 3,
				};
			}) as Ops;
		const store = new MemoryStateStore();
		const twin = new MemoryStateStore(); // the same updates, never dumped
		const both = async (ops: Ops, states: ReturnType<typeof emptyState>[] = []) => {
			await store.update(ops, []);
			await twin.update(ops, []);
			await store.put(states);
			await twin.put(states);
		};
		let ts = 100_000;
		for (let i = 0; i < 20; i++, ts += 5_000)
			await both(opsAt(ts, 300), [{ ...emptyState(`account:a${i}`), openCases: [`q${i}`] }]);
		const inner = store as unknown as { windows: Parameters<typeof beginPayloadDump>[0]; entities: EntityTable };
		const expected = deserialize(encodePayload(inner.windows, [...inner.entities.states.values()], 7)) as {
			writtenAt: number;
		};
		const dump = beginPayloadDump(inner.windows, inner.entities, 7);
		let steps = 0;
		while (!dump.step(37)) {
			steps++;
			ts += 2_000;
			const i = steps % 40;
			await both(opsAt(ts, 40), [{ ...emptyState(`account:a${i}`), openCases: [`late-${steps}`] }]);
			if (inner.windows.dumpInProgress)
				assert.equal(store.sweepSome(ts + 3_600_000, 1_000).windows, 0, "no sweep while the windows are dumped");
		}
		assert.ok(steps > 20, `the dump took ${steps} steps`);
		const packed = dump.packed();
		const moved = structuredClone(packed.tree, { transfer: packed.transfer });
		const got = deserialize(encodePackedPayload(moved)) as { writtenAt: number };
		got.writtenAt = expected.writtenAt = 0;
		assert.deepEqual(got, expected);
		// Nothing the dump did changed what the store answers.
		const queries = [
			...Array.from({ length: 400 }, (_, k) => ({ ...shape, key: `c|account:a${k}`, ts })),
			...Array.from({ length: 400 }, (_, k) => ({
				agg: "sum",
				windowMs: 60_000,
				buckets: 6,
				key: `s|account:a${k}`,
				ts,
			})),
			...Array.from({ length: 60 }, (_, k) => ({
				agg: "distinct",
				windowMs: 120_000,
				buckets: 4,
				key: `d|post:p${k}`,
				ts,
			})),
			...Array.from({ length: 400 }, (_, k) => ({
				agg: "last",
				windowMs: 60_000,
				buckets: 1,
				key: `l|account:a${k}`,
				ts,
				n: 3,
			})),
		] as Parameters<MemoryStateStore["read"]>[0];
		assert.deepEqual(await store.read(queries), await twin.read(queries));
		assert.deepEqual(await store.get(["account:a3"]), await twin.get(["account:a3"]));
		// Sweeps run again once it is done.
		assert.ok(store.sweepSome(ts + 3_600_000, 100_000).windows > 0);
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
