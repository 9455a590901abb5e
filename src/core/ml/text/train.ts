import { rng } from "../../shared/rng.ts";
/**
 * Seeded, reproducible training of a binary text classifier: L2-regularised logistic regression
 * on hashed n-gram vectors (full batch, L-BFGS, so one data set gives one model), optional
 * NB-SVM log-count-ratio scaling, the regularisation chosen on validation data, Platt scaling
 * fitted on validation scores, and the decision threshold chosen there for best macro-F1 (or a
 * stated precision).
 *
 * @example
 * const m = trainTextModel({ name: "spam", train, val, seed: 7 });
 * m.threshold; m.report.val.macroF1
 */
import { DEFAULT_FEATURES, type FeatureSettings, Featurizer, type SparseVector } from "./features.ts";
import { compact, fitLogistic, nbRatios } from "./logistic.ts";

export interface LabelledTexts {
	readonly texts: readonly string[];
	readonly labels: ArrayLike<number>;
	/** Training rows: a weight per row (multiplied with the class weight); default 1. */
	readonly weights?: ArrayLike<number>;
	/**
	 * Validation rows: a group (source) per row. With groups, λ, NB and the threshold are chosen
	 * for the mean of the groups' macro-F1 at one threshold, so no one source sets them alone;
	 * Platt scaling is fitted on group 0 (the task's own validation data).
	 */
	readonly groups?: ArrayLike<number>;
	/** The groups' names, for the report (index = group number). */
	readonly groupNames?: readonly string[];
}

export interface TrainOptions {
	readonly name: string;
	readonly train: LabelledTexts;
	readonly val: LabelledTexts;
	readonly seed: number;
	readonly features?: FeatureSettings;
	/** L2 strengths tried (per training row: the objective is mean loss + λ/2·|w|²). */
	readonly lambdas?: readonly number[];
	/** NB-SVM scaling tried off and on by default. */
	readonly nb?: readonly boolean[];
	/** "balanced" weighs each class by n / (2·n_class). */
	readonly classWeight?: "none" | "balanced";
	/** When set, the threshold is the lowest one reaching this precision on validation data. */
	readonly targetPrecision?: number;
	/**
	 * When set (and `targetPrecision` is not; no validation groups), the threshold is the lowest
	 * one keeping the positive class's F1 on validation data at or above this: for a model that
	 * will meet weaker cues than its validation data has (SMS spam's phone numbers and prices are
	 * not in another site's comments), the threshold sits as low as validation allows. Where no
	 * threshold reaches it, the best macro-F1 one stays.
	 */
	readonly minF1?: number;
	readonly maxIter?: number;
	readonly onProgress?: (message: string) => void;
}

export interface BinaryMetrics {
	readonly n: number;
	readonly accuracy: number;
	readonly macroF1: number;
	readonly precision: number;
	readonly recall: number;
	readonly f1: number;
	readonly auc: number;
}

export interface GridPoint {
	readonly lambda: number;
	readonly nb: boolean;
	readonly iterations: number;
	/** Best macro-F1 on validation over thresholds, and the AUC there. */
	readonly macroF1: number;
	readonly auc: number;
}

export interface TrainedTextModel {
	readonly name: string;
	readonly features: FeatureSettings;
	/** Dense weights over the hash buckets (NB scaling already folded in). */
	readonly weights: Float32Array;
	readonly bias: number;
	/** Calibrated probability = 1 / (1 + exp(-(a·margin + b))). */
	readonly platt: { readonly a: number; readonly b: number };
	readonly threshold: number;
	readonly report: {
		readonly seed: number;
		readonly trainRows: number;
		readonly valRows: number;
		readonly trainPositives: number;
		readonly valPositives: number;
		readonly classWeight: "none" | "balanced";
		readonly grid: readonly GridPoint[];
		readonly chosen: { readonly lambda: number; readonly nb: boolean };
		/** How the threshold was chosen on validation data, in words (for the model card). */
		readonly thresholdRule: string;
		readonly val: BinaryMetrics;
		/** With validation groups: the metrics of each group at the chosen threshold. */
		readonly valGroups?: readonly { readonly name: string; readonly metrics: BinaryMetrics }[];
		readonly trainMs: number;
	};
}

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** A seeded stratified split: the row numbers of each part (the second gets `fraction` of each class). */
export function stratifiedSplit(labels: ArrayLike<number>, fraction: number, seed: number): [number[], number[]] {
	const rand = rng(seed);
	const a: number[] = [];
	const b: number[] = [];
	for (const cls of [0, 1]) {
		const rows: number[] = [];
		for (let i = 0; i < labels.length; i++) if (labels[i] === cls) rows.push(i);
		for (let i = rows.length - 1; i > 0; i--) {
			const j = Math.floor(rand() * (i + 1));
			[rows[i], rows[j]] = [rows[j] as number, rows[i] as number];
		}
		const cut = Math.round(rows.length * fraction);
		b.push(...rows.slice(0, cut));
		a.push(...rows.slice(cut));
	}
	return [a.sort((x, y) => x - y), b.sort((x, y) => x - y)];
}

/** ROC-AUC by ranks (ties get their mean rank). */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
	const idx = Array.from({ length: scores.length }, (_, i) => i).sort(
		(i, j) => (scores[i] as number) - (scores[j] as number),
	);
	let pos = 0;
	let rankSum = 0;
	for (let i = 0; i < idx.length; ) {
		let j = i;
		while (j + 1 < idx.length && scores[idx[j + 1] as number] === scores[idx[i] as number]) j++;
		const rank = (i + j) / 2 + 1;
		for (let k = i; k <= j; k++) {
			if (labels[idx[k] as number] === 1) {
				pos++;
				rankSum += rank;
			}
		}
		i = j + 1;
	}
	const neg = idx.length - pos;
	return pos === 0 || neg === 0 ? Number.NaN : (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Binary metrics of scores at a threshold (score >= threshold -> 1). */
export function binaryMetrics(labels: ArrayLike<number>, scores: ArrayLike<number>, threshold: number): BinaryMetrics {
	let tp = 0;
	let fp = 0;
	let fn = 0;
	let tn = 0;
	for (let i = 0; i < labels.length; i++) {
		const p = (scores[i] as number) >= threshold;
		if (labels[i] === 1) p ? tp++ : fn++;
		else p ? fp++ : tn++;
	}
	const f = (a: number, b: number, c: number) => (2 * a === 0 ? 0 : (2 * a) / (2 * a + b + c));
	const n = labels.length;
	return {
		n,
		accuracy: n ? (tp + tn) / n : 0,
		macroF1: (f(tp, fp, fn) + f(tn, fn, fp)) / 2,
		precision: tp + fp ? tp / (tp + fp) : 0,
		recall: tp + fn ? tp / (tp + fn) : 0,
		f1: f(tp, fp, fn),
		auc: rocAuc(labels, scores),
	};
}

/**
 * Visits every cut of the scores from the highest down: `tp` and `fp` above it, the threshold it
 * stands for (halfway between neighbouring scores, so tied scores move together), and the
 * positives and negatives in all.
 */
function sweepCuts(
	labels: ArrayLike<number>,
	scores: ArrayLike<number>,
	visit: (tp: number, fp: number, threshold: number, P: number, N: number) => void,
): void {
	const idx = Array.from({ length: scores.length }, (_, i) => i).sort(
		(i, j) => (scores[j] as number) - (scores[i] as number),
	);
	let P = 0;
	for (let i = 0; i < labels.length; i++) if (labels[i] === 1) P++;
	const N = labels.length - P;
	let tp = 0;
	let fp = 0;
	for (let k = 0; k < idx.length; k++) {
		labels[idx[k] as number] === 1 ? tp++ : fp++;
		const s = scores[idx[k] as number] as number;
		const next = k + 1 < idx.length ? (scores[idx[k + 1] as number] as number) : Number.NEGATIVE_INFINITY;
		if (next === s) continue;
		visit(tp, fp, Number.isFinite(next) ? (s + next) / 2 : s, P, N);
	}
}

/**
 * The threshold with the best macro-F1 (or, with `targetPrecision`, the lowest reaching it),
 * halfway between neighbouring scores.
 */
export function chooseThreshold(
	labels: ArrayLike<number>,
	scores: ArrayLike<number>,
	targetPrecision?: number,
): { threshold: number; macroF1: number } {
	let P = 0;
	for (let i = 0; i < labels.length; i++) if (labels[i] === 1) P++;
	const N = labels.length - P;
	let best = { threshold: Number.POSITIVE_INFINITY, macroF1: (2 * N) / (2 * N + P) / 2 };
	let precisionHit: { threshold: number; macroF1: number } | undefined;
	sweepCuts(labels, scores, (tp, fp, t) => {
		const fn = P - tp;
		const tn = N - fp;
		const m = ((2 * tp) / (2 * tp + fp + fn || 1) + (2 * tn) / (2 * tn + fn + fp || 1)) / 2;
		if (m > best.macroF1) best = { threshold: t, macroF1: m };
		if (targetPrecision !== undefined && tp / (tp + fp) >= targetPrecision) precisionHit = { threshold: t, macroF1: m };
	});
	return targetPrecision !== undefined && precisionHit ? precisionHit : best;
}

/**
 * The lowest threshold (halfway between neighbouring scores) at which the positive class's F1
 * is at least `minF1`; undefined when none is.
 * @example lowestThresholdAtF1([1, 1, 0, 0], [0.9, 0.4, 0.3, 0.1], 0.99) // 0.35
 */
export function lowestThresholdAtF1(
	labels: ArrayLike<number>,
	scores: ArrayLike<number>,
	minF1: number,
): number | undefined {
	let lowest: number | undefined;
	sweepCuts(labels, scores, (tp, fp, t, P) => {
		if ((2 * tp) / (tp + fp + P || 1) >= minF1) lowest = t;
	});
	return lowest;
}

/**
 * {@link chooseThreshold} over validation groups: the threshold with the best mean of the groups'
 * macro-F1 (or, with `targetPrecision`, the lowest whose pooled precision reaches it).
 * @example chooseThresholdGroups([0, 1, 0, 1], [0.1, 0.9, 0.4, 0.6], [0, 0, 1, 1]).macroF1 // 1
 */
export function chooseThresholdGroups(
	labels: ArrayLike<number>,
	scores: ArrayLike<number>,
	groups: ArrayLike<number>,
	targetPrecision?: number,
): { threshold: number; macroF1: number } {
	const idx = Array.from({ length: scores.length }, (_, i) => i).sort(
		(i, j) => (scores[j] as number) - (scores[i] as number),
	);
	let g = 0;
	for (let i = 0; i < groups.length; i++) g = Math.max(g, (groups[i] as number) + 1);
	const P = new Float64Array(g);
	const N = new Float64Array(g);
	for (let i = 0; i < labels.length; i++) {
		const k = groups[i] as number;
		if (labels[i] === 1) P[k] = (P[k] as number) + 1;
		else N[k] = (N[k] as number) + 1;
	}
	const present = Array.from({ length: g }, (_, k) => k).filter((k) => (P[k] as number) + (N[k] as number) > 0);
	const tp = new Float64Array(g);
	const fp = new Float64Array(g);
	const f = (a: number, b: number, c: number) => (2 * a + b + c === 0 ? 0 : (2 * a) / (2 * a + b + c));
	const mean = () => {
		let sum = 0;
		for (const k of present) {
			const fn = (P[k] as number) - (tp[k] as number);
			const tn = (N[k] as number) - (fp[k] as number);
			sum += (f(tp[k] as number, fp[k] as number, fn) + f(tn, fn, fp[k] as number)) / 2;
		}
		return sum / (present.length || 1);
	};
	let best = { threshold: Number.POSITIVE_INFINITY, macroF1: mean() };
	let precisionHit: { threshold: number; macroF1: number } | undefined;
	let allTp = 0;
	let allFp = 0;
	for (let k = 0; k < idx.length; k++) {
		const i = idx[k] as number;
		const grp = groups[i] as number;
		if (labels[i] === 1) {
			tp[grp] = (tp[grp] as number) + 1;
			allTp++;
		} else {
			fp[grp] = (fp[grp] as number) + 1;
			allFp++;
		}
		const s = scores[i] as number;
		const next = k + 1 < idx.length ? (scores[idx[k + 1] as number] as number) : Number.NEGATIVE_INFINITY;
		if (next === s) continue;
		const m = mean();
		const t = Number.isFinite(next) ? (s + next) / 2 : s;
		if (m > best.macroF1) best = { threshold: t, macroF1: m };
		if (targetPrecision !== undefined && allTp / (allTp + allFp) >= targetPrecision)
			precisionHit = { threshold: t, macroF1: m };
	}
	return targetPrecision !== undefined && precisionHit ? precisionHit : best;
}

/** Platt scaling: a, b minimising log loss of sigmoid(a·s + b) with Platt's smoothed targets (Newton). */
export function fitPlatt(labels: ArrayLike<number>, margins: ArrayLike<number>): { a: number; b: number } {
	let P = 0;
	for (let i = 0; i < labels.length; i++) if (labels[i] === 1) P++;
	const N = labels.length - P;
	const hi = (P + 1) / (P + 2);
	const lo = 1 / (N + 2);
	let a = 1;
	let b = 0;
	for (let it = 0; it < 100; it++) {
		let ga = 0;
		let gb = 0;
		let haa = 1e-9;
		let hab = 0;
		let hbb = 1e-9;
		for (let i = 0; i < labels.length; i++) {
			const s = margins[i] as number;
			const p = sigmoid(a * s + b);
			const d = p - (labels[i] === 1 ? hi : lo);
			const w = p * (1 - p);
			ga += d * s;
			gb += d;
			haa += w * s * s;
			hab += w * s;
			hbb += w;
		}
		const det = haa * hbb - hab * hab;
		const da = (hbb * ga - hab * gb) / det;
		const db = (haa * gb - hab * ga) / det;
		a -= da;
		b -= db;
		if (Math.abs(da) + Math.abs(db) < 1e-10) break;
	}
	return { a, b };
}

function margins(
	theta: Float64Array,
	scale: Float64Array | null,
	dim: number,
	xs: readonly SparseVector[],
	id: Int32Array,
): Float64Array {
	const out = new Float64Array(xs.length);
	const b = theta[dim] as number;
	xs.forEach((x, i) => {
		let m = b;
		for (let k = 0; k < x.indices.length; k++) {
			const j = id[x.indices[k] as number] as number;
			if (j >= 0) m += (theta[j] as number) * (scale ? (scale[j] as number) : 1) * (x.values[k] as number);
		}
		out[i] = m;
	});
	return out;
}

/** Trains, chooses λ and NB scaling on validation data, calibrates and picks the threshold. */
export function trainTextModel(o: TrainOptions): TrainedTextModel {
	const t0 = performance.now();
	const log = o.onProgress ?? (() => {});
	const features = o.features ?? DEFAULT_FEATURES;
	const lambdas = [...(o.lambdas ?? [1e-4, 3e-5, 1e-5, 3e-6, 1e-6])].sort((a, b) => b - a);
	const nbs = o.nb ?? [false, true];
	const classWeight = o.classWeight ?? "none";
	const maxIter = o.maxIter ?? 300;
	const fz = new Featurizer(features);
	log(`featurising ${o.train.texts.length} train + ${o.val.texts.length} validation texts`);
	const xTrain = o.train.texts.map((t) => fz.vectorize(t));
	const xVal = o.val.texts.map((t) => fz.vectorize(t));
	const y = o.train.labels;
	const c = compact(xTrain, fz.size);
	const id = new Int32Array(fz.size).fill(-1);
	c.buckets.forEach((b, j) => {
		id[b] = j;
	});
	let pos = 0;
	for (let i = 0; i < y.length; i++) if (y[i] === 1) pos++;
	const n = y.length;
	if (pos === 0 || pos === n) throw new Error("training data needs both classes");
	const sw = new Float64Array(n);
	for (let i = 0; i < n; i++)
		sw[i] =
			(classWeight === "balanced" ? n / (2 * (y[i] === 1 ? pos : n - pos)) : 1) *
			(o.train.weights ? (o.train.weights[i] as number) : 1);
	const vg = o.val.groups;
	const choose = (scores: ArrayLike<number>) =>
		vg
			? chooseThresholdGroups(o.val.labels, scores, vg, o.targetPrecision)
			: chooseThreshold(o.val.labels, scores, o.targetPrecision);
	const ratios = nbs.includes(true) ? nbRatios(c, y) : null;
	const grid: GridPoint[] = [];
	let best: { gp: GridPoint; theta: Float64Array; scale: Float64Array | null; m: Float64Array } | undefined;
	for (const nb of nbs) {
		const scale = nb ? ratios : null;
		let warm: Float64Array | null = null;
		for (const lambda of lambdas) {
			const t = performance.now();
			const { theta, iterations } = fitLogistic(c, y, sw, scale, lambda, warm, maxIter);
			warm = theta;
			const m = margins(theta, scale, c.dim, xVal, id);
			const gp: GridPoint = {
				lambda,
				nb,
				iterations,
				macroF1: choose(m).macroF1,
				auc: rocAuc(o.val.labels, m),
			};
			grid.push(gp);
			log(
				`λ=${lambda} nb=${nb}: ${iterations} iterations, ${((performance.now() - t) / 1000).toFixed(1)}s, ` +
					`val macro-F1 ${(gp.macroF1 * 100).toFixed(1)} AUC ${gp.auc.toFixed(3)}`,
			);
			if (!best || gp.macroF1 > best.gp.macroF1) best = { gp, theta, scale, m };
		}
	}
	if (!best) throw new Error("empty grid: give at least one lambda and one nb setting");
	// With groups, calibrated on the first (the task's own data): probabilities keep its class
	// prior, while the threshold is still chosen over every group.
	const calib = vg ? Array.from({ length: best.m.length }, (_, i) => i).filter((i) => vg[i] === 0) : null;
	const platt = calib
		? fitPlatt(
				calib.map((i) => o.val.labels[i] as number),
				calib.map((i) => best.m[i] as number),
			)
		: fitPlatt(o.val.labels, best.m);
	const probs = Array.from(best.m, (m) => sigmoid(platt.a * m + platt.b));
	const chosen = choose(probs);
	let threshold = chosen.threshold;
	let thresholdRule = vg
		? "best mean macro-F1 over the validation groups (one threshold for all)"
		: o.targetPrecision !== undefined
			? `the lowest reaching precision ${o.targetPrecision} on validation (else best macro-F1)`
			: "best macro-F1 on validation";
	if (o.minF1 !== undefined && o.targetPrecision === undefined && !vg) {
		const low = lowestThresholdAtF1(o.val.labels, probs, o.minF1);
		if (low !== undefined) {
			threshold = low;
			thresholdRule = `the lowest keeping the positive class's F1 on validation >= ${o.minF1} (best macro-F1 would be ${chosen.threshold.toFixed(4)})`;
		} else {
			thresholdRule = `best macro-F1 on validation (no threshold keeps F1 >= ${o.minF1})`;
			log(`no threshold keeps validation F1 >= ${o.minF1}: the best macro-F1 one stays`);
		}
	}
	const weights = new Float32Array(fz.size);
	for (let j = 0; j < c.dim; j++)
		weights[c.buckets[j] as number] = (best.theta[j] as number) * (best.scale ? (best.scale[j] as number) : 1);
	let valPos = 0;
	for (let i = 0; i < o.val.labels.length; i++) if (o.val.labels[i] === 1) valPos++;
	return {
		name: o.name,
		features,
		weights,
		bias: best.theta[c.dim] as number,
		platt,
		threshold,
		report: {
			seed: o.seed,
			trainRows: n,
			valRows: o.val.labels.length,
			trainPositives: pos,
			valPositives: valPos,
			classWeight,
			grid,
			chosen: { lambda: best.gp.lambda, nb: best.gp.nb },
			thresholdRule,
			val: binaryMetrics(o.val.labels, probs, threshold),
			...(vg ? { valGroups: groupMetrics(o.val, probs, threshold, vg) } : {}),
			trainMs: Math.round(performance.now() - t0),
		},
	};
}

function groupMetrics(
	val: LabelledTexts,
	probs: readonly number[],
	threshold: number,
	groups: ArrayLike<number>,
): { name: string; metrics: BinaryMetrics }[] {
	const out: { name: string; metrics: BinaryMetrics }[] = [];
	const ids = [...new Set(Array.from(groups))].sort((a, b) => a - b);
	for (const g of ids) {
		const rows = Array.from({ length: groups.length }, (_, i) => i).filter((i) => groups[i] === g);
		out.push({
			name: val.groupNames?.[g] ?? String(g),
			metrics: binaryMetrics(
				rows.map((i) => val.labels[i] as number),
				rows.map((i) => probs[i] as number),
				threshold,
			),
		});
	}
	return out;
}
