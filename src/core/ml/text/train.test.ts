import assert from "node:assert/strict";
import { test } from "node:test";
import { synthetic } from "./synthetic.ts";
import {
	binaryMetrics,
	chooseThreshold,
	chooseThresholdGroups,
	fitPlatt,
	lowestThresholdAtF1,
	rocAuc,
	stratifiedSplit,
	trainTextModel,
} from "./train.ts";

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

test("chooseThresholdGroups maximises the mean of the groups' macro-F1", () => {
	// group 0 alone is best cut at 0.5, group 1 alone at 0.25; the mean is best at one cut for both
	const labels = [0, 1, 0, 1, 0, 0, 1, 1];
	const scores = [0.1, 0.9, 0.45, 0.6, 0.2, 0.3, 0.35, 0.4];
	const groups = [0, 0, 0, 0, 1, 1, 1, 1];
	const g = chooseThresholdGroups(labels, scores, groups);
	assert.ok(g.threshold > 0.3 && g.threshold < 0.35, `threshold ${g.threshold}`);
	const m0 = binaryMetrics(labels.slice(0, 4), scores.slice(0, 4), g.threshold).macroF1;
	const m1 = binaryMetrics(labels.slice(4), scores.slice(4), g.threshold).macroF1;
	assert.ok(Math.abs(g.macroF1 - (m0 + m1) / 2) < 1e-12);
	// one group gives what chooseThreshold gives
	const one = chooseThresholdGroups(labels, scores, new Array(8).fill(0));
	assert.deepEqual(one, chooseThreshold(labels, scores));
});

test("row weights and validation groups: reproducible, reported per group, weight 1 changes nothing", () => {
	const train = synthetic(200, 1);
	const val = synthetic(100, 2);
	const features = { bits: 16, wordMaxN: 2, charMinN: 2, charMaxN: 4 };
	const base = { name: "toy", val, seed: 5, features, lambdas: [1e-4], nb: [false] };
	const plain = trainTextModel({ ...base, train });
	const ones = trainTextModel({ ...base, train: { ...train, weights: new Array(200).fill(1) } });
	assert.deepEqual(Buffer.from(ones.weights.buffer), Buffer.from(plain.weights.buffer));
	const grouped = {
		...base,
		train: { ...train, weights: Array.from({ length: 200 }, (_, i) => (i % 2 ? 0.5 : 1)) },
		val: { ...val, groups: Array.from({ length: 100 }, (_, i) => i % 2), groupNames: ["even", "odd"] },
	};
	const a = trainTextModel(grouped);
	const b = trainTextModel(grouped);
	assert.deepEqual(Buffer.from(a.weights.buffer), Buffer.from(b.weights.buffer));
	assert.notDeepEqual(Buffer.from(a.weights.buffer), Buffer.from(plain.weights.buffer));
	assert.deepEqual(
		a.report.valGroups?.map((g) => [g.name, g.metrics.n]),
		[
			["even", 50],
			["odd", 50],
		],
	);
});

test("lowestThresholdAtF1: the lowest threshold keeping the positive class's F1, halfway between scores", () => {
	const labels = [1, 1, 0, 1, 0, 0];
	const scores = [0.9, 0.8, 0.7, 0.6, 0.3, 0.1];
	// cut below 0.8: F1 0.8; below 0.6: tp 3, fp 1 -> 6/7 = 0.857; below 0.3: 6/8 = 0.75
	assert.equal(lowestThresholdAtF1(labels, scores, 0.85), (0.6 + 0.3) / 2);
	assert.equal(lowestThresholdAtF1(labels, scores, 0.7), (0.3 + 0.1) / 2);
	assert.equal(lowestThresholdAtF1(labels, scores, 0.99), undefined);
	// ties move together
	assert.equal(lowestThresholdAtF1([1, 0, 1], [0.5, 0.5, 0.2], 0.99), undefined);
});

test("minF1 lowers the threshold below the best macro-F1 one and keeps validation F1 above the bar", () => {
	const { texts, labels } = synthetic(600, 5);
	const split = (a: number, b: number) => ({ texts: texts.slice(a, b), labels: labels.slice(a, b) });
	const base = trainTextModel({ name: "t", train: split(0, 400), val: split(400, 600), seed: 1, lambdas: [1e-4] });
	const low = trainTextModel({
		name: "t",
		train: split(0, 400),
		val: split(400, 600),
		seed: 1,
		lambdas: [1e-4],
		minF1: base.report.val.f1 - 0.05,
	});
	assert.ok(low.threshold <= base.threshold, `${low.threshold} <= ${base.threshold}`);
	assert.ok(low.report.val.f1 >= base.report.val.f1 - 0.05);
	assert.match(low.report.thresholdRule, /the lowest keeping/);
	assert.equal(base.report.thresholdRule, "best macro-F1 on validation");
});
