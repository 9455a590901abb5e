/**
 * The bot model artifact: `models/bot/model.json` (feature layout, the features used, the
 * screen-name model, the calibration, the threshold, importance, training record) and
 * `forest.bin` (the trees, see `gbdt/forest.ts`). model.json carries the sha256 of forest.bin
 * and a sha256 over its own scoring fields, so a damaged or edited artifact is refused with an
 * Error naming the file and the reason (a caller keeps the model it has).
 *
 * @example
 * const m = loadBotModel("models/bot");
 * m.score(profile) >= m.threshold; m.explain(profile, 5)
 */
import { join } from "node:path";
import {
	checkForestModel,
	checkForestWidth,
	encodeForestModel,
	FOREST_FILE,
	type ForestModelMeta,
	finite,
	readArtifact,
} from "../artifact.ts";
import { CompiledForest, decodeForest, type Forest } from "../gbdt/forest.ts";
import { decodeNameModel, encodeNameModel, type NameModel } from "./names.ts";
import { type AccountProfile, FEATURE_COUNT, FEATURE_NAMES, profileFeatures } from "./profile.ts";
import { calibrate, type TrainedBotModel } from "./train.ts";

export const BOT_MODEL_FORMAT = 1;

/**
 * model.json: the fields every forest model has, and the bot model's own (its `sha256` is of all
 * the scoring fields: all but `forest`, `importance` and `training`).
 */
export interface BotModelMeta extends ForestModelMeta {
	/** The features the trees split on. */
	readonly used: readonly string[];
	/** Screen-name bigram log-probabilities, when `screen_name_likelihood` is used. */
	readonly names: readonly number[] | null;
	readonly calibration: { readonly source: string; readonly humanMargins: readonly number[] };
}

/** One feature's share of an account's margin (log-odds), with the account's value. */
export interface BotContribution {
	readonly feature: string;
	readonly value: number;
	readonly weight: number;
}

export class BotModel {
	readonly name: string;
	readonly threshold: number;
	private readonly x = new Float64Array(FEATURE_COUNT);
	private readonly margins: readonly number[];
	/** The same trees laid out for scoring (explanations walk `forest`). */
	private readonly fast: CompiledForest;

	constructor(
		readonly meta: BotModelMeta,
		readonly forest: Forest,
		private readonly names: NameModel | null,
	) {
		this.name = meta.name;
		this.threshold = meta.threshold;
		this.margins = meta.calibration.humanMargins;
		this.fast = new CompiledForest(forest);
	}

	/** The feature vector of a profile as this model computes it. */
	features(p: AccountProfile, out: Float64Array = new Float64Array(FEATURE_COUNT)): Float64Array {
		return profileFeatures(p, this.names ?? undefined, out);
	}

	/** The raw margin (log-odds of the forest). */
	margin(p: AccountProfile): number {
		return this.fast.margin(profileFeatures(p, this.names ?? undefined, this.x));
	}

	/** The calibrated score in (0, 1): the share of reference humans the account scores above. */
	score(p: AccountProfile): number {
		return calibrate(this.margins, this.margin(p));
	}

	/** {@link score} of a ready feature vector (row `offset / FEATURE_COUNT` of a matrix). */
	scoreFeatures(x: ArrayLike<number>, offset = 0): number {
		return calibrate(this.margins, this.fast.margin(x, offset));
	}

	/** The k features that pushed the account's margin furthest (either way), for reviewers. */
	explain(p: AccountProfile, k = 5): BotContribution[] {
		const x = this.features(p);
		const c = this.forest.contributions(x);
		const out: BotContribution[] = [];
		for (let f = 0; f < FEATURE_COUNT; f++)
			if (c[f] !== 0) out.push({ feature: FEATURE_NAMES[f] as string, value: x[f] as number, weight: c[f] as number });
		return out.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight) || (a.feature < b.feature ? -1 : 1)).slice(0, k);
	}
}

/** The fields scoring reads from model.json, as the hashed JSON. */
function scoringJson(m: Omit<BotModelMeta, "sha256" | "forest" | "importance" | "training">): string {
	return JSON.stringify([m.format, m.name, m.features, m.used, m.names, m.calibration, m.threshold]);
}

/** The artifact files of a trained model: model.json's object and forest.bin's bytes. */
export function encodeBotModel(
	name: string,
	m: TrainedBotModel,
	training?: unknown,
): { meta: BotModelMeta; forest: Uint8Array } {
	const core = {
		format: BOT_MODEL_FORMAT,
		name,
		features: [...FEATURE_NAMES],
		used: [...m.recipe.features],
		names: m.names ? encodeNameModel(m.names) : null,
		calibration: { source: m.calibration.source, humanMargins: [...m.calibration.humanMargins] },
		threshold: m.threshold,
	};
	return encodeForestModel(core, scoringJson(core), m.trained, training);
}

/** The calibration's checks (scoring reads its margins as a sorted list). */
function checkCalibration(meta: BotModelMeta, jsonFile: string): void {
	const margins = meta.calibration?.humanMargins;
	if (!Array.isArray(margins) || margins.length < 2 || !margins.every(finite))
		throw new Error(`${jsonFile}: calibration margins missing or not numbers`);
	for (let i = 1; i < margins.length; i++)
		if ((margins[i] as number) < (margins[i - 1] as number))
			throw new Error(`${jsonFile}: calibration margins are not sorted`);
}

/** Checks and decodes the artifact; `where` names the folder in errors. */
export function decodeBotModel(json: string, bytes: Uint8Array, where: string): BotModel {
	const jsonFile = join(where, "model.json");
	const meta = checkForestModel<BotModelMeta>(json, bytes, where, {
		format: BOT_MODEL_FORMAT,
		features: FEATURE_NAMES,
		scoringJson,
		check: checkCalibration,
	});
	let forest: Forest;
	let names: NameModel | null;
	try {
		forest = decodeForest(bytes);
		names = meta.names === null ? null : decodeNameModel(meta.names);
	} catch (err) {
		throw new Error(`${where}: ${(err as Error).message}`);
	}
	checkForestWidth(forest, FEATURE_COUNT, join(where, FOREST_FILE));
	if (names === null && meta.used.includes("screen_name_likelihood"))
		throw new Error(`${jsonFile}: uses screen_name_likelihood without a name model`);
	return new BotModel(meta, forest, names);
}

/** Loads models/NAME/ (see the module comment); throws naming the file and the reason. */
export function loadBotModel(dir: string): BotModel {
	return decodeBotModel(readArtifact(dir, "model.json").toString("utf8"), readArtifact(dir, FOREST_FILE), dir);
}
