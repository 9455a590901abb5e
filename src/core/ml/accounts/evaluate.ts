/**
 * Measures a bot model on labelled accounts, and the generalisation matrix of the recipe: train
 * on each data set, test on every other one (and on its own held-out part).
 *
 * @example
 * evaluateAccounts(loadBotModel("models/bot"), loadLabelledAccounts("test1.csv").rows)
 * // { n: 1991, accuracy: ..., precision: ..., recall: ..., f1: ..., auc: ..., mcc: ... }
 */
import { rng } from "../../shared/rng.ts";
import { confusion, type Label, mcc, predict, rocAuc } from "../metrics.ts";
import type { LabelledAccount } from "./data.ts";
import { FEATURE_COUNT, profileFeatures } from "./profile.ts";
import { type BotRecipe, calibrate, splitBySource, type TrainedBotModel, trainBotModel } from "./train.ts";

/** The figures of `bulwark eval accounts --json`, in this order; null where undefined. */
export interface AccountEvaluation {
	n: number;
	accuracy: number | null;
	precision: number | null;
	recall: number | null;
	f1: number | null;
	auc: number | null;
	mcc: number | null;
}

export interface Scorer {
	readonly threshold: number;
	scoreFeatures(x: ArrayLike<number>, offset?: number): number;
	features(p: LabelledAccount["profile"], out?: Float64Array): Float64Array;
}

/** Scores every row; the scores in row order. */
export function scoreAccounts(model: Scorer, rows: readonly LabelledAccount[]): number[] {
	const x = new Float64Array(FEATURE_COUNT);
	return rows.map((r) => model.scoreFeatures(model.features(r.profile, x)));
}

/** The figures for scores at a threshold (`score >= threshold` is a bot). */
export function accountMetrics(
	scores: readonly number[],
	labels: readonly Label[],
	threshold: number,
): AccountEvaluation {
	const predicted = predict(scores, threshold);
	const { tp, fp, fn, tn } = confusion(predicted, labels);
	const r = (a: number, b: number) => (b === 0 ? null : a / b);
	return {
		n: labels.length,
		accuracy: r(tp + tn, labels.length),
		precision: r(tp, tp + fp),
		recall: r(tp, tp + fn),
		f1: r(2 * tp, 2 * tp + fp + fn),
		auc: rocAuc(scores, labels),
		mcc: mcc(predicted, labels),
	};
}

/** Scores the rows with the model and measures at its threshold (or the one given). */
export function evaluateAccounts(
	model: Scorer,
	rows: readonly LabelledAccount[],
	threshold = model.threshold,
): AccountEvaluation {
	return accountMetrics(
		scoreAccounts(model, rows),
		rows.map((r) => r.label),
		threshold,
	);
}

/**
 * A just-trained model as a {@link Scorer} (what the artifact will score, without writing it);
 * `stream`: as the stream serves it (the platform's forest and calibration), where it has one.
 */
export function trainedScorer(m: TrainedBotModel, stream = false): Scorer {
	const s = stream ? m.stream : null;
	const margins = (s ? s.calibration : m.calibration).humanMargins;
	const forest = (s ? s.trained : m.trained).forest;
	return {
		threshold: m.threshold,
		features: (p, out) => profileFeatures(p, m.names ?? undefined, out),
		scoreFeatures: (x, offset = 0) => calibrate(margins, forest.margin(x, offset)),
	};
}

/**
 * The rows of the recipe's validation splits of `rows` (what {@link trainBotModel} held out: the
 * shared parts' split and the platform parts' own).
 */
export function validationRows(m: TrainedBotModel, rows: readonly LabelledAccount[]): LabelledAccount[] {
	const platform = new Set(m.recipe.platform ?? []);
	const held = (part: LabelledAccount[]) =>
		splitBySource(part, m.recipe.valFraction, m.recipe.seed).val.map((i) => part[i] as LabelledAccount);
	return [...held(rows.filter((r) => !platform.has(r.source))), ...held(rows.filter((r) => platform.has(r.source)))];
}

/** Validation figures at the model's threshold: all validation rows, and per data set. */
export function validationFigures(
	m: TrainedBotModel,
	rows: readonly LabelledAccount[],
): { all: AccountEvaluation; bySet: Record<string, AccountEvaluation> } {
	const val = validationRows(m, rows);
	// The platform's rows as the stream scores them (`bySet.platform`), the rest as user objects
	// are (`all` is theirs: the shared sets' forest).
	const platform = new Set(m.recipe.platform ?? []);
	const asUsers = trainedScorer(m);
	const asStream = trainedScorer(m, true);
	const x = new Float64Array(FEATURE_COUNT);
	const scores = val.map((r) => {
		const scorer = platform.has(r.source) ? asStream : asUsers;
		return scorer.scoreFeatures(scorer.features(r.profile, x));
	});
	const labels = val.map((r) => r.label);
	const shared = val.flatMap((r, i) => (platform.has(r.source) ? [] : [i]));
	const all = accountMetrics(
		shared.map((i) => scores[i] as number),
		shared.map((i) => labels[i] as Label),
		m.threshold,
	);
	const bySet: Record<string, AccountEvaluation> = {};
	for (const set of new Set(val.map((r) => r.source.split("/")[0] as string))) {
		const idx = val.flatMap((r, i) => (r.source.startsWith(`${set}/`) ? [i] : []));
		bySet[set] = accountMetrics(
			idx.map((i) => scores[i] as number),
			idx.map((i) => labels[i] as Label),
			m.threshold,
		);
	}
	return { all, bySet };
}

export interface MatrixCell extends AccountEvaluation {
	readonly train: string;
	readonly test: string;
}

/**
 * Trains the recipe on each named set (its own seeded split) and tests it on every set: on the
 * held-out validation part of its own set (the diagonal: the rows early stopping and the
 * calibration saw, so optimistic) and on all rows of the others.
 */
export function generalisationMatrix(
	sets: ReadonlyMap<string, readonly LabelledAccount[]>,
	recipe: BotRecipe,
	onProgress?: (message: string) => void,
): MatrixCell[] {
	const cells: MatrixCell[] = [];
	for (const [trainName, rows] of sets) {
		onProgress?.(`training on ${trainName} (${rows.length} rows)`);
		const m = trainBotModel(rows, recipe, onProgress);
		const scorer = trainedScorer(m);
		for (const [testName, test] of sets) {
			const held = testName === trainName ? validationRows(m, test) : test;
			cells.push({ train: trainName, test: testName, ...evaluateAccounts(scorer, held) });
		}
	}
	return cells;
}

export interface HoldoutCell extends AccountEvaluation {
	/** The bot part left out of training and tested on. */
	readonly family: string;
	readonly humans: number;
	readonly bots: number;
}

/**
 * Leave-one-bot-family-out: the proxy on the training data for "bot types the training data
 * does not contain". For each bot part, trains the recipe on every other part, minus a seeded
 * `testFraction` of the reference humans, and tests on those humans plus as many accounts of
 * the left-out part (drawn seeded), a balance like Cresci-2017's test sets'.
 */
export function leaveOneFamilyOut(
	rows: readonly LabelledAccount[],
	recipe: BotRecipe,
	families: readonly string[],
	onProgress?: (message: string) => void,
	testFraction = 0.2,
): HoldoutCell[] {
	const reference = recipe.reference ?? rows.find((r) => r.label === 0)?.source;
	const refIdx = rows.flatMap((r, i) => (r.source === reference && r.label === 0 ? [i] : []));
	const rand = rng(recipe.seed + 7919);
	const shuffle = (a: number[]) => {
		for (let i = a.length - 1; i > 0; i--) {
			const j = Math.floor(rand() * (i + 1));
			[a[i], a[j]] = [a[j] as number, a[i] as number];
		}
		return a;
	};
	const testHumans = new Set(shuffle(refIdx.slice()).slice(0, Math.round(refIdx.length * testFraction)));
	const cells: HoldoutCell[] = [];
	for (const family of families) {
		onProgress?.(`leaving out ${family}`);
		const train = rows.filter((r, i) => r.source !== family && !testHumans.has(i));
		const m = trainBotModel(train, { ...recipe, reference }, onProgress);
		const bots = shuffle(rows.flatMap((r, i) => (r.source === family ? [i] : []))).slice(0, testHumans.size);
		const test = [...testHumans, ...bots].map((i) => rows[i] as LabelledAccount);
		cells.push({
			family,
			humans: testHumans.size,
			bots: bots.length,
			...evaluateAccounts(trainedScorer(m), test),
		});
	}
	return cells;
}
