import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { EntityState, EntityStateStore } from "../../core/enforcement/state.ts";
import type { AggKind, LastItem, WindowOp, WindowQuery, WindowStore } from "../../core/features/index.ts";

export type StateStore = WindowStore & EntityStateStore;

export interface ConformanceOptions {
	/** Cases this adapter cannot pass, by name, each with the reason it is skipped. */
	skip?: Record<string, string>;
}

/**
 * The behaviour every hot-state adapter (memory, Redis) must share. Each case gets a fresh store
 * from `create`.
 *
 * Windows here are 1 s of 10 buckets (100 ms each), at real epoch-millisecond times.
 *
 * @example
 * runStateStoreConformance("memory", async () => new MemoryStateStore());
 */
export function runStateStoreConformance(
	name: string,
	create: () => Promise<StateStore>,
	opts: ConformanceOptions = {},
): void {
	const test = (title: string, fn: (s: StateStore) => Promise<void>) => {
		const reason = opts.skip?.[title];
		it(title, reason ? { skip: reason } : {}, async () => fn(await create()));
	};

	describe(`state store conformance: ${name}`, () => {
		describe("windows", () => {
			test("unknown keys read 0, or [] for last", async (s) => {
				const qs = (["count", "sum", "distinct", "last"] as const).map((agg) => q("nobody", agg, T0));
				assert.deepEqual(await s.read(qs), [0, 0, 0, []]);
				assert.deepEqual(await s.update([], qs), [0, 0, 0, []]);
			});

			test("count adds one per op", async (s) => {
				await s.update([count("k", T0), count("k", T0 + 10), count("k", T0 + 99)], []);
				assert.deepEqual(await s.read([q("k", "count", T0 + 99)]), [3]);
			});

			test("sum adds values, fractions and negatives included", async (s) => {
				await s.update([sum("k", T0, 2.5), sum("k", T0 + 1, -1), sum("k", T0 + 150, 10)], []);
				assert.deepEqual(await s.read([q("k", "sum", T0 + 150)]), [11.5]);
			});

			test("distinct counts each value once, across buckets", async (s) => {
				const vals: [number, string][] = [
					[0, "a"],
					[10, "b"],
					[20, "a"],
					[300, "b"],
					[310, "c"],
					[320, ""],
				];
				await s.update(
					vals.map(([t, v]) => distinct("k", T0 + t, v)),
					[],
				);
				assert.deepEqual(await s.read([q("k", "distinct", T0 + 320)]), [4]);
			});

			test("distinct: a value seen in two buckets leaves with the later one", async (s) => {
				await s.update([distinct("k", T0, "a"), distinct("k", T0 + 500, "a"), distinct("k", T0 + 500, "b")], []);
				const got = await s.read(
					[T0 + 500, T0 + 999, T0 + 1000, T0 + 1499, T0 + 1500].map((t) => q("k", "distinct", t)),
				);
				assert.deepEqual(got, [2, 2, 2, 2, 0]);
			});

			test("distinct of 2000 values is within 5%", async (s) => {
				const ops = Array.from({ length: 2000 }, (_, i) => distinct("k", T0 + (i % 1000), `user:${i}`));
				await s.update(ops, []);
				const [n] = (await s.read([q("k", "distinct", T0 + 999)])) as number[];
				assert.ok(Math.abs(n! - 2000) <= 100, `estimate ${n}`);
			});

			describe("sliding at bucket resolution (ops in buckets 0, 1 and 9)", () => {
				// bucket = 100 ms; a read at ts covers buckets (idx(ts) - 10, idx(ts)].
				const cases: [readAt: number, expect: number][] = [
					[0, 1],
					[149, 2],
					[950, 3],
					[999, 3],
					[1000, 2], // bucket 0 left: the op at +0 counted for exactly 1000 ms
					[1099, 2],
					[1100, 1], // bucket 1 left: the op at +150 counted for only 950 ms
					[1899, 1],
					[1900, 0],
					[86_400_000, 0],
				];
				const opsAt = [0, 150, 950];
				for (const agg of ["count", "sum", "distinct"] as const) {
					test(`${agg} slides`, async (s) => {
						await s.update(
							opsAt.map((t, i) => op(agg, "k", T0 + t, `v${i}`)),
							[],
						);
						const got = await s.read(cases.map(([t]) => q("k", agg, T0 + t)));
						assert.deepEqual(
							got,
							cases.map(([, n]) => n),
						);
					});
				}
			});

			for (const agg of ["count", "sum", "distinct"] as const) {
				test(`${agg}: a late op counts while its bucket is in the ring, older ones are dropped`, async (s) => {
					await s.update([op(agg, "k", T0 + 950, "a"), op(agg, "k", T0 + 150, "b")], []);
					assert.deepEqual(await s.read([q("k", agg, T0 + 950)]), [2]);
					// newest bucket 20: the ring holds buckets 11..20
					await s.update([op(agg, "k", T0 + 2050, "c"), op(agg, "k", T0 + 150, "d")], []);
					await s.update([op(agg, "k", T0 + 1099, "e"), op(agg, "k", T0 + 1100, "f")], []);
					assert.deepEqual(await s.read([q("k", agg, T0 + 2050)]), [2]); // c and f
				});

				test(`${agg}: a read before the newest bucket sees the ring up to its own bucket`, async (s) => {
					await s.update([op(agg, "k", T0 + 950, "a"), op(agg, "k", T0 + 1250, "b")], []);
					assert.deepEqual(await s.read([q("k", agg, T0 + 1000), q("k", agg, T0 + 1250)]), [1, 2]);
				});
			}

			test("last keeps the newest n, newest first, and a query may ask fewer", async (s) => {
				await s.update(
					[1, 2, 3, 4, 5].map((i) => last("k", T0 + i, `t${i}`, 3)),
					[],
				);
				const [all, two] = await s.read([q("k", "last", T0 + 5, 3), q("k", "last", T0 + 5, 2)]);
				assert.deepEqual(all, items([5, "t5"], [4, "t4"], [3, "t3"]));
				assert.deepEqual(two, items([5, "t5"], [4, "t4"]));
			});

			test("last orders late items by ts and drops one older than all n kept", async (s) => {
				await s.update([last("k", T0 + 10, "a", 3), last("k", T0 + 30, 30, 3), last("k", T0 + 20, "b", 3)], []);
				await s.update([last("k", T0 + 5, "too old", 3)], []);
				assert.deepEqual(await s.read([q("k", "last", T0 + 30, 3)]), [items([30, 30], [20, "b"], [10, "a"])]);
			});

			test("last ignores windowMs and returns only items at or before the read ts", async (s) => {
				await s.update([last("k", T0, "old", 3), last("k", T0 + 20, "new", 3)], []);
				const got = await s.read([q("k", "last", T0 + 10, 3), q("k", "last", T0 + 5 * WINDOW, 3)]);
				assert.deepEqual(got, [items([0, "old"]), items([20, "new"], [0, "old"])]);
			});

			test("update applies all ops in order, then answers the queries in their order", async (s) => {
				const got = await s.update(
					[count("a", T0), distinct("b", T0, "x"), count("a", T0 + 1), sum("c", T0, 7), distinct("b", T0, "y")],
					[q("c", "sum", T0 + 1), q("a", "count", T0 + 1), q("b", "distinct", T0 + 1), q("zz", "count", T0)],
				);
				assert.deepEqual(got, [7, 2, 2, 0]);
				assert.deepEqual(await s.update([count("a", T0 + 2)], [q("a", "count", T0 + 2)]), [3]);
			});

			test("reads do not change state", async (s) => {
				await s.update([count("k", T0)], []);
				const qs = [q("k", "count", T0), q("k", "count", T0 + 5000), q("k", "count", T0)];
				assert.deepEqual(await s.read(qs), [1, 0, 1]);
				assert.deepEqual(await s.read(qs), [1, 0, 1]);
			});

			test("keys are independent", async (s) => {
				await s.update([count("a", T0), count("a", T0), count("b", T0), sum("c", T0, 4)], []);
				assert.deepEqual(await s.read([q("a", "count", T0), q("b", "count", T0), q("c", "sum", T0)]), [2, 1, 4]);
			});

			test("windows of other shapes bucket by their own size", async (s) => {
				const hour = { windowMs: 3_600_000, buckets: 12 };
				await s.update([{ ...count("h", T0), ...hour }], []);
				const at = (t: number): WindowQuery => ({ ...q("h", "count", T0 + t), ...hour });
				assert.deepEqual(await s.read([at(3_599_999), at(3_600_000)]), [1, 0]);
			});
		});

		describe("entity state", () => {
			test("get returns only keys present", async (s) => {
				assert.equal((await s.get(["account:1"])).size, 0);
				await s.put([entity("account:1"), entity("account:2", ["spam"])]);
				const got = await s.get(["account:2", "account:3", "account:1"]);
				assert.deepEqual([...got.keys()].sort(), ["account:1", "account:2"]);
				assert.deepEqual(got.get("account:2"), entity("account:2", ["spam"]));
			});

			test("put replaces the whole state", async (s) => {
				await s.put([entity("account:1", ["spam", "bot"], ["abuse"])]);
				await s.put([{ ...entity("account:1", ["bot"]), status: "suspended", suspendedUntil: T0 + 1000 }]);
				const got = (await s.get(["account:1"])).get("account:1");
				assert.deepEqual(got, { ...entity("account:1", ["bot"]), status: "suspended", suspendedUntil: T0 + 1000 });
			});

			test("callers' objects are not the store's", async (s) => {
				const mine = entity("account:1", ["spam"], ["abuse"]);
				await s.put([mine]);
				mine.labels[0]!.label = "changed";
				mine.openCases.push("other");
				const got = (await s.get(["account:1"])).get("account:1")!;
				got.labels.push(got.labels[0]!);
				got.status = "suspended";
				assert.deepEqual((await s.get(["account:1"])).get("account:1"), entity("account:1", ["spam"], ["abuse"]));
			});
		});
	});
}

/** An aligned, realistic epoch time (a multiple of every bucket size used here). */
const T0 = 1_699_999_200_000;
const WINDOW = 1000;
const BUCKETS = 10;

function shape(key: string) {
	return { key, windowMs: WINDOW, buckets: BUCKETS };
}
function count(key: string, ts: number): WindowOp {
	return { ...shape(key), agg: "count", ts };
}
function sum(key: string, ts: number, value: number): WindowOp {
	return { ...shape(key), agg: "sum", ts, value };
}
function distinct(key: string, ts: number, value: string): WindowOp {
	return { ...shape(key), agg: "distinct", ts, value };
}
function last(key: string, ts: number, value: string | number, n: number): WindowOp {
	return { ...shape(key), agg: "last", ts, value, n };
}
/** An op of `agg`: `value` is what distinct counts; sum adds 1 so every agg reads the same. */
function op(agg: "count" | "sum" | "distinct", key: string, ts: number, value: string): WindowOp {
	return agg === "count" ? count(key, ts) : agg === "sum" ? sum(key, ts, 1) : distinct(key, ts, value);
}
function q(key: string, agg: AggKind, ts: number, n?: number): WindowQuery {
	return n === undefined ? { ...shape(key), agg, ts } : { ...shape(key), agg, ts, n };
}
function items(...pairs: [offset: number, value: string | number][]): LastItem[] {
	return pairs.map(([t, value]) => ({ ts: T0 + t, value }));
}
function entity(key: string, labels: string[] = [], openCases: string[] = []): EntityState {
	return {
		key,
		status: "active",
		suspendedUntil: null,
		labels: labels.map((label, i) => ({
			label,
			source: "rule",
			reason: `rule ${label}`,
			createdAt: T0 + i,
			expiresAt: i % 2 ? null : T0 + 86_400_000,
			by: "policy:default",
			actionId: `act-${key}-${label}`,
		})),
		openCases,
	};
}
