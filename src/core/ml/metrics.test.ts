import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
	accuracy,
	bestF1Threshold,
	binaryReport,
	expectedCalibrationError,
	type Label,
	macroF1,
	mcc,
	perClass,
	rocAuc,
	thresholdForPrecision,
} from "./metrics.ts";

const close = (a: number | null | undefined, b: number) => {
	assert.ok(a !== null && a !== undefined && Math.abs(a - b) < 1e-12, `${a} is not ${b}`);
};

describe("classification metrics", () => {
	// labels:    1 1 1 1 0 0 0 0 0 0
	// predicted: 1 1 1 0 1 0 0 0 0 0  -> tp 3, fn 1, fp 1, tn 5
	const labels: Label[] = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0];
	const predicted: Label[] = [1, 1, 1, 0, 1, 0, 0, 0, 0, 0];

	it("computes accuracy, per-class precision/recall/F1/support and macro-F1 by hand", () => {
		close(accuracy(predicted, labels), 0.8);
		const pc = perClass(predicted, labels);
		assert.deepEqual(pc["1"], { precision: 0.75, recall: 0.75, f1: 0.75, support: 4 });
		// class 0: tp 5, fp 1 (a 1 predicted 0), fn 1 -> P 5/6, R 5/6, F1 5/6
		close(pc["0"].precision, 5 / 6);
		close(pc["0"].recall, 5 / 6);
		close(pc["0"].f1, 5 / 6);
		assert.equal(pc["0"].support, 6);
		close(macroF1(predicted, labels), (0.75 + 5 / 6) / 2);
	});

	it("returns null for what is undefined when one class is missing", () => {
		const ones: Label[] = [1, 1, 1];
		const pc = perClass([1, 1, 0], ones);
		assert.equal(pc["0"].recall, null, "recall of an absent class");
		assert.equal(pc["0"].precision, 0);
		assert.equal(pc["0"].f1, 0, "predicted but never present: F1 0");
		const all = perClass([1, 1, 1], ones);
		assert.deepEqual(all["0"], { precision: null, recall: null, f1: null, support: 0 });
		close(macroF1([1, 1, 1], ones), 1); // mean over the one class with a defined F1
		assert.equal(rocAuc([0.1, 0.5, 0.9], ones), null);
		assert.equal(accuracy([], []), null);
		assert.equal(macroF1([], []), null);
		assert.equal(expectedCalibrationError([], []), null);
	});

	it("computes ROC-AUC by ranks, ties counting one half", () => {
		assert.equal(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75);
		assert.equal(rocAuc([0.1, 0.5, 0.5, 0.9], [0, 0, 1, 1]), 0.875);
		assert.equal(rocAuc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1]), 0.5);
		assert.equal(rocAuc([0.9, 0.8, 0.1], [0, 0, 1]), 0);
		// pos {0.3, 0.3, 0.7}, neg {0.3, 0.1}: 0.3 beats 0.1 and ties 0.3 (x2) -> 2 * 1.5, 0.7 -> 2; 5/6
		close(rocAuc([0.3, 0.3, 0.7, 0.3, 0.1], [1, 1, 1, 0, 0]), 5 / 6);
		assert.throws(() => rocAuc([0.1], [0, 1]), /differ in length/);
	});

	it("computes the expected calibration error over 10 equal-width bins", () => {
		close(expectedCalibrationError([0.05, 0.95], [0, 1]), 0.05);
		// bin [0.2,0.3): scores 0.2, 0.25, labels 0, 1 -> |0.5 - 0.225| * 2/4; bin [0.9,1]: 1.0, 1.0 -> 0
		close(expectedCalibrationError([0.2, 0.25, 1, 1], [0, 1, 1, 1]), 0.1375);
		close(expectedCalibrationError([0.5, 0.5], [0, 1]), 0);
	});

	it("reports every metric at a threshold (score >= threshold is class 1)", () => {
		const r = binaryReport([0.2, 0.4, 0.6, 0.8], [0, 1, 0, 1], 0.6);
		assert.equal(r.n, 4);
		assert.equal(r.accuracy, 0.5);
		assert.equal(r.threshold, 0.6);
		assert.equal(r.auc, 0.75);
		assert.deepEqual(r.perClass["1"], { precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
	});
});

describe("Matthews correlation coefficient", () => {
	it("is 1 for perfect, -1 for inverted, null when a margin is empty", () => {
		close(mcc([1, 0, 1, 0], [1, 0, 0, 0]), 2 / Math.sqrt(12));
		close(mcc([1, 0, 1], [1, 0, 1]), 1);
		close(mcc([0, 1], [1, 0]), -1);
		assert.equal(mcc([1, 1], [1, 0]), null);
		assert.equal(mcc([1, 0], [1, 1]), null);
	});
});

describe("threshold choice on validation data", () => {
	const scores = [0.2, 0.4, 0.6, 0.8];
	const labels: Label[] = [0, 1, 0, 1];

	it("picks the lowest threshold reaching a precision (the highest recall among them)", () => {
		// t=0.8: P 1, R .5; t=0.6: P .5; t=0.4: P 2/3, R 1; t=0.2: P .5
		assert.equal(thresholdForPrecision(scores, labels, 0.6)?.threshold, 0.4);
		assert.equal(thresholdForPrecision(scores, labels, 0.9)?.threshold, 0.8);
		assert.equal(thresholdForPrecision(scores, labels, 0.5)?.threshold, 0.2);
		assert.equal(thresholdForPrecision([0.9, 0.8], [0, 0], 0.5), null);
	});

	it("never splits tied scores", () => {
		// the tie at 0.5 holds a positive and a negative: P at 0.5 is 2/3, above it 1
		const c = thresholdForPrecision([0.9, 0.5, 0.5, 0.1], [1, 1, 0, 0], 0.7);
		assert.equal(c?.threshold, 0.9);
		close(thresholdForPrecision([0.9, 0.5, 0.5, 0.1], [1, 1, 0, 0], 0.6)?.precision, 2 / 3);
	});

	it("picks the threshold with the best F1 or macro-F1", () => {
		const f1 = bestF1Threshold(scores, labels);
		assert.equal(f1?.threshold, 0.4);
		close(f1?.f1, 0.8);
		// positives are the majority: F1 of class 1 prefers recall, macro-F1 also weighs class 0
		// t=0.8: F1 .8, F1(0) .8 -> macro .8; t=0.6: F1 6/7, F1(0) 2/3 -> macro .76
		const s = [0.9, 0.8, 0.7, 0.6, 0.5];
		const l: Label[] = [1, 1, 0, 1, 0];
		assert.equal(bestF1Threshold(s, l, "f1")?.threshold, 0.6);
		assert.equal(bestF1Threshold(s, l, "macroF1")?.threshold, 0.8);
		close(bestF1Threshold(s, l, "macroF1")?.macroF1, 0.8);
		assert.equal(bestF1Threshold([], []), null);
	});
});
