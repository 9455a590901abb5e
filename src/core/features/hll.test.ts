import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HyperLogLog, hash32 } from "./hll.ts";

function sketchOf(from: number, to: number, prefix = "user:"): HyperLogLog {
	const h = new HyperLogLog();
	for (let i = from; i < to; i++) h.add(prefix + i);
	return h;
}

function within(actual: number, expected: number, tolerance: number): void {
	const err = Math.abs(actual - expected) / expected;
	assert.ok(err <= tolerance, `estimate ${actual} for ${expected} is off by ${(err * 100).toFixed(2)}%`);
}

describe("hash32", () => {
	it("is a deterministic unsigned 32-bit hash that spreads similar strings", () => {
		assert.equal(hash32("account:42"), hash32("account:42"));
		assert.notEqual(hash32("account:42"), hash32("account:24"));
		assert.notEqual(hash32("ab"), hash32("ba"));
		assert.notEqual(hash32(""), hash32("\u0000"));
		const buckets = new Array<number>(16).fill(0);
		for (let i = 0; i < 16_000; i++) {
			const h = hash32(`ip:10.0.${i >> 8}.${i & 255}`);
			assert.ok(Number.isInteger(h) && h >= 0 && h < 2 ** 32);
			buckets[h >>> 28]!++;
		}
		for (const b of buckets) assert.ok(b > 850 && b < 1150, `top-4-bit bucket holds ${b} of 16000`);
	});
});

describe("HyperLogLog", () => {
	describe("is exact while sparse", () => {
		const cases: [distinct: number, repeats: number][] = [
			[0, 1],
			[1, 1],
			[2, 3],
			[50, 2],
			[128, 4],
		];
		for (const [distinct, repeats] of cases) {
			it(`${distinct} distinct values, each added ${repeats} times`, () => {
				const h = new HyperLogLog();
				for (let r = 0; r < repeats; r++) for (let i = 0; i < distinct; i++) h.add(`v${i}`);
				assert.equal(h.count(), distinct);
				assert.equal(h.isSparse, true);
			});
		}
	});

	it("add reports whether the sketch changed", () => {
		const h = new HyperLogLog();
		assert.equal(h.add("a"), true);
		assert.equal(h.add("a"), false);
	});

	it("turns dense at the 129th distinct value and stays close", () => {
		const h = sketchOf(0, 128);
		assert.equal(h.isSparse, true);
		h.add("user:128");
		assert.equal(h.isSparse, false);
		assert.equal(h.byteSize, 1024);
		within(h.count(), 129, 0.05);
	});

	// One sketch's standard error is 1.04/√1024 ≈ 3.25%, so a single estimate within 5% is only
	// ~1.5σ: each fixed set is held to 3σ, and the error across independent sets to 5% RMS.
	describe("estimates large sets", () => {
		for (const n of [10_000, 100_000, 1_000_000]) {
			it(`${n} distinct: within 3σ (9.75%)`, () => within(sketchOf(0, n).count(), n, 0.0975));
		}
		for (const n of [10_000, 100_000]) {
			it(`${n} distinct: RMS error over 12 independent sets within 5%, bias within 2%`, () => {
				let sq = 0;
				let sum = 0;
				for (let s = 0; s < 12; s++) {
					const err = sketchOf(0, n, `set${s}:`).count() / n - 1;
					sq += err * err;
					sum += err;
				}
				assert.ok(Math.sqrt(sq / 12) <= 0.05, `RMS error ${(Math.sqrt(sq / 12) * 100).toFixed(2)}%`);
				assert.ok(Math.abs(sum / 12) <= 0.02, `mean error ${((sum / 12) * 100).toFixed(2)}%`);
			});
		}
	});

	describe("merge", () => {
		const cases: [name: string, a: [number, number], b: [number, number], union: number, tolerance: number][] = [
			["two sparse, union stays sparse: exact", [0, 80], [40, 120], 120, 0],
			["two sparse, union too big for sparse", [0, 100], [50, 200], 200, 0.0975],
			["sparse into dense", [0, 60], [30, 5_000], 5_000, 0.0975],
			["two dense, overlapping", [0, 60_000], [40_000, 100_000], 100_000, 0.0975],
		];
		for (const [name, [a0, a1], [b0, b1], union, tolerance] of cases) {
			it(name, () => {
				const a = sketchOf(a0, a1);
				const b = sketchOf(b0, b1);
				const aBytes = a.toBytes();
				const bBytes = b.toBytes();
				const m = HyperLogLog.merge(a, b);
				within(m.count(), union, tolerance);
				assert.equal(HyperLogLog.unionCount([a, b]), m.count());
				// merging is the same as adding everything to one sketch
				assert.deepEqual(m.toBytes(), sketchOf(Math.min(a0, b0), Math.max(a1, b1)).toBytes());
				assert.deepEqual(a.toBytes(), aBytes, "left input unchanged");
				assert.deepEqual(b.toBytes(), bBytes, "right input unchanged");
			});
		}

		it("of nothing is empty, of one is a copy", () => {
			assert.equal(HyperLogLog.merge().count(), 0);
			assert.equal(HyperLogLog.unionCount([]), 0);
			const a = sketchOf(0, 10);
			const m = HyperLogLog.merge(a);
			m.add("more");
			assert.equal(a.count(), 10);
			assert.equal(m.count(), 11);
		});
	});

	describe("serialises to bytes and back", () => {
		const cases: [name: string, n: number, length: number][] = [
			["empty", 0, 2],
			["sparse", 5, 2 + 5 * 4],
			["dense", 5_000, 2 + 1024],
		];
		for (const [name, n, length] of cases) {
			it(name, () => {
				const h = sketchOf(0, n);
				const bytes = h.toBytes();
				assert.equal(bytes.length, length);
				const back = HyperLogLog.fromBytes(bytes);
				assert.equal(back.count(), h.count());
				assert.deepEqual(back.toBytes(), bytes);
				bytes.fill(0, 2);
				assert.equal(back.count(), h.count(), "the copy does not share the bytes");
				back.add("one more");
				h.add("one more");
				assert.equal(back.count(), h.count());
			});
		}

		const bad: [name: string, bytes: number[], message: RegExp][] = [
			["too short", [1], /shorter than/],
			["wrong precision", [1, 14], /precision 14/],
			["unknown tag", [9, 10], /unknown tag 9/],
			["sparse length not a multiple of 4", [1, 10, 1, 2, 3], /sparse length/],
			["unsorted sparse hashes", [1, 10, 2, 0, 0, 0, 1, 0, 0, 0], /not strictly increasing/],
			["dense of the wrong length", [2, 10, 0, 0], /dense length/],
			["register out of range", [2, 10, 24, ...new Array<number>(1023).fill(0)], /register value 24/],
		];
		for (const [name, bytes, message] of bad) {
			it(`rejects ${name}`, () => assert.throws(() => HyperLogLog.fromBytes(Uint8Array.from(bytes)), message));
		}
	});

	it("clone is independent", () => {
		for (const n of [3, 500]) {
			const a = sketchOf(0, n);
			const c = a.clone();
			c.add("extra-1");
			c.add("extra-2");
			assert.equal(a.count(), sketchOf(0, n).count());
			assert.deepEqual(c.toBytes(), HyperLogLog.merge(a, sketchOf(1, 3, "extra-")).toBytes());
		}
	});
});
