import assert from "node:assert/strict";
import { test } from "node:test";
import { synthetic } from "./synthetic.ts";
import { binaryMetrics, chooseThreshold, fitPlatt, rocAuc, stratifiedSplit, trainTextModel } from "./train.ts";

test("learns a synthetic task and is reproducible", () => {
	const train = synthetic(200, 1);
	const val = synthetic(100, 2);
	const opts = { name: "toy", train, val, seed: 5, features: { bits: 16, wordMaxN: 2, charMinN: 2, charMaxN: 4 } };
	const a = trainTextModel(opts);
	const b = trainTextModel(opts);
	assert.deepEqual(Buffer.from(a.weights.buffer), Buffer.from(b.weights.buffer));
	assert.equal(a.threshold, b.threshold);
	assert.ok(a.report.val.macroF1 > 0.95, `val macro-F1 ${a.report.val.macroF1}`);
	assert.ok(a.platt.a > 0);
	assert.equal(a.report.grid.length, 10);
});

test("metrics helpers", () => {
	assert.equal(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 0.75);
	assert.equal(rocAuc([0, 1], [0.5, 0.5]), 0.5);
	const m = binaryMetrics([0, 0, 1, 1], [0.1, 0.6, 0.7, 0.9], 0.5);
	assert.equal(m.accuracy, 0.75);
	assert.equal(m.precision, 2 / 3);
	assert.equal(m.recall, 1);
	const t = chooseThreshold([0, 0, 1, 1], [0.1, 0.2, 0.7, 0.9]);
	assert.equal(t.macroF1, 1);
	assert.ok(t.threshold > 0.2 && t.threshold <= 0.7);
	const hp = chooseThreshold([0, 1, 0, 1, 1], [0.1, 0.3, 0.5, 0.8, 0.9], 1);
	assert.ok(hp.threshold > 0.5 && hp.threshold <= 0.8);
});

test("Platt scaling is increasing in the margin for separable-ish scores", () => {
	const { a } = fitPlatt([0, 0, 0, 1, 0, 1, 1, 1], [-3, -2, -1, -0.5, 0.5, 1, 2, 3]);
	assert.ok(a > 0);
});

test("stratified split is seeded and keeps class shares", () => {
	const labels = Array.from({ length: 100 }, (_, i) => (i < 20 ? 1 : 0));
	const [a, b] = stratifiedSplit(labels, 0.2, 7);
	assert.deepEqual(stratifiedSplit(labels, 0.2, 7), [a, b]);
	assert.notDeepEqual(stratifiedSplit(labels, 0.2, 8)[1], b);
	assert.equal(b.length, 20);
	assert.equal(b.filter((i) => labels[i] === 1).length, 4);
	assert.equal(new Set([...a, ...b]).size, 100);
});
