/**
 * Fitting the `unwanted` model: L2-regularised logistic regression over the learned inputs by
 * Newton's method (eleven parameters: exact, deterministic, no learning rate), with the hand-set
 * prior inputs as a fixed offset; then the threshold with the best F1 on the training rows (or
 * the lowest reaching a stated precision). Probabilities are the fitted logistic's, so they are
 * calibrated to the training traffic's base rate.
 *
 * @example
 * const t = trainUnwanted(rows, { lambda: 1e-3 });
 * encodeUnwantedModel(t.params, t.report)
 */
import { type BinaryReport, bestF1Threshold, binaryReport, type Label, thresholdForPrecision } from "../metrics.ts";
import {
	DEFAULT_PRIORS,
	type Interaction,
	LEARNED_INPUTS,
	type LearnedInput,
	learnedInputs,
	PRIOR_INPUTS,
	type PriorInput,
	priorInputs,
} from "./inputs.ts";
import { sigmoid, type UnwantedModel, type UnwantedParams } from "./model.ts";

/** One labelled interaction (1: unwanted). `tag` says where it came from, for per-group recall. */
export interface InteractionRow {
	readonly input: Interaction;
	readonly label: Label;
	readonly tag?: string;
}

export interface UnwantedTrainOptions {
	/** L2 strength on the weights (not the bias), per row of the mean log loss. Default 1e-3. */
	readonly lambda?: number;
	/** Choose the lowest threshold with at least this precision on the training rows, else the best F1. */
	readonly targetPrecision?: number;
	readonly priors?: Readonly<Record<PriorInput, number>>;
	/** Only these learned inputs get a weight (the others stay 0): for ablations such as text only. */
	readonly only?: readonly LearnedInput[];
}

export interface UnwantedTrainReport {
	rows: number;
	positives: number;
	lambda: number;
	iterations: number;
	threshold: { objective: string; precision: number; recall: number; f1: number };
	train: BinaryReport;
}

/**
 * Logistic regression by Newton's method: minimises mean log loss + λ/2·|w|² over `x` (rows of
 * equal length) plus a fixed per-row `offset`. Returns weights and bias.
 */
export function fitDenseLogistic(
	x: readonly Float64Array[],
	y: ArrayLike<number>,
	lambda: number,
	offset?: ArrayLike<number>,
	mask?: ArrayLike<number>,
): { w: Float64Array; b: number; iterations: number } {
	const n = x.length;
	const d = n ? (x[0] as Float64Array).length : 0;
	const D = d + 1;
	const theta = new Float64Array(D);
	let iterations = 0;
	for (let it = 0; it < 100; it++) {
		iterations = it + 1;
		const g = new Float64Array(D);
		const H = new Float64Array(D * D);
		for (let i = 0; i < n; i++) {
			const xi = x[i] as Float64Array;
			let z = (theta[d] as number) + (offset ? (offset[i] as number) : 0);
			for (let j = 0; j < d; j++) z += (theta[j] as number) * (xi[j] as number);
			const p = sigmoid(z);
			const r = p - (y[i] as number);
			const s = Math.max(p * (1 - p), 1e-12);
			for (let j = 0; j < D; j++) {
				const xj = j === d ? 1 : (xi[j] as number);
				g[j] = (g[j] as number) + r * xj;
				for (let k = j; k < D; k++) {
					const xk = k === d ? 1 : (xi[k] as number);
					H[j * D + k] = (H[j * D + k] as number) + s * xj * xk;
				}
			}
		}
		for (let j = 0; j < D; j++) {
			g[j] = (g[j] as number) / Math.max(1, n);
			for (let k = j; k < D; k++) {
				const v = (H[j * D + k] as number) / Math.max(1, n);
				H[j * D + k] = v;
				H[k * D + j] = v;
			}
			if (j < d) {
				g[j] = (g[j] as number) + lambda * (theta[j] as number);
				H[j * D + j] = (H[j * D + j] as number) + lambda;
			}
		}
		// An input left out (mask 0) keeps weight 0: its row and column become the identity.
		if (mask)
			for (let j = 0; j < d; j++)
				if (!mask[j]) {
					for (let k = 0; k < D; k++) {
						H[j * D + k] = 0;
						H[k * D + j] = 0;
					}
					H[j * D + j] = 1;
					g[j] = 0;
				}
		const step = solve(H, g, D);
		let size = 0;
		for (let j = 0; j < D; j++) {
			theta[j] = (theta[j] as number) - (step[j] as number);
			size += Math.abs(step[j] as number);
		}
		if (size < 1e-10) break;
	}
	return { w: theta.slice(0, d), b: theta[d] as number, iterations };
}

/** Solves H·s = g for a symmetric positive definite H (Cholesky). */
function solve(H: Float64Array, g: Float64Array, D: number): Float64Array {
	const L = new Float64Array(D * D);
	for (let i = 0; i < D; i++) {
		for (let j = 0; j <= i; j++) {
			let s = H[i * D + j] as number;
			for (let k = 0; k < j; k++) s -= (L[i * D + k] as number) * (L[j * D + k] as number);
			L[i * D + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / (L[j * D + j] as number);
		}
	}
	const z = new Float64Array(D);
	for (let i = 0; i < D; i++) {
		let s = g[i] as number;
		for (let k = 0; k < i; k++) s -= (L[i * D + k] as number) * (z[k] as number);
		z[i] = s / (L[i * D + i] as number);
	}
	const out = new Float64Array(D);
	for (let i = D - 1; i >= 0; i--) {
		let s = z[i] as number;
		for (let k = i + 1; k < D; k++) s -= (L[k * D + i] as number) * (out[k] as number);
		out[i] = s / (L[i * D + i] as number);
	}
	return out;
}

/** Fits the learned weights, keeps the priors, and chooses the threshold on the same rows. */
export function trainUnwanted(
	rows: readonly InteractionRow[],
	o: UnwantedTrainOptions = {},
): { params: UnwantedParams; report: UnwantedTrainReport } {
	if (!rows.length) throw new Error("no interactions to train on");
	const lambda = o.lambda ?? 1e-3;
	const priors = o.priors ?? DEFAULT_PRIORS;
	const pw = PRIOR_INPUTS.map((k) => priors[k]);
	const x = rows.map((r) => learnedInputs(r.input));
	const y = Uint8Array.from(rows, (r) => r.label);
	const offset = rows.map((r) => {
		const v = priorInputs(r.input);
		let s = 0;
		for (let i = 0; i < v.length; i++) s += (pw[i] as number) * (v[i] as number);
		return s;
	});
	const mask = o.only ? LEARNED_INPUTS.map((k) => (o.only?.includes(k) ? 1 : 0)) : undefined;
	const fit = fitDenseLogistic(x, y, lambda, offset, mask);
	const learned = Object.fromEntries(LEARNED_INPUTS.map((k, i) => [k, fit.w[i] as number])) as Record<
		LearnedInput,
		number
	>;
	const scores = rows.map((_, i) => {
		let z = fit.b + (offset[i] as number);
		const xi = x[i] as Float64Array;
		for (let j = 0; j < xi.length; j++) z += (fit.w[j] as number) * (xi[j] as number);
		return sigmoid(z);
	});
	const labels = rows.map((r) => r.label);
	const byPrecision = o.targetPrecision === undefined ? null : thresholdForPrecision(scores, labels, o.targetPrecision);
	const choice = byPrecision ?? bestF1Threshold(scores, labels);
	if (!choice) throw new Error("no threshold: the training rows have no scores");
	const params: UnwantedParams = { learned, priors, bias: fit.b, threshold: choice.threshold };
	return {
		params,
		report: {
			rows: rows.length,
			positives: labels.filter((l) => l === 1).length,
			lambda,
			iterations: fit.iterations,
			threshold: {
				objective: byPrecision ? `lowest with precision >= ${o.targetPrecision}` : "best F1 on the training rows",
				precision: choice.precision,
				recall: choice.recall,
				f1: choice.f1,
			},
			train: binaryReport(scores, labels, choice.threshold),
		},
	};
}

export interface UnwantedEvaluation extends BinaryReport {
	/** Recall of class 1 per row tag (e.g. per simulated threat). */
	recallByTag: Record<string, { n: number; recall: number }>;
}

/** Every metric of `binaryReport` for the model on labelled interactions, at its threshold unless given. */
export function evaluateUnwanted(
	m: Pick<UnwantedModel, "score" | "threshold">,
	rows: readonly InteractionRow[],
	threshold = m.threshold,
): UnwantedEvaluation {
	const scores = rows.map((r) => m.score(r.input));
	const labels = rows.map((r) => r.label);
	const report = binaryReport(scores, labels, threshold);
	const recallByTag: Record<string, { n: number; recall: number }> = {};
	rows.forEach((r, i) => {
		if (r.label !== 1 || r.tag === undefined) return;
		const t = recallByTag[r.tag] ?? { n: 0, recall: 0 };
		recallByTag[r.tag] = t;
		t.n++;
		if ((scores[i] as number) >= threshold) t.recall++;
	});
	for (const t of Object.values(recallByTag)) t.recall = t.n ? t.recall / t.n : 0;
	return { ...report, recallByTag };
}
