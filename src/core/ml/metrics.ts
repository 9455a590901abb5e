// Evaluation metrics for binary classifiers, as the literature reports them (TweetEval reports
// macro-F1). Undefined values are `null`, never NaN, so they survive JSON:
// - precision of a class never predicted, recall of a class absent from the labels;
// - F1 = 2tp / (2tp + fp + fn), null only when the class is neither present nor predicted;
// - ROC-AUC when the labels hold one class only; ECE and accuracy on no rows.

export type Label = 0 | 1;

export interface ClassStats {
	precision: number | null;
	recall: number | null;
	f1: number | null;
	/** Rows whose true label is this class. */
	support: number;
}

export interface BinaryReport {
	n: number;
	accuracy: number | null;
	/** Mean F1 over the classes whose F1 is defined (present or predicted); null when none is. */
	macroF1: number | null;
	auc: number | null;
	ece: number | null;
	threshold: number;
	perClass: { "0": ClassStats; "1": ClassStats };
}

const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);

function check(scores: readonly number[], labels: readonly Label[]): void {
	if (scores.length !== labels.length)
		throw new Error(`scores and labels differ in length (${scores.length} vs ${labels.length})`);
}

/** Counts of a confusion matrix with class 1 as positive. */
export function confusion(predicted: readonly Label[], labels: readonly Label[]) {
	let tp = 0;
	let fp = 0;
	let fn = 0;
	let tn = 0;
	for (let i = 0; i < labels.length; i++) {
		const p = predicted[i];
		if (labels[i] === 1) p === 1 ? tp++ : fn++;
		else p === 1 ? fp++ : tn++;
	}
	return { tp, fp, fn, tn };
}

/** Share of predictions equal to the label; null on no rows. */
export function accuracy(predicted: readonly Label[], labels: readonly Label[]): number | null {
	const { tp, tn } = confusion(predicted, labels);
	return ratio(tp + tn, labels.length);
}

/**
 * Matthews correlation coefficient of class 1 as positive, in [-1, 1]; null when any margin of
 * the confusion matrix is empty (all one label, or all one prediction).
 * @example mcc([1, 0, 1, 0], [1, 0, 0, 0]) // 0.577...
 */
export function mcc(predicted: readonly Label[], labels: readonly Label[]): number | null {
	const { tp, fp, fn, tn } = confusion(predicted, labels);
	const d = (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn);
	return d === 0 ? null : (tp * tn - fp * fn) / Math.sqrt(d);
}

function stats(tp: number, fp: number, fn: number): ClassStats {
	return {
		precision: ratio(tp, tp + fp),
		recall: ratio(tp, tp + fn),
		f1: ratio(2 * tp, 2 * tp + fp + fn),
		support: tp + fn,
	};
}

/**
 * Precision, recall, F1 and support of each class.
 * @example perClass([1, 0, 1], [1, 1, 0])["1"] // { precision: 0.5, recall: 0.5, f1: 0.5, support: 2 }
 */
export function perClass(predicted: readonly Label[], labels: readonly Label[]): { "0": ClassStats; "1": ClassStats } {
	const { tp, fp, fn, tn } = confusion(predicted, labels);
	return { "0": stats(tn, fn, fp), "1": stats(tp, fp, fn) };
}

/** Mean F1 over the classes whose F1 is defined; null when neither is. */
export function macroF1(predicted: readonly Label[], labels: readonly Label[]): number | null {
	const pc = perClass(predicted, labels);
	const f = [pc["0"].f1, pc["1"].f1].filter((x): x is number => x !== null);
	return f.length === 0 ? null : f.reduce((a, b) => a + b, 0) / f.length;
}

/**
 * ROC-AUC as the Mann-Whitney statistic: the chance a random positive scores above a random
 * negative, ties counting one half (mid-ranks). Null when the labels hold one class only.
 * @example rocAuc([0.1, 0.5, 0.5, 0.9], [0, 0, 1, 1]) // 0.875
 */
export function rocAuc(scores: readonly number[], labels: readonly Label[]): number | null {
	check(scores, labels);
	const n = scores.length;
	const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (scores[a] as number) - (scores[b] as number));
	let pos = 0;
	let rankSum = 0;
	for (let i = 0; i < n; ) {
		let j = i;
		while (j + 1 < n && scores[order[j + 1] as number] === scores[order[i] as number]) j++;
		const midRank = (i + j) / 2 + 1;
		for (let k = i; k <= j; k++) {
			if (labels[order[k] as number] === 1) {
				pos++;
				rankSum += midRank;
			}
		}
		i = j + 1;
	}
	const neg = n - pos;
	if (pos === 0 || neg === 0) return null;
	return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/**
 * Expected calibration error of the positive-class probability over `bins` equal-width bins
 * ([0, 0.1), …, [0.9, 1]): Σ (bin size / n) · |mean label − mean score|. Null on no rows.
 * @example expectedCalibrationError([0.05, 0.95], [0, 1]) // 0.05
 */
export function expectedCalibrationError(
	scores: readonly number[],
	labels: readonly Label[],
	bins = 10,
): number | null {
	check(scores, labels);
	if (scores.length === 0) return null;
	const count = new Array<number>(bins).fill(0);
	const sumScore = new Array<number>(bins).fill(0);
	const sumLabel = new Array<number>(bins).fill(0);
	for (let i = 0; i < scores.length; i++) {
		const s = scores[i] as number;
		const b = Math.min(bins - 1, Math.max(0, Math.floor(s * bins)));
		count[b] = (count[b] as number) + 1;
		sumScore[b] = (sumScore[b] as number) + s;
		sumLabel[b] = (sumLabel[b] as number) + (labels[i] as number);
	}
	let ece = 0;
	for (let b = 0; b < bins; b++) {
		const c = count[b] as number;
		if (c > 0) ece += Math.abs((sumLabel[b] as number) - (sumScore[b] as number)) / scores.length;
	}
	return ece;
}

/** Predictions `score >= threshold -> 1`. */
export function predict(scores: readonly number[], threshold: number): Label[] {
	return scores.map((s) => (s >= threshold ? 1 : 0));
}

/** Every metric at once for scores of the positive class and a decision threshold. */
export function binaryReport(scores: readonly number[], labels: readonly Label[], threshold: number): BinaryReport {
	check(scores, labels);
	const predicted = predict(scores, threshold);
	return {
		n: labels.length,
		accuracy: accuracy(predicted, labels),
		macroF1: macroF1(predicted, labels),
		auc: rocAuc(scores, labels),
		ece: expectedCalibrationError(scores, labels),
		threshold,
		perClass: perClass(predicted, labels),
	};
}

export interface ThresholdChoice {
	/** Predict 1 when score >= threshold; always one of the given scores. */
	threshold: number;
	precision: number;
	recall: number;
	f1: number;
	macroF1: number;
}

/**
 * Walks the distinct scores from the highest down: at each candidate threshold t, the counts of
 * `score >= t`. Ties are one step, so a threshold never splits equal scores.
 */
function* sweep(scores: readonly number[], labels: readonly Label[]): Generator<ThresholdChoice> {
	check(scores, labels);
	const order = Array.from({ length: scores.length }, (_, i) => i).sort(
		(a, b) => (scores[b] as number) - (scores[a] as number),
	);
	const positives = labels.reduce<number>((a, l) => a + l, 0);
	const negatives = labels.length - positives;
	let tp = 0;
	let fp = 0;
	for (let i = 0; i < order.length; ) {
		const t = scores[order[i] as number] as number;
		while (i < order.length && scores[order[i] as number] === t) {
			labels[order[i] as number] === 1 ? tp++ : fp++;
			i++;
		}
		const fn = positives - tp;
		const tn = negatives - fp;
		const f1 = (2 * tp) / (2 * tp + fp + fn);
		const f0 = 2 * tn + fn + fp === 0 ? 0 : (2 * tn) / (2 * tn + fn + fp);
		yield {
			threshold: t,
			precision: tp / (tp + fp),
			recall: positives === 0 ? 0 : tp / positives,
			f1: Number.isNaN(f1) ? 0 : f1,
			macroF1: ((Number.isNaN(f1) ? 0 : f1) + f0) / 2,
		};
	}
}

/**
 * The lowest threshold whose precision on these (validation) rows is at least `precision`, which
 * is the one with the highest recall among them; null when no threshold reaches it.
 * @example thresholdForPrecision([0.2, 0.4, 0.6, 0.8], [0, 1, 0, 1], 0.6)?.threshold // 0.4
 */
export function thresholdForPrecision(
	scores: readonly number[],
	labels: readonly Label[],
	precision: number,
): ThresholdChoice | null {
	let best: ThresholdChoice | null = null;
	for (const c of sweep(scores, labels)) if (c.precision >= precision && c.recall > 0) best = c;
	return best;
}

/**
 * The threshold with the best F1 of class 1 (`objective: "f1"`, default) or the best macro-F1;
 * on a tie the higher threshold. Null when there are no rows.
 * @example bestF1Threshold([0.2, 0.4, 0.6, 0.8], [0, 1, 0, 1])?.threshold // 0.4
 */
export function bestF1Threshold(
	scores: readonly number[],
	labels: readonly Label[],
	objective: "f1" | "macroF1" = "f1",
): ThresholdChoice | null {
	let best: ThresholdChoice | null = null;
	for (const c of sweep(scores, labels)) if (best === null || c[objective] > best[objective]) best = c;
	return best;
}
