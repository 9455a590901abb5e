/**
 * The text model artifact: `models/NAME/model.json` (settings, bias, Platt a/b, threshold, the
 * sha256 and size of the weights) and `weights.bin` (little-endian Float32, one per hash bucket).
 * Decoding checks format, sizes and hash and throws an Error naming the file and the reason, so a
 * caller can keep the model it has.
 *
 * @example
 * const m = loadTextModel("models/abuse");
 * m.score("you absolute idiot") >= m.threshold; m.explain("you absolute idiot", 5)
 */
import { join } from "node:path";
import { checkSha256, type FileRecord, fileRecord, finite, parseModelMeta, readArtifact } from "../artifact.ts";
import { type FeatureSettings, Featurizer, featureName } from "./features.ts";
import type { LoadTextModel, TextClassifier } from "./model-port.ts";
import { NORMALIZE_VERSIONS, normalizeTokensReference } from "./normalize.ts";
import type { TrainedTextModel } from "./train.ts";

export const TEXT_MODEL_FORMAT = 1;

export interface TextModelMeta {
	readonly format: number;
	readonly name: string;
	readonly features: FeatureSettings;
	readonly buckets: number;
	readonly bias: number;
	readonly platt: { readonly a: number; readonly b: number };
	readonly threshold: number;
	readonly weights: FileRecord<"weights.bin">;
	/** Anything else the trainer records (seed, data, metrics); not read back. */
	readonly training?: unknown;
}

/** One n-gram's share of a text's margin. */
export interface Contribution {
	readonly feature: string;
	readonly weight: number;
}

export class TextModel implements TextClassifier {
	readonly name: string;
	readonly threshold: number;
	private readonly fz: Featurizer;

	constructor(
		readonly meta: TextModelMeta,
		/** One weight per hash bucket (read by TextModelSet; not to be changed). */
		readonly weights: Float32Array,
	) {
		this.name = meta.name;
		this.threshold = meta.threshold;
		this.fz = new Featurizer(meta.features);
	}

	/** The raw linear score (log-odds before calibration), without materialising the vector. */
	margin(text: string): number {
		return this.meta.bias + this.fz.dot(this.fz.tokens(text), this.weights);
	}

	/**
	 * The same margin through the sparse vector and the reference normaliser (the path the models
	 * were trained with): what tests and `bench/text.ts` compare the fast path with.
	 */
	marginReference(text: string): number {
		const x = this.fz.vectorizeTokens(normalizeTokensReference(text, this.meta.features.normalize ?? 1));
		let m = this.meta.bias;
		for (let k = 0; k < x.indices.length; k++)
			m += (this.weights[x.indices[k] as number] as number) * (x.values[k] as number);
		return m;
	}

	score(text: string): number {
		return this.calibrate(this.margin(text));
	}

	/** {@link score} through {@link marginReference}. */
	scoreReference(text: string): number {
		return this.calibrate(this.marginReference(text));
	}

	/** The calibrated probability of a margin (Platt scaling). */
	calibrate(margin: number): number {
		const z = this.meta.platt.a * margin + this.meta.platt.b;
		return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
	}

	/** The k n-grams that push the score furthest (either way), for reviewers. */
	explain(text: string, k = 5): Contribution[] {
		const tokens = this.fz.tokens(text);
		const x = this.fz.vectorizeTokens(tokens);
		const value = new Map<number, number>();
		x.indices.forEach((b, i) => {
			value.set(b, x.values[i] as number);
		});
		const seen = new Map<number, string>();
		this.fz.walk(tokens, (b, _block, t, start, n) => {
			if (!seen.has(b)) seen.set(b, featureName(tokens, t, start, n));
		});
		return [...seen]
			.map(([b, feature]) => ({
				feature,
				weight: (this.weights[b] as number) * (value.get(b) ?? 0) * this.meta.platt.a,
			}))
			.sort((p, q) => Math.abs(q.weight) - Math.abs(p.weight) || (p.feature < q.feature ? -1 : 1))
			.slice(0, k);
	}
}

/**
 * Text models that share one feature setting, scored together: a text is normalised and counted
 * once for all of them (Featurizer.dotMany), and each model's probability is the one its own
 * `score` gives, to the bit. The last text's scores are remembered, so the detectors that read
 * the same post (one per model, and the unwanted detector) pay for it once.
 * @example
 * const set = new TextModelSet([abuse, hate]);
 * set.scores("you idiot") // Float64Array [0.93, 0.41]; set.classifier(1).score("you idiot") // 0.41, not recomputed
 */
export class TextModelSet {
	private readonly fz: Featurizer;
	private readonly weights: Float32Array[];
	private readonly margins: Float64Array;
	private readonly last: Float64Array;
	private lastText: string | undefined;

	constructor(readonly models: readonly TextModel[]) {
		const first = models[0];
		if (!first) throw new Error("a text model set needs at least one model");
		const key = JSON.stringify(first.meta.features);
		for (const m of models)
			if (JSON.stringify(m.meta.features) !== key)
				throw new Error(`text model "${m.name}" has other feature settings than "${first.name}": score it apart`);
		this.fz = new Featurizer(first.meta.features);
		this.weights = models.map((m) => m.weights);
		this.margins = new Float64Array(models.length);
		this.last = new Float64Array(models.length);
	}

	/** Every model's probability for `text`, in order (a buffer the next new text overwrites). */
	scores(text: string): Float64Array {
		if (text !== this.lastText) {
			this.lastText = undefined;
			this.fz.dotMany(this.fz.tokens(text), this.weights, this.margins);
			this.models.forEach((m, k) => {
				this.last[k] = m.calibrate(m.meta.bias + (this.margins[k] as number));
			});
			this.lastText = text;
		}
		return this.last;
	}

	/** Model `k` as a classifier named `name` (default its own) whose score comes from {@link scores}. */
	classifier(k: number, name?: string): TextClassifier & { explain(text: string, n?: number): Contribution[] } {
		const m = this.models[k];
		if (!m) throw new Error(`no model ${k} in the set`);
		return {
			name: name ?? m.name,
			threshold: m.threshold,
			score: (text: string) => this.scores(text)[k] as number,
			explain: (text: string, n?: number) => m.explain(text, n),
		};
	}
}

/** The artifact files of a trained model: model.json text and weights.bin bytes. */
export function encodeTextModel(m: TrainedTextModel, training?: unknown): { meta: TextModelMeta; weights: Uint8Array } {
	const bytes = new Uint8Array(m.weights.length * 4);
	const view = new DataView(bytes.buffer);
	m.weights.forEach((w, i) => {
		view.setFloat32(i * 4, w, true);
	});
	const meta: TextModelMeta = {
		format: TEXT_MODEL_FORMAT,
		name: m.name,
		features: m.features,
		buckets: m.weights.length,
		bias: m.bias,
		platt: m.platt,
		threshold: m.threshold,
		weights: fileRecord("weights.bin", bytes),
		training,
	};
	return { meta, weights: bytes };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Checks and decodes the artifact; `where` names the folder in errors. */
export function decodeTextModel(json: string, bytes: Uint8Array, where: string): TextModel {
	const jsonFile = join(where, "model.json");
	const binFile = join(where, "weights.bin");
	const meta = parseModelMeta<TextModelMeta>(json, jsonFile, TEXT_MODEL_FORMAT);
	const f = meta.features;
	if (!f || !finite(f.bits) || meta.buckets !== 2 ** f.bits)
		throw new Error(`${jsonFile}: buckets ${meta.buckets} do not match feature bits ${f?.bits}`);
	if (f.normalize !== undefined && !NORMALIZE_VERSIONS.includes(f.normalize))
		throw new Error(
			`${jsonFile}: text normalisation ${f.normalize} is not one of ${NORMALIZE_VERSIONS.join(", ")} (upgrade)`,
		);
	if (!finite(meta.bias) || !finite(meta.platt?.a) || !finite(meta.platt?.b) || !finite(meta.threshold))
		throw new Error(`${jsonFile}: bias, platt or threshold missing or not a number`);
	if (bytes.length !== meta.buckets * 4 || bytes.length !== meta.weights?.bytes)
		throw new Error(
			`${binFile}: ${bytes.length} bytes, expected ${meta.buckets * 4} (truncated or from another model)`,
		);
	checkSha256(bytes, meta.weights.sha256, binFile);
	let weights: Float32Array;
	if (LITTLE_ENDIAN) weights = new Float32Array(bytes.slice().buffer);
	else {
		weights = new Float32Array(meta.buckets);
		const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
		for (let i = 0; i < weights.length; i++) weights[i] = view.getFloat32(i * 4, true);
	}
	return new TextModel(meta, weights);
}

/** Loads models/NAME/ (see the module comment); throws naming the file and the reason. */
export function loadTextModel(dir: string): TextModel {
	return decodeTextModel(readArtifact(dir, "model.json").toString("utf8"), readArtifact(dir, "weights.bin"), dir);
}
loadTextModel satisfies LoadTextModel;
