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
	/**
	 * The platform's own parts (`bulwark train accounts --platform`): they train the forest the
	 * stream serves, calibrated on their held-out humans, kept apart from the shared sets' forest
	 * and calibration that user objects (`bulwark eval accounts`) are scored with.
	 */
	readonly platform?: readonly string[];
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
	/** The platform's own forest, which the stream serves, when platform parts were given. */
	readonly stream: StreamForest | null;
	readonly threshold: number;
	readonly recipe: BotRecipe;
	readonly report: TrainReport;
}

/**
 * The forest trained on the platform's own reviewed accounts alone, calibrated on their
 * held-out humans: what the bot detector serves (young accounts on a young platform are not
 * the shared sets' populations; trained together, they cost the shared forest its transfer to
 * unseen bot families - EVALUATION.md).
 */
export interface StreamForest {
	readonly trained: TrainedForest;
	readonly calibration: Calibration;
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

/**
 * Seeded split of every source (data set part) into train and validation, in row order. Rows
 * of one account (the same `group`) go to the same side; rows without a group are each their own.
 */
export function splitBySource(
	rows: readonly LabelledAccount[],
	valFraction: number,
	seed: number,
): { train: number[]; val: number[] } {
	const bySource = new Map<string, number[][]>();
	const groupOf = new Map<string, number[]>();
	rows.forEach((r, i) => {
		const list = bySource.get(r.source) ?? [];
		bySource.set(r.source, list);
		if (r.group === undefined) {
			list.push([i]);
			return;
		}
		const key = `${r.source}\u0000${r.group}`;
		const g = groupOf.get(key);
		if (g) g.push(i);
		else {
			const fresh = [i];
			groupOf.set(key, fresh);
			list.push(fresh);
		}
	});
	const rand = rng(seed);
	const train: number[] = [];
	const val: number[] = [];
	for (const [, groups] of [...bySource].sort(([a], [b]) => (a < b ? -1 : 1))) {
		const shuffled = groups.slice();
		for (let i = shuffled.length - 1; i > 0; i--) {
			const j = Math.floor(rand() * (i + 1));
			[shuffled[i], shuffled[j]] = [shuffled[j] as number[], shuffled[i] as number[]];
		}
		const cut = Math.round(shuffled.length * valFraction);
		for (const g of shuffled.slice(0, cut)) val.push(...g);
		for (const g of shuffled.slice(cut)) train.push(...g);
	}
	return { train: train.sort((a, b) => a - b), val: val.sort((a, b) => a - b) };
}

/**
 * Trains the bot model on labelled accounts (any mix of data sets). The platform's parts
 * (`recipe.platform`) train a forest of their own, the one the stream serves, with its own
 * calibration on their held-out humans; the shared sets' forest (what user objects are scored
 * with) never sees them, so its figures do not move. `onProgress` gets a line now and then.
 */
export function trainBotModel(
	rows: readonly LabelledAccount[],
	recipe: BotRecipe = DEFAULT_RECIPE,
	onProgress?: (message: string) => void,
): TrainedBotModel {
	const t0 = performance.now();
	if (!(recipe.alpha > 0 && recipe.alpha < 1)) throw new Error(`alpha must be in (0, 1), got ${recipe.alpha}`);
	const platform = new Set(recipe.platform ?? []);
	const shared = rows.filter((r) => !platform.has(r.source));
	const own = rows.filter((r) => platform.has(r.source));
	if (platform.size && own.length === 0) throw new Error(`no rows of the platform parts ${[...platform].join(", ")}`);
	const reference = recipe.reference ?? shared.find((r) => r.label === 0)?.source;
	const main = growForest(shared, recipe, (r) => r.source === reference && r.label === 0, "forest", onProgress);
	if (reference === undefined || main.humanMargins.length < 20)
		throw new Error(
			`too few held-out humans of ${reference ?? "any part"} to calibrate on (${main.humanMargins.length})`,
		);
	let stream: StreamForest | null = null;
	if (platform.size) {
		const bots = own.filter((r) => r.label === 1).length;
		if (bots < 20 || own.length - bots < 100)
			throw new Error(
				`too few of the platform's reviewed accounts to train its forest on: ${own.length - bots} human and ${bots} bot rows (at least 100 and 20)`,
			);
		const g = growForest(own, recipe, (r) => r.label === 0, "platform forest", onProgress, true);
		if (g.humanMargins.length < 20)
			throw new Error(`too few held-out platform humans to calibrate the stream score on (${g.humanMargins.length})`);
		stream = {
			trained: g.trained,
			calibration: { source: [...platform].join(","), humanMargins: g.humanMargins },
			report: g.report,
		};
	}
	return {
		trained: main.trained,
		names: main.names,
		calibration: { source: reference, humanMargins: main.humanMargins },
		stream,
		threshold: 1 - recipe.alpha,
		recipe,
		report: { ...main.report, trainMs: performance.now() - t0 },
	};
}

/** A forest grown on some rows, with its calibration margins and its report. */
interface Grown {
	readonly trained: TrainedForest;
	readonly names: NameModel | null;
	/** Sorted margins of the held-out rows `calibrateOn` picks. */
	readonly humanMargins: number[];
	readonly report: TrainReport;
}

/**
 * The recipe's forest on `rows`: split 80/20 per part ({@link splitBySource}), grown on train with
 * early stopping on validation, averaged over the recipe's bags.
 */
function growForest(
	rows: readonly LabelledAccount[],
	recipe: BotRecipe,
	calibrateOn: (r: LabelledAccount) => boolean,
	what: string,
	onProgress?: (message: string) => void,
	perAccount = false,
): Grown {
	const t0 = performance.now();
	const { train, val } = splitBySource(rows, recipe.valFraction, recipe.seed);
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
	onProgress?.(
		`${what}: ${train.length} training rows, ${val.length} validation rows, ${recipe.features.length} features`,
	);
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
					`${what} ${b + 1}/${recipe.bags} round ${log.round}: train loss ${log.trainLoss.toFixed(4)}, validation loss ${log.valLoss?.toFixed(4)}`,
				);
			},
		);
		const kept = t.history[t.bestRounds - 1];
		onProgress?.(
			`${what} ${b + 1}/${recipe.bags}: kept ${t.bestRounds} trees (validation loss ${kept?.valLoss?.toFixed(4)})`,
		);
		bags.push(t);
	}
	const trained = averageTrained(bags);
	const held = val.filter((i) => calibrateOn(rows[i] as LabelledAccount));
	let humanMargins = held.map((i) => trained.forest.margin(x, i * d));
	if (perAccount) {
		// Each held-out human once, by the highest of its rows' margins: an account is scored again
		// and again as it lives, so the threshold bounds the share of humans ever flagged.
		const top = new Map<string, number>();
		held.forEach((i, k) => {
			const r = rows[i] as LabelledAccount;
			const key = r.group ?? `${r.key}\u0000${i}`;
			top.set(key, Math.max(top.get(key) ?? Number.NEGATIVE_INFINITY, humanMargins[k] as number));
		});
		humanMargins = [...top.values()];
	}
	humanMargins.sort((a, b) => a - b);
	const parts = new Map<string, { source: string; label: 0 | 1; train: number; val: number }>();
	const count = (idx: readonly number[], key: "train" | "val") => {
		for (const i of idx) {
			const r = rows[i] as LabelledAccount;
			// A platform part holds both classes: one line per part and class.
			const k = `${r.source}\u0000${r.label}`;
			const p = parts.get(k) ?? { source: r.source, label: r.label, train: 0, val: 0 };
			p[key]++;
			parts.set(k, p);
		}
	};
	count(train, "train");
	count(val, "val");
	return {
		trained,
		names,
		humanMargins,
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
