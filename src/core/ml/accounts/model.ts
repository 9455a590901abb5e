/**
 * The bot model artifact: `models/bot/model.json` (feature layout, the features used, the
 * screen-name model, the calibration, the threshold, importance, training record) and
 * `forest.bin` (the trees, see `gbdt/forest.ts`); when trained with the platform's own reviewed
 * accounts, also `stream.bin`, the platform's forest the stream serves, with its calibration in
 * model.json's `stream`. model.json carries the sha256 of each trees file and a sha256 over its
 * own scoring fields, so a damaged or edited artifact is refused with an Error naming the file
 * and the reason (a caller keeps the model it has).
 *
 * @example
 * const m = loadBotModel("models/bot");
 * m.score(profile) >= m.threshold; m.explain(profile, 5)   // user objects: the shared sets' forest
 * m.forStream().score(profile)                              // the stream: the platform's forest
 */
import { join } from "node:path";
import {
	checkFile,
	checkForestModel,
	checkForestWidth,
	encodeForestModel,
	type FileRecord,
	FOREST_FILE,
	type ForestModelMeta,
	fileRecord,
	finite,
	type Importance,
	importanceTable,
	readArtifact,
} from "../artifact.ts";
import { CompiledForest, decodeForest, encodeForest, type Forest } from "../gbdt/forest.ts";
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
	readonly calibration: CalibrationMeta;
	/**
	 * The platform's forest the stream serves, when the model was trained with the platform's own
	 * reviewed accounts (`--platform`), and its calibration (the share of the platform's held-out
	 * humans below the account). Absent: the stream is scored like user objects.
	 */
	readonly stream?: StreamMeta;
}

/** The trees file of the platform's forest. */
export const STREAM_FOREST_FILE = "stream.bin";

export interface StreamMeta {
	readonly forest: FileRecord<typeof STREAM_FOREST_FILE>;
	readonly calibration: CalibrationMeta;
	/** Gain importance of the platform's forest (not read back). */
	readonly importance?: readonly Importance[];
}

export interface CalibrationMeta {
	readonly source: string;
	readonly humanMargins: readonly number[];
}

/** The model as one forest and calibration score it: what the bot detector and `eval accounts` hold. */
export interface BotScorerView {
	readonly name: string;
	readonly threshold: number;
	/** Whose humans the score is a percentile of. */
	readonly calibration: string;
	/** The feature vector of a profile (the same for both forests). */
	features(p: AccountProfile, out?: Float64Array): Float64Array;
	/** The forest's raw margin (log-odds). */
	margin(p: AccountProfile): number;
	score(p: AccountProfile): number;
	scoreFeatures(x: ArrayLike<number>, offset?: number): number;
	explain(p: AccountProfile, k?: number): BotContribution[];
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
	private readonly streamFast: CompiledForest | null;

	constructor(
		readonly meta: BotModelMeta,
		readonly forest: Forest,
		private readonly names: NameModel | null,
		/** The platform's forest (`stream.bin`), when the model has one. */
		readonly streamForest: Forest | null = null,
	) {
		this.name = meta.name;
		this.threshold = meta.threshold;
		this.margins = meta.calibration.humanMargins;
		this.fast = new CompiledForest(forest);
		if ((streamForest === null) !== (meta.stream === undefined))
			throw new Error("the platform's forest and model.json's stream come together");
		this.streamFast = streamForest ? new CompiledForest(streamForest) : null;
	}

	/** The feature vector of a profile as this model computes it. */
	features(p: AccountProfile, out: Float64Array = new Float64Array(FEATURE_COUNT)): Float64Array {
		return profileFeatures(p, this.names ?? undefined, out);
	}

	/** The raw margin (log-odds of the shared sets' forest). */
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
		return contributions(this.forest, this.features(p), k);
	}

	/** Whether the model has a forest trained on the platform's own reviewed accounts. */
	get hasStream(): boolean {
		return this.streamForest !== null;
	}

	/**
	 * The model as the stream serves it: the platform's forest and calibration when it was
	 * trained with them, else the shared sets' (as {@link score}).
	 */
	forStream(): BotScorerView {
		const s = this.meta.stream;
		if (!s || !this.streamForest || !this.streamFast) return this.forUserObjects();
		const fast = this.streamFast;
		const forest = this.streamForest;
		const margins = s.calibration.humanMargins;
		const x = new Float64Array(FEATURE_COUNT);
		return {
			name: this.name,
			threshold: this.threshold,
			calibration: s.calibration.source,
			features: (p, out) => this.features(p, out),
			margin: (p) => fast.margin(this.features(p, x)),
			score: (p) => calibrate(margins, fast.margin(this.features(p, x))),
			scoreFeatures: (v, offset = 0) => calibrate(margins, fast.margin(v, offset)),
			explain: (p, k = 5) => contributions(forest, this.features(p), k),
		};
	}

	/** The model as user objects are scored (`eval accounts`): the shared sets' forest and reference humans. */
	forUserObjects(): BotScorerView {
		return {
			name: this.name,
			threshold: this.threshold,
			calibration: this.meta.calibration.source,
			features: (p, out) => this.features(p, out),
			margin: (p) => this.margin(p),
			score: (p) => this.score(p),
			scoreFeatures: (v, offset = 0) => this.scoreFeatures(v, offset),
			explain: (p, k) => this.explain(p, k),
		};
	}
}

/** The k features of `x` that pushed the forest's margin furthest (either way). */
function contributions(forest: Forest, x: Float64Array, k: number): BotContribution[] {
	const c = forest.contributions(x);
	const out: BotContribution[] = [];
	for (let f = 0; f < FEATURE_COUNT; f++)
		if (c[f] !== 0) out.push({ feature: FEATURE_NAMES[f] as string, value: x[f] as number, weight: c[f] as number });
	return out.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight) || (a.feature < b.feature ? -1 : 1)).slice(0, k);
}

/** The fields scoring reads from model.json, as the hashed JSON. */
function scoringJson(m: Omit<BotModelMeta, "sha256" | "forest" | "importance" | "training">): string {
	const fields: unknown[] = [m.format, m.name, m.features, m.used, m.names, m.calibration, m.threshold];
	// Only when present, so that a model without one keeps the hash it was written with.
	if (m.stream !== undefined) fields.push([m.stream.forest, m.stream.calibration]);
	return JSON.stringify(fields);
}

/** The artifact files of a trained model: model.json's object, forest.bin's bytes and, with a platform forest, stream.bin's. */
export function encodeBotModel(
	name: string,
	m: TrainedBotModel,
	training?: unknown,
): { meta: BotModelMeta; forest: Uint8Array; stream: Uint8Array | null } {
	const core = {
		format: BOT_MODEL_FORMAT,
		name,
		features: [...FEATURE_NAMES],
		used: [...m.recipe.features],
		names: m.names ? encodeNameModel(m.names) : null,
		calibration: { source: m.calibration.source, humanMargins: [...m.calibration.humanMargins] },
		threshold: m.threshold,
	};
	if (!m.stream) return { ...encodeForestModel(core, scoringJson(core), m.trained, training), stream: null };
	const streamBytes = encodeForest(m.stream.trained.forest);
	const stream: StreamMeta = {
		forest: fileRecord(STREAM_FOREST_FILE, streamBytes),
		calibration: { source: m.stream.calibration.source, humanMargins: [...m.stream.calibration.humanMargins] },
	};
	const withStream = { ...core, stream };
	const { meta, forest } = encodeForestModel(withStream, scoringJson(withStream), m.trained, training);
	// The platform forest's importance (not hashed: not read back).
	const importance = importanceTable(core.features, m.stream.trained);
	return { meta: { ...meta, stream: { ...stream, importance } }, forest, stream: streamBytes };
}

/** The calibrations' checks (scoring reads their margins as sorted lists). */
function checkCalibration(meta: BotModelMeta, jsonFile: string): void {
	const check = (c: CalibrationMeta | undefined, what: string) => {
		const margins = c?.humanMargins;
		if (!Array.isArray(margins) || margins.length < 2 || !margins.every(finite))
			throw new Error(`${jsonFile}: ${what} margins missing or not numbers`);
		for (let i = 1; i < margins.length; i++)
			if ((margins[i] as number) < (margins[i - 1] as number))
				throw new Error(`${jsonFile}: ${what} margins are not sorted`);
	};
	check(meta.calibration, "calibration");
	if (meta.stream !== undefined) {
		if (meta.stream?.forest?.file !== STREAM_FOREST_FILE)
			throw new Error(`${jsonFile}: stream.forest must record ${STREAM_FOREST_FILE}`);
		check(meta.stream.calibration, "stream.calibration");
	}
}

/** Checks and decodes the artifact; `where` names the folder in errors. */
export function decodeBotModel(
	json: string,
	bytes: Uint8Array,
	where: string,
	streamBytes: Uint8Array | null = null,
): BotModel {
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
	let stream: Forest | null = null;
	if (meta.stream !== undefined) {
		const file = join(where, STREAM_FOREST_FILE);
		if (streamBytes === null) throw new Error(`${file}: missing (model.json records the platform's forest)`);
		checkFile(streamBytes, meta.stream.forest, file);
		try {
			stream = decodeForest(streamBytes);
		} catch (err) {
			throw new Error(`${file}: ${(err as Error).message}`);
		}
		checkForestWidth(stream, FEATURE_COUNT, file);
	}
	return new BotModel(meta, forest, names, stream);
}

/** Loads models/NAME/ (see the module comment); throws naming the file and the reason. */
export function loadBotModel(dir: string): BotModel {
	const json = readArtifact(dir, "model.json").toString("utf8");
	let hasStream = false;
	try {
		hasStream = (JSON.parse(json) as { stream?: unknown }).stream !== undefined;
	} catch {
		// decodeBotModel names what is wrong with it.
	}
	return decodeBotModel(
		json,
		readArtifact(dir, FOREST_FILE),
		dir,
		hasStream ? readArtifact(dir, STREAM_FOREST_FILE) : null,
	);
}
