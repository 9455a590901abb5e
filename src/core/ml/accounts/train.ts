/**
 * The bot model's training recipe: profile features of the labelled account sets, a seeded
 * 80/20 split of every part (so each data set and class is in validation in its share), the
 * boosted trees grown on train with early stopping on validation loss, and a threshold that
 * transfers to bot families the data does not contain.
 *
 * Why the threshold is set on humans: on bot types absent from training, ranking transfers far
 * better than a threshold does (a forest's unseen-family bots mostly score below 0.5). The test
 * populations' humans, though, are like the held-out humans of the reference part. So the score
 * is calibrated against them: `score` is the share of reference humans whose margin is below
 * the account's (a conformal percentile, made strictly increasing beyond the extremes so that
 * ranking is kept), and the threshold `1 - alpha` flags what scores above all but `alpha` of
 * them. The recipe's features and alpha were chosen by leave-one-bot-family-out validation on
 * the training sets (see EVALUATION.md).
 *
 * @example
 * const m = trainBotModel(rows, { ...DEFAULT_RECIPE, seed: 1 });
 * m.calibration.humanMargins.length; m.threshold // 0.95
 */
import { rng } from "../../shared/rng.ts";
import { averageForests, type Forest } from "../gbdt/forest.ts";
import { type GbdtData, type GbdtParams, type RoundLog, type TrainedForest, trainGbdt } from "../gbdt/train.ts";
import type { LabelledAccount } from "./data.ts";
import { fitNameModel, type NameModel } from "./names.ts";
import { FEATURE_COUNT, FEATURE_INDEX, FEATURE_NAMES, type FeatureName, profileFeatures } from "./profile.ts";

export interface BotRecipe {
	/** Features the trees may split on (the vector always holds them all). */
	readonly features: readonly FeatureName[];
	readonly gbdt: Partial<GbdtParams>;
	/** Share of reference humans allowed above the threshold (the expected false-positive rate). */
	readonly alpha: number;
	/** Share of each part held out for validation. */
	readonly valFraction: number;
	/**
	 * Forests grown with different subsampling seeds on the same split and averaged: where unseen
	 * bots sit in the humans' tail, one forest's noise moves many across the threshold.
	 */
	readonly bags: number;
	/** The part whose held-out humans calibrate the score; default the first human part given. */
	readonly reference?: string;
	readonly seed: number;
}

/**
 * Everything but the account age, the screen-name likelihood, the two name-shape features and
 * the profile-completeness share: leaving each bot family out in turn, these generalised worst
 * to the family left out (they describe how one family was made, not what bots do: the share, for
 * one, was learnt from social spambots 2 with empty profiles and let fake followers with a
 * location and a bio pass as human).
 */
export const RECIPE_FEATURES: readonly FeatureName[] = FEATURE_NAMES.filter(
	(f) =>
		!["age_days", "screen_name_likelihood", "name_words", "name_matches_screen_name", "profile_filled"].includes(f),
);

export const DEFAULT_RECIPE: BotRecipe = {
	features: RECIPE_FEATURES,
	// Shallow trees and slow shrinkage: deeper trees memorise the families they see.
	gbdt: {
		rounds: 1000,
		learningRate: 0.1,
		maxDepth: 3,
		maxLeaves: 8,
		minChildSamples: 20,
		lambda: 1,
		subsample: 0.8,
		colsample: 0.8,
		earlyStopping: 50,
	},
	alpha: 0.05,
	valFraction: 0.2,
	bags: 1,
	seed: 1,
};

/** The score mapping: sorted margins of the reference humans held out from training. */
export interface Calibration {
	readonly source: string;
	readonly humanMargins: readonly number[];
}

export interface TrainedBotModel {
	readonly trained: TrainedForest;
	/** The screen-name bigram model, when the features use the likelihood. */
	readonly names: NameModel | null;
	readonly calibration: Calibration;
	readonly threshold: number;
	readonly recipe: BotRecipe;
	readonly report: TrainReport;
}

export interface SplitCounts {
	readonly source: string;
	readonly label: 0 | 1;
	readonly train: number;
	readonly val: number;
}

export interface TrainReport {
	readonly parts: readonly SplitCounts[];
	readonly trainRows: number;
	readonly valRows: number;
	readonly trees: number;
	readonly nodes: number;
	readonly valLoss: number | null;
	readonly trainMs: number;
}

/** The feature matrix of the rows (row-major, {@link FEATURE_COUNT} columns). */
export function featureMatrix(rows: readonly LabelledAccount[], names: NameModel | null): Float64Array {
	const d = FEATURE_COUNT;
	const x = new Float64Array(rows.length * d);
	rows.forEach((r, i) => {
		profileFeatures(r.profile, names ?? undefined, x.subarray(i * d, (i + 1) * d));
	});
	return x;
}

/** Seeded split of every source (data set part) into train and validation, in row order. */
export function splitBySource(
	rows: readonly LabelledAccount[],
	valFraction: number,
	seed: number,
): { train: number[]; val: number[] } {
	const bySource = new Map<string, number[]>();
	rows.forEach((r, i) => {
		const list = bySource.get(r.source) ?? [];
		list.push(i);
		bySource.set(r.source, list);
	});
	const rand = rng(seed);
	const train: number[] = [];
	const val: number[] = [];
	for (const [, idx] of [...bySource].sort(([a], [b]) => (a < b ? -1 : 1))) {
		const shuffled = idx.slice();
		for (let i = shuffled.length - 1; i > 0; i--) {
			const j = Math.floor(rand() * (i + 1));
			[shuffled[i], shuffled[j]] = [shuffled[j] as number, shuffled[i] as number];
		}
		const cut = Math.round(shuffled.length * valFraction);
		val.push(...shuffled.slice(0, cut));
		train.push(...shuffled.slice(cut));
	}
	return { train: train.sort((a, b) => a - b), val: val.sort((a, b) => a - b) };
}

/**
 * Trains the bot model on labelled accounts (any mix of data sets). `onProgress` gets a line
 * now and then (for stderr).
 */
export function trainBotModel(
	rows: readonly LabelledAccount[],
	recipe: BotRecipe = DEFAULT_RECIPE,
	onProgress?: (message: string) => void,
): TrainedBotModel {
	const t0 = performance.now();
	if (!(recipe.alpha > 0 && recipe.alpha < 1)) throw new Error(`alpha must be in (0, 1), got ${recipe.alpha}`);
	const { train, val } = splitBySource(rows, recipe.valFraction, recipe.seed);
	const reference = recipe.reference ?? rows.find((r) => r.label === 0)?.source;
	const refVal = val.filter((i) => rows[i]?.source === reference && rows[i]?.label === 0);
	if (reference === undefined || refVal.length < 20)
		throw new Error(`too few held-out humans of ${reference ?? "any part"} to calibrate on (${refVal.length})`);
	const usesNames = recipe.features.includes("screen_name_likelihood");
	// Fitted on the training rows' handles only, whatever their label (as BotometerLite fits it on
	// random accounts): no validation handle is in it.
	const names = usesNames
		? fitNameModel(train.map((i) => rows[i]?.profile.screenName).filter((s): s is string => !!s))
		: null;
	const x = featureMatrix(rows, names);
	const d = FEATURE_COUNT;
	const take = (idx: readonly number[]) => {
		const m = new Float64Array(idx.length * d);
		idx.forEach((i, k) => {
			m.set(x.subarray(i * d, (i + 1) * d), k * d);
		});
		return { x: m, n: idx.length, d, y: Uint8Array.from(idx, (i) => (rows[i] as LabelledAccount).label) };
	};
	onProgress?.(`${train.length} training rows, ${val.length} validation rows, ${recipe.features.length} features`);
	const bags: TrainedForest[] = [];
	const trainSet = take(train);
	const valSet = take(val);
	for (let b = 0; b < recipe.bags; b++) {
		let last = performance.now();
		const seed = recipe.seed * 1_000 + b;
		const t = trainGbdt(
			trainSet,
			valSet,
			{ ...recipe.gbdt, seed, allowed: recipe.features.map((f) => FEATURE_INDEX[f]) },
			(log: RoundLog) => {
				const now = performance.now();
				if (now - last < 2_000) return;
				last = now;
				onProgress?.(
					`forest ${b + 1}/${recipe.bags} round ${log.round}: train loss ${log.trainLoss.toFixed(4)}, validation loss ${log.valLoss?.toFixed(4)}`,
				);
			},
		);
		const kept = t.history[t.bestRounds - 1];
		onProgress?.(
			`forest ${b + 1}/${recipe.bags}: kept ${t.bestRounds} trees (validation loss ${kept?.valLoss?.toFixed(4)})`,
		);
		bags.push(t);
	}
	const trained = averageTrained(bags);
	const humanMargins = refVal.map((i) => trained.forest.margin(x, i * d)).sort((a, b) => a - b);
	const calibration = { source: reference, humanMargins };
	const parts = new Map<string, { source: string; label: 0 | 1; train: number; val: number }>();
	const count = (idx: readonly number[], key: "train" | "val") => {
		for (const i of idx) {
			const r = rows[i] as LabelledAccount;
			const p = parts.get(r.source) ?? { source: r.source, label: r.label, train: 0, val: 0 };
			p[key]++;
			parts.set(r.source, p);
		}
	};
	count(train, "train");
	count(val, "val");
	return {
		trained,
		names,
		calibration,
		threshold: 1 - recipe.alpha,
		recipe,
		report: {
			parts: [...parts.values()],
			trainRows: train.length,
			valRows: val.length,
			trees: trained.forest.trees,
			nodes: trained.forest.nodes,
			valLoss: logLossOf(trained.forest, valSet),
			trainMs: performance.now() - t0,
		},
	};
}

/**
 * The calibrated score of a margin: the share of reference human margins below it (ties count
 * half), interpolated between neighbours and continued beyond the extremes by an exponential
 * tail, so that the map is strictly increasing (ranking, hence ROC-AUC, is the forest's).
 * @example calibrate([-2, -1, 0], -1) // 0.5 (halfway up the three humans)
 */
export function calibrate(humanMargins: readonly number[], margin: number): number {
	const n = humanMargins.length;
	const lo = humanMargins[0] as number;
	const hi = humanMargins[n - 1] as number;
	const step = 1 / (n + 1);
	if (margin <= lo) return step * Math.exp(margin - lo);
	if (margin >= hi) return 1 - step * Math.exp(hi - margin);
	// The last reference margin below `margin`, then a straight line to the next one.
	let a = 0;
	let b = n - 1;
	while (b - a > 1) {
		const mid = (a + b) >>> 1;
		if ((humanMargins[mid] as number) <= margin) a = mid;
		else b = mid;
	}
	const ma = humanMargins[a] as number;
	const mb = humanMargins[b] as number;
	const t = mb > ma ? (margin - ma) / (mb - ma) : 0.5;
	return (a + 1 + t) * step;
}

/** The bags as one trained forest: averaged trees, mean importance, the first bag's history. */
function averageTrained(bags: readonly TrainedForest[]): TrainedForest {
	const first = bags[0] as TrainedForest;
	const d = first.importance.length;
	const importance = new Float64Array(d);
	const splits = new Uint32Array(d);
	for (const b of bags)
		for (let f = 0; f < d; f++) {
			importance[f] = (importance[f] as number) + (b.importance[f] as number) / bags.length;
			splits[f] = (splits[f] as number) + (b.splits[f] as number);
		}
	const forest = averageForests(bags.map((b) => b.forest));
	return { ...first, forest, importance, splits, bestRounds: forest.trees };
}

function logLossOf(forest: Forest, data: GbdtData): number {
	let s = 0;
	for (let i = 0; i < data.n; i++) {
		const m = forest.margin(data.x, i * data.d);
		const z = data.y[i] === 1 ? -m : m;
		s += z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
	}
	return data.n === 0 ? Number.NaN : s / data.n;
}
