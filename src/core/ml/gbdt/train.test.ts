import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { rng } from "../../shared/rng.ts";
import { binMatrix, fitBins, MISSING } from "./bins.ts";
import { CompiledForest, decodeForest, encodeForest } from "./forest.ts";
import { type GbdtData, trainGbdt } from "./train.ts";

/** Rows of 4 features in [0, 1) (feature 3 is noise, feature 2 sometimes missing) and a known rule. */
function data(n: number, seed: number, rule: (x: Float64Array, o: number) => boolean): GbdtData {
	const r = rng(seed);
	const d = 4;
	const x = new Float64Array(n * d);
	const y = new Uint8Array(n);
	for (let i = 0; i < n; i++) {
		for (let f = 0; f < d; f++) x[i * d + f] = r();
		if (x[i * d + 3]! < 0.2) x[i * d + 2] = Number.NaN;
		y[i] = rule(x, i * d) ? 1 : 0;
	}
	return { x, n, d, y };
}

// An interaction the trees must find: a box in features 0 and 1, or feature 2 missing.
const rule = (x: Float64Array, o: number) =>
	(x[o]! > 0.5 && x[o + 1]! < 0.3) || Number.isNaN(x[o + 2]!) || x[o + 2]! > 0.9;

function accuracy(t: ReturnType<typeof trainGbdt>, v: GbdtData): number {
	let ok = 0;
	for (let i = 0; i < v.n; i++) if (t.forest.probability(v.x, i * v.d) >= 0.5 === (v.y[i] === 1)) ok++;
	return ok / v.n;
}

describe("histogram gradient-boosted trees", () => {
	it("bins values at cut points and gives missing values their own code", () => {
		const b = fitBins(Float64Array.from([1, 2, 3, Number.NaN, 2]), 5, 1, 255);
		assert.deepEqual([...(b.cuts[0] ?? [])], [1.5, 2.5]);
		assert.deepEqual([...binMatrix(b, Float64Array.from([0, 1.5, 2, 9, Number.NaN]), 5)], [0, 0, 1, 2, MISSING]);
		const many = Float64Array.from({ length: 10_000 }, (_, i) => i);
		assert.equal(fitBins(many, 10_000, 1, 16).cuts[0]?.length, 15);
	});

	it("learns a known function with an interaction and missing values", () => {
		const train = data(6_000, 1, rule);
		const val = data(2_000, 2, rule);
		const t = trainGbdt(train, val, { rounds: 200, seed: 3, learningRate: 0.2 });
		assert.ok(accuracy(t, val) > 0.97, `accuracy ${accuracy(t, val)}`);
		// The noise feature matters least.
		const imp = [...t.importance];
		assert.equal(imp.indexOf(Math.min(...imp)), 3);
		assert.ok(t.bestRounds <= 200 && t.history.length >= t.bestRounds);
	});

	it("is deterministic under a seed, and the seed matters when subsampling", () => {
		const train = data(3_000, 4, rule);
		const val = data(1_000, 5, rule);
		const opts = { rounds: 40, seed: 9, subsample: 0.7, colsample: 0.75 };
		const a = encodeForest(trainGbdt(train, val, opts).forest);
		const b = encodeForest(trainGbdt(train, val, opts).forest);
		assert.deepEqual(a, b);
		const c = encodeForest(trainGbdt(train, val, { ...opts, seed: 10 }).forest);
		assert.notDeepEqual(a, c);
	});

	it("stops early when validation loss stops improving", () => {
		const noise = (x: Float64Array, o: number) => x[o + 3]! < 0.5 !== x[o]! < 0.01;
		const t = trainGbdt(
			data(2_000, 6, noise),
			data(1_000, 7, () => false),
			{ rounds: 300, earlyStopping: 5 },
		);
		assert.ok(t.history.length < 300 && t.bestRounds === t.history.length - 5, `${t.history.length}`);
	});

	it("contributions sum to the margin, and the forest survives encoding", () => {
		const train = data(2_000, 8, rule);
		const t = trainGbdt(train, undefined, { rounds: 30, seed: 1 });
		const f = decodeForest(encodeForest(t.forest));
		for (let i = 0; i < 20; i++) {
			const c = f.contributions(train.x, i * 4);
			const sum = c.reduce((s, v) => s + v, 0);
			assert.ok(Math.abs(sum - t.forest.margin(train.x, i * 4)) < 1e-9);
			assert.equal(f.margin(train.x, i * 4), t.forest.margin(train.x, i * 4));
		}
	});

	it("refuses damaged forest bytes", () => {
		const bytes = encodeForest(trainGbdt(data(500, 9, rule), undefined, { rounds: 3 }).forest);
		assert.throws(() => decodeForest(bytes.slice(0, bytes.length - 1)), /bytes, expected/);
		const bad = bytes.slice();
		bad[0] = 0;
		assert.throws(() => decodeForest(bad), /not a forest/);
		// A child index pointing backwards (a cycle) is refused.
		const cyc = bytes.slice();
		const view = new DataView(cyc.buffer);
		const trees = view.getUint32(12, true);
		const leftAt = 28 + 4 * trees + 4 * view.getUint32(16, true);
		view.setInt32(leftAt, 0, true);
		assert.throws(() => decodeForest(cyc), /out of order/);
	});
});

describe("compiled forest", () => {
	it("gives the forest's margins, missing values included", () => {
		const train = data(3_000, 12, rule);
		for (const opts of [
			{ maxDepth: 3, maxLeaves: 8 },
			{ maxDepth: 6, maxLeaves: 20 },
		]) {
			const f = trainGbdt(train, undefined, { rounds: 25, seed: 2, ...opts }).forest;
			const c = new CompiledForest(f);
			assert.ok(c.depth <= opts.maxDepth);
			for (let i = 0; i < 500; i++) assert.equal(c.margin(train.x, i * 4), f.margin(train.x, i * 4));
		}
	});
});
