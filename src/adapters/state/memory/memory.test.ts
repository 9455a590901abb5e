import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { serialize } from "node:v8";
import type { EntityState } from "../../../core/enforcement/state.ts";
import type { WindowOp, WindowQuery } from "../../../core/features/index.ts";
import { runStateStoreConformance } from "../conformance.ts";
import { MemoryStateStore, SNAPSHOT_VERSION, SnapshotError } from "./index.ts";

runStateStoreConformance("memory", async () => new MemoryStateStore());

const T0 = 1_699_999_200_000;
const MIN = 60_000;
const SHAPES = {
	posts_5m: { agg: "count", windowMs: 5 * MIN, buckets: 10 },
	views_1h: { agg: "sum", windowMs: 60 * MIN, buckets: 12 },
	ips_24h: { agg: "distinct", windowMs: 24 * 60 * MIN, buckets: 24 },
	followed_1h: { agg: "distinct", windowMs: 60 * MIN, buckets: 12 },
	texts: { agg: "last", windowMs: 7 * 24 * 60 * MIN, buckets: 1 },
} as const;
type Feature = keyof typeof SHAPES;

function opOf(f: Feature, id: string, ts: number, i: number): WindowOp {
	const s = SHAPES[f];
	const key = `${f}|account:${id}`;
	switch (s.agg) {
		case "count":
			return { ...s, key, ts };
		case "sum":
			return { ...s, key, ts, value: (i % 7) + 0.5 };
		case "distinct":
			return { ...s, key, ts, value: `v${Math.floor(i / 7)}` };
		case "last":
			return { ...s, key, ts, value: i % 2 ? `text ${i}` : i, n: 5 };
	}
}
function followed(id: string, ts: number, value: string): WindowOp {
	return { ...SHAPES.followed_1h, key: `followed_1h|account:${id}`, ts, value };
}
function queryOf(f: Feature, id: string, ts: number): WindowQuery {
	const s = SHAPES[f];
	return { key: `${f}|account:${id}`, agg: s.agg, windowMs: s.windowMs, buckets: s.buckets, ts, n: 5 };
}

/** A store with every kind of window (sparse and dense sketches, late ops) and some entity states. */
async function busyStore(): Promise<{ store: MemoryStateStore; queries: WindowQuery[] }> {
	const store = new MemoryStateStore();
	const features = Object.keys(SHAPES) as Feature[];
	let seed = 42;
	const rand = () => {
		seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
		return seed / 2 ** 32;
	};
	const ops: WindowOp[] = [];
	for (let i = 0; i < 20_000; i++) {
		const f = features[i % features.length]!;
		// a few hot ids get dense sketches; ts jitters backwards to make late ops
		const id = rand() < 0.3 ? "hot" : String(Math.floor(rand() * 200));
		ops.push(opOf(f, id, T0 + i * 200 - Math.floor(rand() * 600_000), i));
	}
	await store.update(ops, []);
	store.loadEntities([entity("account:1", T0 + 1), { ...entity("account:2", null), openCases: ["abuse"] }]);
	const queries: WindowQuery[] = [];
	for (const f of features)
		for (const id of ["hot", "0", "1", "17", "199", "never"])
			for (const t of [0, 1_000_000, 3_000_000, 4_000_000, 4_100_000, 90_000_000]) queries.push(queryOf(f, id, T0 + t));
	return { store, queries };
}

function entity(key: string, expiresAt: number | null): EntityState {
	return {
		key,
		status: "active",
		suspendedUntil: null,
		labels: [
			{
				label: "spam",
				source: "rule",
				reason: "r",
				createdAt: T0,
				expiresAt,
				by: "policy:default",
				actionId: `a-${key}`,
			},
		],
		openCases: [],
	};
}

const dir = mkdtempSync(join(tmpdir(), "bulwark-state-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("memory state store", () => {
	it("a snapshot restores every window value, entity state and later behaviour", async () => {
		const { store, queries } = await busyStore();
		const before = await store.read(queries);
		assert.ok(
			before.some((v) => typeof v === "number" && v > 128),
			"has a dense sketch",
		);
		const copy = MemoryStateStore.restore(store.snapshot({ seq: 7 }));
		assert.deepEqual(await copy.read(queries), before);
		assert.deepEqual(copy.stats(), store.stats());
		assert.deepEqual(await copy.get(["account:1", "account:2"]), await store.get(["account:1", "account:2"]));
		const more = (Object.keys(SHAPES) as Feature[]).map((f, i) => opOf(f, "hot", T0 + 4_050_000, 1000 + i));
		assert.deepEqual(await copy.update(more, queries), await store.update(more, queries));
	});

	it("writeSnapshot and readSnapshot round-trip through a file, atomically", async () => {
		const { store, queries } = await busyStore();
		const file = join(dir, "round-trip", "state.snapshot");
		store.writeSnapshot(file, { seq: 1234 });
		store.writeSnapshot(file, { seq: 1235 });
		const got = MemoryStateStore.readSnapshot(file);
		assert.ok(got);
		assert.equal(got.seq, 1235);
		assert.deepEqual(await got.store.read(queries), await store.read(queries));
		assert.deepEqual(readdirSync(join(dir, "round-trip")), ["state.snapshot"], "no temporary file left");
	});

	it("readSnapshot of a missing file is undefined", () => {
		assert.equal(MemoryStateStore.readSnapshot(join(dir, "nope", "state.snapshot")), undefined);
	});

	describe("a bad snapshot file is rejected, naming the file and the reason", () => {
		const good = new MemoryStateStore().snapshot({ seq: 1 });
		const withPayload = (payload: Buffer): Buffer => {
			const head = Buffer.from(good.subarray(0, 56));
			head.writeBigUInt64LE(BigInt(payload.length), 16);
			createHash("sha256").update(payload).digest().copy(head, 24);
			return Buffer.concat([head, payload]);
		};
		const cases: [name: string, bytes: () => Buffer, reason: RegExp][] = [
			["empty", () => Buffer.alloc(0), /not a Bulwark state snapshot/],
			["another format", () => Buffer.from('{ "seq": 1 }\n'.repeat(10)), /not a Bulwark state snapshot/],
			[
				"unknown version",
				() => {
					const b = Buffer.from(good);
					b.writeUInt32LE(SNAPSHOT_VERSION + 98, 8);
					return b;
				},
				/unsupported format version 99/,
			],
			["truncated", () => good.subarray(0, good.length - 3), /truncated/],
			[
				"flipped bit",
				() => {
					const b = Buffer.from(good);
					b[b.length - 2]! ^= 0x10;
					return b;
				},
				/checksum mismatch/,
			],
			["garbage payload", () => withPayload(Buffer.from([0xff, 0x0f, 0x6f, 0x22, 0x03])), /does not deserialise/],
			["foreign payload", () => withPayload(serialize({ hello: "world" })), /unexpected structure/],
			[
				"inconsistent payload",
				() =>
					withPayload(
						serialize({
							seq: 1,
							writtenAt: 0,
							entities: [],
							windows: {
								droppedLate: 0,
								nums: [
									{
										kind: "count",
										windowMs: 1000,
										buckets: 10,
										keys: ["a", "b"],
										heads: new Float64Array(2),
										vals: new Uint32Array(11),
									},
								],
								distincts: [],
								lasts: [],
							},
						}),
					),
				/inconsistent: count data does not match 2 keys/,
			],
		];
		for (const [name, bytes, reason] of cases) {
			it(name, () => {
				const file = join(dir, `bad-${name.replace(/ /g, "-")}.snapshot`);
				writeFileSync(file, bytes());
				assert.throws(
					() => MemoryStateStore.readSnapshot(file),
					(e: unknown) =>
						e instanceof SnapshotError &&
						e.file === file &&
						e.message.startsWith(`state snapshot ${file}: `) &&
						reason.test(e.reason),
				);
			});
		}

		it("restore() of bad bytes names the buffer", () => {
			assert.throws(() => MemoryStateStore.restore(Buffer.from("nope")), /state snapshot <buffer>: not a Bulwark/);
		});
	});

	it("the file starts with the magic and version header", () => {
		const file = join(dir, "header.snapshot");
		new MemoryStateStore().writeSnapshot(file, { seq: 0 });
		const b = readFileSync(file);
		assert.equal(b.subarray(0, 8).toString("latin1"), "BWKSTATE");
		assert.equal(b.readUInt32LE(8), SNAPSHOT_VERSION);
	});

	it("sweep drops windows whose whole window passed, and nothing a read would still see", async () => {
		const store = new MemoryStateStore();
		await store.update(
			[
				opOf("posts_5m", "old", T0, 0),
				opOf("posts_5m", "new", T0 + 4 * MIN, 0),
				opOf("followed_1h", "old", T0, 1),
				opOf("followed_1h", "new", T0 + 20 * MIN, 1),
				opOf("views_1h", "old", T0, 2),
				opOf("texts", "old", T0, 3),
				opOf("texts", "new", T0 + 3 * 24 * 60 * MIN, 4),
			],
			[],
		);
		const now = T0 + 7 * 24 * 60 * MIN;
		const early = T0 + 5 * MIN;
		const reads = [queryOf("posts_5m", "new", early), queryOf("texts", "new", now), queryOf("texts", "old", now)];
		assert.deepEqual(store.sweep(early), { windows: 1, entities: 0, labels: 0 }); // posts_5m|old
		assert.equal(store.windowKeyCount(), 6);
		const before = await store.read(reads);
		assert.deepEqual(before[0], 1);
		assert.deepEqual(store.sweep(now), { windows: 5, entities: 0, labels: 0 });
		assert.equal(store.windowKeyCount(), 1);
		assert.deepEqual(await store.read(reads), [0, before[1], []]);
	});

	it("sweeps a step at a time, going on where it stopped, to the same result as one pass", async () => {
		const build = async () => {
			const store = new MemoryStateStore();
			const ops: WindowOp[] = [];
			for (let i = 0; i < 3_000; i++) {
				const old = i % 3 !== 0;
				ops.push(opOf(i % 2 ? "posts_5m" : "followed_1h", `a${i}`, old ? T0 : T0 + 50 * MIN, i));
				ops.push(opOf("texts", `a${i}`, old ? T0 : T0 + 50 * MIN, i));
			}
			await store.update(ops, []);
			return store;
		};
		const now = T0 + 60 * MIN;
		const whole = await build();
		const expected = whole.sweep(now);
		const stepped = await build();
		let total = 0;
		let steps = 0;
		for (;;) {
			const r = stepped.sweepSome(now, 500);
			total += r.windows;
			steps++;
			// New keys arriving between steps are kept (they are live) and do not break the pass.
			await stepped.update([opOf("posts_5m", `late${steps}`, now, steps)], []);
			if (r.done) break;
			assert.ok(steps < 100, "the sweep ends");
		}
		assert.ok(steps >= 12, `6,000 keys in steps of 500 (took ${steps})`);
		assert.equal(total, expected.windows);
		assert.equal(stepped.windowKeyCount(), whole.windowKeyCount() + steps);
		assert.deepEqual(stepped.sweepSome(now, 100_000).windows, 0, "the next pass finds nothing more");
	});

	it("a swept count slot is reused clean", async () => {
		const store = new MemoryStateStore();
		for (let i = 0; i < 5; i++) await store.update([opOf("posts_5m", "a", T0, 0)], []);
		store.sweep(T0 + 10 * MIN);
		const got = await store.update(
			[opOf("posts_5m", "b", T0 + 10 * MIN, 0)],
			[queryOf("posts_5m", "b", T0 + 10 * MIN)],
		);
		assert.deepEqual(got, [1]);
	});

	it("sweep drops expired labels, then entity states left empty", async () => {
		const store = new MemoryStateStore();
		store.loadEntities([
			entity("account:expired", T0 + 10),
			entity("account:forever", null),
			{ ...entity("account:case", T0 + 10), openCases: ["abuse"] },
			{ ...entity("account:suspended", T0 + 10), status: "suspended", suspendedUntil: null },
			entity("account:later", T0 + 1000),
		]);
		assert.equal(store.entityCount(), 5);
		assert.deepEqual(store.sweep(T0 + 10), { windows: 0, entities: 1, labels: 3 });
		assert.equal(store.entityCount(), 4);
		const got = await store.get(["account:expired", "account:case", "account:suspended", "account:later"]);
		assert.deepEqual([...got.keys()], ["account:case", "account:suspended", "account:later"]);
		assert.deepEqual(got.get("account:case")?.labels, []);
	});

	it("a busy distinct ring reads the same through its compact and per-bucket forms", async () => {
		const store = new MemoryStateStore();
		const at = (t: number) => queryOf("followed_1h", "a", T0 + t);
		// 100 values in each of 3 buckets: past 128 pairs, the ring keeps one sketch per bucket
		const ops = [0, 5, 10].flatMap((m) =>
			Array.from({ length: 100 }, (_, i) => followed("a", T0 + m * MIN, `${m}:${i}`)),
		);
		await store.update(ops, []);
		const [one, two, three] = (await store.read([at(0), at(5 * MIN), at(10 * MIN)])) as number[];
		assert.equal(one, 100, "a sparse bucket alone is exact");
		assert.ok(Math.abs(two! - 200) <= 20 && Math.abs(three! - 300) <= 30, `${two}, ${three}`);
		assert.deepEqual(await MemoryStateStore.restore(store.snapshot()).read([at(10 * MIN)]), [three]);
		// every bucket expires: the ring starts small again
		await store.update([followed("a", T0 + 3 * 60 * MIN, "x")], []);
		assert.deepEqual(await store.read([at(3 * 60 * MIN)]), [1]);
	});

	it("counts late ops it dropped", async () => {
		const store = new MemoryStateStore();
		await store.update([opOf("posts_5m", "a", T0 + 10 * MIN, 0), opOf("posts_5m", "a", T0, 0)], []);
		assert.equal(store.stats().droppedLateOps, 1);
	});

	it("a key written under a new shape starts fresh", async () => {
		const store = new MemoryStateStore();
		const op = opOf("posts_5m", "a", T0, 0);
		const wider = { ...op, windowMs: 10 * MIN };
		await store.update([op, op], []);
		assert.deepEqual(await store.update([wider], [{ ...wider }, { ...op }]), [1, 2]);
	});

	it("rejects an op with an impossible window shape", async () => {
		const store = new MemoryStateStore();
		await assert.rejects(store.update([{ ...opOf("posts_5m", "a", T0, 0), buckets: 0 }], []), /invalid window shape/);
	});
});
