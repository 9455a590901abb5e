/**
 * The behaviour model: boosted trees (`gbdt/`) over {@link BEHAVIOUR_FEATURE_NAMES}, trained on
 * simulated traffic with ground truth (see `app/behaviour-sim.ts`), and its artifact
 * `models/behaviour/model.json` + `forest.bin`. model.json carries the sha256 of forest.bin and a
 * sha256 over its own scoring fields, so a damaged or edited artifact is refused with an Error
 * naming the file and the reason.
 *
 * @example
 * const m = loadBehaviourModel("models/behaviour");
 * m.score(behaviourFeatures(ring, total)) >= m.threshold
 */
import { join } from "node:path";
import {
	checkForestModel,
	checkForestWidth,
	encodeForestModel,
	FOREST_FILE,
	type ForestModelMeta,
	readArtifact,
} from "../artifact.ts";
import { CompiledForest, decodeForest, type Forest, sigmoid } from "../gbdt/forest.ts";
import { DEFAULT_GBDT, type GbdtParams, type TrainedForest, trainGbdt } from "../gbdt/train.ts";
import { type BinaryReport, bestF1Threshold, binaryReport, type Label, mcc, predict } from "../metrics.ts";
import { BEHAVIOUR_FEATURE_COUNT, BEHAVIOUR_FEATURE_NAMES } from "./behaviour.ts";

export const BEHAVIOUR_MODEL_FORMAT = 1;

/** model.json: the fields every forest model has (its `sha256` is of format, name, features and threshold). */
export type BehaviourModelMeta = ForestModelMeta;

/** The model as served: a probability of automation from a behaviour feature vector. */
export class BehaviourModel {
	readonly name: string;
	readonly threshold: number;
	private readonly fast: CompiledForest;
	constructor(
		readonly meta: BehaviourModelMeta,
		readonly forest: Forest,
	) {
		this.name = meta.name;
		this.threshold = meta.threshold;
		this.fast = new CompiledForest(forest);
	}

	/** Probability in (0, 1) that the account is automated (as the simulation's bots are). */
	score(x: ArrayLike<number>, offset = 0): number {
		return sigmoid(this.fast.margin(x, offset));
	}

	/** The k features that pushed the margin furthest (either way), for reviewers. */
	explain(x: ArrayLike<number>, k = 5): { feature: string; value: number; weight: number }[] {
		const c = this.forest.contributions(x);
		const out: { feature: string; value: number; weight: number }[] = [];
		for (let f = 0; f < BEHAVIOUR_FEATURE_COUNT; f++)
			if (c[f] !== 0)
				out.push({ feature: BEHAVIOUR_FEATURE_NAMES[f] as string, value: x[f] as number, weight: c[f] as number });
		return out.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight) || (a.feature < b.feature ? -1 : 1)).slice(0, k);
	}
}

/** Rows of behaviour features with labels: `x` row-major, `n` by {@link BEHAVIOUR_FEATURE_COUNT}. */
export interface BehaviourRows {
	x: Float64Array;
	y: Uint8Array;
	n: number;
	/** The account of each row (for per-account figures). */
	account: string[];
	/** The ground-truth role of each row's account (`organic`, `bot`, `farm`, ...). */
	role: string[];
}

/** Trees kept shallow: a few thousand simulated accounts, and the features are few. */
export const BEHAVIOUR_GBDT: Partial<GbdtParams> = {
	rounds: 300,
	learningRate: 0.1,
	maxDepth: 4,
	maxLeaves: 12,
	minChildSamples: 20,
	subsample: 0.8,
	colsample: 0.8,
	earlyStopping: 30,
};

export interface TrainedBehaviourModel {
	trained: TrainedForest;
	threshold: number;
	/** Validation figures at the threshold (the rows early stopping and the threshold saw). */
	val: BehaviourEvaluation;
}

/**
 * Row weights giving every account the same total weight (a busy bot is scored many more times
 * than a quiet human), scaled to a mean of 1.
 */
export function accountWeights(rows: Pick<BehaviourRows, "account" | "n">): Float64Array {
	const per = new Map<string, number>();
	for (const a of rows.account) per.set(a, (per.get(a) ?? 0) + 1);
	const w = new Float64Array(rows.n);
	for (let i = 0; i < rows.n; i++) w[i] = rows.n / per.size / (per.get(rows.account[i] as string) as number);
	return w;
}

/** Each account's highest score and its label (an account is flagged once any score reaches the threshold). */
export function highestPerAccount(
	rows: Pick<BehaviourRows, "account" | "y" | "n">,
	scores: readonly number[],
): { scores: number[]; labels: Label[] } {
	const best = new Map<string, { s: number; y: Label }>();
	for (let i = 0; i < rows.n; i++) {
		const a = rows.account[i] as string;
		const cur = best.get(a);
		if (!cur || (scores[i] as number) > cur.s) best.set(a, { s: scores[i] as number, y: rows.y[i] as Label });
	}
	const v = [...best.values()];
	return { scores: v.map((b) => b.s), labels: v.map((b) => b.y) };
}

/**
 * Fits the trees on `train` (each account weighted equally), stops early on `val`, and sets the
 * threshold at the best F1 over `val`'s accounts by their highest score.
 * @example const m = trainBehaviourModel(rowsOfSeeds1and2, rowsOfSeed3, 1)
 */
export function trainBehaviourModel(
	train: BehaviourRows,
	val: BehaviourRows,
	seed: number,
	progress: (m: string) => void = () => {},
): TrainedBehaviourModel {
	const d = BEHAVIOUR_FEATURE_COUNT;
	const trained = trainGbdt(
		{ x: train.x, n: train.n, d, y: train.y, weight: accountWeights(train) },
		{ x: val.x, n: val.n, d, y: val.y, weight: accountWeights(val) },
		{ ...DEFAULT_GBDT, ...BEHAVIOUR_GBDT, seed },
		(r) => {
			if (r.round % 50 === 0)
				progress(`round ${r.round}: train loss ${r.trainLoss.toFixed(4)}, val ${r.valLoss?.toFixed(4)}`);
		},
	);
	const scores = Array.from({ length: val.n }, (_, i) => trained.forest.probability(val.x, i * d));
	const acc = highestPerAccount(val, scores);
	const choice = bestF1Threshold(acc.scores, acc.labels);
	const threshold = Math.min(0.99, Math.max(0.01, choice?.threshold ?? 0.5));
	return { trained, threshold, val: evaluateScores(acc.scores, acc.labels, threshold) };
}

export interface BehaviourEvaluation {
	n: number;
	positives: number;
	precision: number | null;
	recall: number | null;
	f1: number | null;
	auc: number | null;
	mcc: number | null;
}

export function evaluateScores(
	scores: readonly number[],
	labels: readonly Label[],
	threshold: number,
): BehaviourEvaluation {
	const r: BinaryReport = binaryReport(scores, labels, threshold);
	return {
		n: r.n,
		positives: r.perClass["1"].support,
		precision: r.perClass["1"].precision,
		recall: r.perClass["1"].recall,
		f1: r.perClass["1"].f1,
		auc: r.auc,
		mcc: mcc(predict(scores, threshold), labels),
	};
}

const scoringJson = (m: Pick<BehaviourModelMeta, "format" | "name" | "features" | "threshold">) =>
	JSON.stringify([m.format, m.name, m.features, m.threshold]);

/** The artifact files of a trained model: model.json's object and forest.bin's bytes. */
export function encodeBehaviourModel(
	name: string,
	m: Pick<TrainedBehaviourModel, "trained" | "threshold">,
	training?: unknown,
): { meta: BehaviourModelMeta; forest: Uint8Array } {
	const core = { format: BEHAVIOUR_MODEL_FORMAT, name, features: [...BEHAVIOUR_FEATURE_NAMES], threshold: m.threshold };
	return encodeForestModel(core, scoringJson(core), m.trained, training);
}

/** Checks and decodes the artifact; `where` names the folder in errors. */
export function decodeBehaviourModel(json: string, bytes: Uint8Array, where: string): BehaviourModel {
	const binFile = join(where, FOREST_FILE);
	const meta = checkForestModel<BehaviourModelMeta>(json, bytes, where, {
		format: BEHAVIOUR_MODEL_FORMAT,
		features: BEHAVIOUR_FEATURE_NAMES,
		scoringJson,
	});
	let forest: Forest;
	try {
		forest = decodeForest(bytes);
	} catch (err) {
		throw new Error(`${binFile}: ${(err as Error).message}`);
	}
	checkForestWidth(forest, BEHAVIOUR_FEATURE_COUNT, binFile);
	return new BehaviourModel(meta, forest);
}

/** Loads models/NAME/ (see the module comment); throws naming the file and the reason. */
export function loadBehaviourModel(dir: string): BehaviourModel {
	return decodeBehaviourModel(readArtifact(dir, "model.json").toString("utf8"), readArtifact(dir, FOREST_FILE), dir);
}
