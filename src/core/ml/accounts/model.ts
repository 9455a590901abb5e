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
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { finite, parseModelMeta } from "../artifact.ts";
import { CompiledForest, decodeForest, encodeForest, type Forest } from "../gbdt/forest.ts";
import { decodeNameModel, encodeNameModel, type NameModel } from "./names.ts";
import { type AccountProfile, FEATURE_COUNT, FEATURE_NAMES, profileFeatures } from "./profile.ts";
import { calibrate, type TrainedBotModel } from "./train.ts";

export const BOT_MODEL_FORMAT = 1;

export interface BotModelMeta {
	readonly format: number;
	readonly name: string;
	/** The feature vector's layout the trees index into (must equal this build's). */
	readonly features: readonly string[];
	/** The features the trees split on. */
	readonly used: readonly string[];
	/** Screen-name bigram log-probabilities, when `screen_name_likelihood` is used. */
	readonly names: readonly number[] | null;
	readonly calibration: { readonly source: string; readonly humanMargins: readonly number[] };
	readonly threshold: number;
	readonly forest: { readonly file: "forest.bin"; readonly bytes: number; readonly sha256: string };
	/** sha256 of the JSON of the fields above but `forest` (what scoring reads from this file). */
	readonly sha256: string;
	/** Gain importance, highest first (not read back). */
	readonly importance?: readonly { readonly feature: string; readonly gain: number; readonly splits: number }[];
	/** Anything else the trainer records (seed, data, metrics); not read back. */
	readonly training?: unknown;
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

const sha256 = (data: Uint8Array | string) => createHash("sha256").update(data).digest("hex");

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
	const bytes = encodeForest(m.trained.forest);
	const core = {
		format: BOT_MODEL_FORMAT,
		name,
		features: [...FEATURE_NAMES],
		used: [...m.recipe.features],
		names: m.names ? encodeNameModel(m.names) : null,
		calibration: { source: m.calibration.source, humanMargins: [...m.calibration.humanMargins] },
		threshold: m.threshold,
	};
	const importance = FEATURE_NAMES.map((feature, f) => ({
		feature,
		gain: round(m.trained.importance[f] as number),
		splits: m.trained.splits[f] as number,
	}))
		.filter((r) => r.splits > 0)
		.sort((a, b) => b.gain - a.gain);
	const meta: BotModelMeta = {
		...core,
		forest: { file: "forest.bin", bytes: bytes.length, sha256: sha256(bytes) },
		sha256: sha256(scoringJson(core)),
		importance,
		training,
	};
	return { meta, forest: bytes };
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;
/** Checks and decodes the artifact; `where` names the folder in errors. */
export function decodeBotModel(json: string, bytes: Uint8Array, where: string): BotModel {
	const jsonFile = join(where, "model.json");
	const binFile = join(where, "forest.bin");
	const meta = parseModelMeta<BotModelMeta>(json, jsonFile, BOT_MODEL_FORMAT);
	if (!Array.isArray(meta.features) || meta.features.join(",") !== FEATURE_NAMES.join(","))
		throw new Error(`${jsonFile}: its feature layout is not this build's (retrain the model)`);
	const margins = meta.calibration?.humanMargins;
	if (!Array.isArray(margins) || margins.length < 2 || !margins.every(finite))
		throw new Error(`${jsonFile}: calibration margins missing or not numbers`);
	for (let i = 1; i < margins.length; i++)
		if ((margins[i] as number) < (margins[i - 1] as number))
			throw new Error(`${jsonFile}: calibration margins are not sorted`);
	if (!finite(meta.threshold) || meta.threshold <= 0 || meta.threshold >= 1)
		throw new Error(`${jsonFile}: threshold missing or not in (0, 1)`);
	const digest = sha256(scoringJson(meta));
	if (digest !== meta.sha256)
		throw new Error(
			`${jsonFile}: sha256 of its scoring fields ${digest} is not the recorded ${meta.sha256} (edited or damaged)`,
		);
	if (bytes.length !== meta.forest?.bytes)
		throw new Error(
			`${binFile}: ${bytes.length} bytes, model.json says ${meta.forest?.bytes} (truncated or from another model)`,
		);
	const binDigest = sha256(bytes);
	if (binDigest !== meta.forest.sha256)
		throw new Error(`${binFile}: sha256 ${binDigest} does not match model.json's ${meta.forest.sha256} (damaged)`);
	let forest: Forest;
	let names: NameModel | null;
	try {
		forest = decodeForest(bytes);
		names = meta.names === null ? null : decodeNameModel(meta.names);
	} catch (err) {
		throw new Error(`${where}: ${(err as Error).message}`);
	}
	if (forest.features !== FEATURE_COUNT)
		throw new Error(`${binFile}: trees over ${forest.features} features, this build has ${FEATURE_COUNT}`);
	if (names === null && meta.used.includes("screen_name_likelihood"))
		throw new Error(`${jsonFile}: uses screen_name_likelihood without a name model`);
	return new BotModel(meta, forest, names);
}

/** Loads models/NAME/ (see the module comment); throws naming the file and the reason. */
export function loadBotModel(dir: string): BotModel {
	const read = (file: string) => {
		try {
			return readFileSync(join(dir, file));
		} catch (err) {
			throw new Error(
				`${join(dir, file)}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
			);
		}
	};
	return decodeBotModel(read("model.json").toString("utf8"), read("forest.bin"), dir);
}
