import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ScalableBloom } from "./bloom.ts";

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i.toString(36)}`);

describe("ScalableBloom", () => {
	it("never forgets an added item", () => {
		const b = new ScalableBloom(1000);
		const added = ids("evt_", 50_000);
		for (const id of added) b.add(id);
		assert.equal(b.size, 50_000);
		for (const id of added) assert.ok(b.has(id), id);
	});

	for (const [capacity, n] of [
		[100_000, 50_000],
		[1_000, 100_000],
	] as const) {
		it(`keeps false positives under twice the rate (capacity ${capacity}, ${n} items)`, () => {
			const b = new ScalableBloom(capacity, 0.01);
			for (const id of ids("in-", n)) b.add(id);
			let fp = 0;
			const probes = ids("out-", 100_000);
			for (const id of probes) if (b.has(id)) fp++;
			const rate = fp / probes.length;
			assert.ok(rate < 0.02, `false-positive rate ${rate}`);
		});
	}

	it("answers no for everything when empty or cleared", () => {
		const b = new ScalableBloom(10);
		assert.equal(b.has("x"), false);
		b.add("x");
		assert.equal(b.has("x"), true);
		b.clear();
		assert.equal(b.has("x"), false);
		assert.equal(b.size, 0);
	});

	it("refuses nonsense sizes", () => {
		assert.throws(() => new ScalableBloom(0), RangeError);
		assert.throws(() => new ScalableBloom(10, 1), RangeError);
	});
});
