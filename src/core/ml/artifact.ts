/**
 * What every model artifact under `models/NAME/` shares: `model.json` parsed with its format
 * checked, files read with an Error naming the file and the reason, the size and sha256 that
 * model.json records of a binary file, and for the boosted-tree models (bot, behaviour) the
 * whole `model.json` + `forest.bin` pair: encoded with its importance table, and checked before
 * the trees are decoded. Every check throws an Error naming the file, so a caller keeps the
 * model it has.
 *
 * @example
 * const json = readArtifact("models/bot", "model.json").toString("utf8");
 * const bytes = readArtifact("models/bot", FOREST_FILE);
 * const meta = checkForestModel<BotModelMeta>(json, bytes, "models/bot", { format: 1, features, scoringJson });
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { encodeForest, type Forest } from "./gbdt/forest.ts";
import type { TrainedForest } from "./gbdt/train.ts";

/** A number that is neither NaN nor infinite (what every model weight and threshold must be). */
export const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** Hex sha256 of bytes, or of a string's UTF-8. */
export const sha256 = (data: Uint8Array | string): string => createHash("sha256").update(data).digest("hex");

/**
 * A model's `model.json` parsed, with its format number checked: throws naming `file` when it is
 * not JSON or of another format (the caller checks the rest of its shape).
 * @example const meta = parseModelMeta<TextModelMeta>(json, "models/abuse/model.json", TEXT_MODEL_FORMAT);
 */
export function parseModelMeta<T extends { format: number }>(json: string, file: string, format: number): T {
	let meta: T;
	try {
		meta = JSON.parse(json) as T;
	} catch (err) {
		throw new Error(`${file}: not JSON (${(err as Error).message})`);
	}
	if (meta?.format !== format) throw new Error(`${file}: format ${meta?.format} is not ${format} (retrain or upgrade)`);
	return meta;
}

/**
 * The bytes of `dir/file`; throws `dir/file: cannot read (ENOENT)` (the error code, or else its message).
 * @example const json = readArtifact("models/abuse", "model.json").toString("utf8");
 */
export function readArtifact(dir: string, file: string): Buffer {
	try {
		return readFileSync(join(dir, file));
	} catch (err) {
		throw new Error(
			`${join(dir, file)}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
		);
	}
}

/** What model.json records of a binary file beside it. */
export interface FileRecord<F extends string = string> {
	readonly file: F;
	readonly bytes: number;
	readonly sha256: string;
}

/** The record of `bytes` written as `file`. */
export function fileRecord<F extends string>(file: F, bytes: Uint8Array): FileRecord<F> {
	return { file, bytes: bytes.length, sha256: sha256(bytes) };
}

/** Throws naming `file` when the sha256 of `bytes` is not the one model.json recorded. */
export function checkSha256(bytes: Uint8Array, recorded: string, file: string): void {
	const digest = sha256(bytes);
	if (digest !== recorded)
		throw new Error(`${file}: sha256 ${digest} does not match model.json's ${recorded} (damaged)`);
}

/** Throws naming `file` when `bytes` are not the size and sha256 that model.json recorded of them. */
export function checkFile(bytes: Uint8Array, record: FileRecord | undefined, file: string): void {
	if (bytes.length !== record?.bytes)
		throw new Error(
			`${file}: ${bytes.length} bytes, model.json says ${record?.bytes} (truncated or from another model)`,
		);
	checkSha256(bytes, record.sha256, file);
}

/** The trees' file of a boosted-tree model. */
export const FOREST_FILE = "forest.bin";

/** One row of a forest model's importance table. */
export interface Importance {
	readonly feature: string;
	readonly gain: number;
	readonly splits: number;
}

/** The fields model.json of every boosted-tree model has (each model adds its own scoring fields). */
export interface ForestModelMeta {
	readonly format: number;
	readonly name: string;
	/** The feature vector's layout the trees index into (must equal this build's). */
	readonly features: readonly string[];
	readonly threshold: number;
	readonly forest: FileRecord<typeof FOREST_FILE>;
	/** sha256 of the model's scoring JSON (the fields scoring reads from model.json). */
	readonly sha256: string;
	/** Gain importance, highest first (not read back). */
	readonly importance?: readonly Importance[];
	/** Anything else the trainer records (seed, data, metrics); not read back. */
	readonly training?: unknown;
}

/**
 * The artifact files of trained trees: model.json's object (`core`, then the forest's record, the
 * sha256 of `scoring` (the JSON of core's scoring fields), the importance of the features used,
 * `training`) and forest.bin's bytes.
 * @example const { meta, forest } = encodeForestModel(core, scoringJson(core), trained.trained, { seed: 1 });
 */
export function encodeForestModel<C extends { readonly features: readonly string[] }>(
	core: C,
	scoring: string,
	trained: Pick<TrainedForest, "forest" | "importance" | "splits">,
	training: unknown,
): {
	meta: C & Pick<ForestModelMeta, "forest" | "sha256" | "importance" | "training">;
	forest: Uint8Array;
} {
	const bytes = encodeForest(trained.forest);
	const importance = importanceTable(core.features, trained);
	return {
		meta: { ...core, forest: fileRecord(FOREST_FILE, bytes), sha256: sha256(scoring), importance, training },
		forest: bytes,
	};
}

/** The gain importance of the features the trees split on, highest first (what model.json records). */
export function importanceTable(
	features: readonly string[],
	trained: Pick<TrainedForest, "importance" | "splits">,
): Importance[] {
	return features
		.map((feature, f) => ({
			feature,
			gain: Math.round((trained.importance[f] as number) * 1e4) / 1e4,
			splits: trained.splits[f] as number,
		}))
		.filter((r) => r.splits > 0)
		.sort((a, b) => b.gain - a.gain);
}

/** What {@link checkForestModel} checks a boosted-tree model's artifact against. */
export interface ForestModelSpec<M> {
	readonly format: number;
	/** This build's feature layout. */
	readonly features: readonly string[];
	/** The JSON of the fields scoring reads, whose sha256 model.json records. */
	readonly scoringJson: (meta: M) => string;
	/** The model's own checks of its fields, run after the layout's and before the threshold's. */
	readonly check?: (meta: M, jsonFile: string) => void;
}

/**
 * A boosted-tree model's model.json parsed and checked with its forest.bin bytes, in this order:
 * format, feature layout, `spec.check`, threshold in (0, 1), the sha256 of the scoring fields,
 * forest.bin's size and sha256. The caller decodes the trees (`decodeForest`) and checks their
 * width ({@link checkForestWidth}). `where` names the folder in errors.
 */
export function checkForestModel<M extends ForestModelMeta>(
	json: string,
	bytes: Uint8Array,
	where: string,
	spec: ForestModelSpec<M>,
): M {
	const jsonFile = join(where, "model.json");
	const meta = parseModelMeta<M>(json, jsonFile, spec.format);
	if (!Array.isArray(meta.features) || meta.features.join(",") !== spec.features.join(","))
		throw new Error(`${jsonFile}: its feature layout is not this build's (retrain the model)`);
	spec.check?.(meta, jsonFile);
	if (!finite(meta.threshold) || meta.threshold <= 0 || meta.threshold >= 1)
		throw new Error(`${jsonFile}: threshold missing or not in (0, 1)`);
	const digest = sha256(spec.scoringJson(meta));
	if (digest !== meta.sha256)
		throw new Error(
			`${jsonFile}: sha256 of its scoring fields ${digest} is not the recorded ${meta.sha256} (edited or damaged)`,
		);
	checkFile(bytes, meta.forest, join(where, FOREST_FILE));
	return meta;
}

/** Throws naming `file` when the trees are not over `width` features. */
export function checkForestWidth(forest: Forest, width: number, file: string): void {
	if (forest.features !== width)
		throw new Error(`${file}: trees over ${forest.features} features, this build has ${width}`);
}
