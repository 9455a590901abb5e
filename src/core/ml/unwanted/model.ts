/**
 * The `unwanted` model: a logistic model over an interaction's text scores and context
 * ({@link Interaction}), its probability calibrated on simulated traffic. The artifact is one
 * file, `models/unwanted/model.json`: a weight per named input, the bias, the threshold, and a
 * sha256 over them, so that a damaged or hand-edited file is refused and the caller keeps the
 * model it has.
 *
 * @example
 * const m = loadUnwantedModel("models/unwanted");
 * const s = m.score(interaction); // 0.93
 * m.explain(interaction, 3) // [{ input: "targeted_abuse", value: 0.9, logOdds: 1.45 }, ...]
 */
import { join } from "node:path";
import { finite, parseModelMeta, readArtifact, sha256 } from "../artifact.ts";
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

export const UNWANTED_FORMAT = 1;
/** The text models whose scores it reads, by name (their `text.<name>` signals need not be served). */
export const UNWANTED_TEXT_MODELS = ["abuse", "hate", "targeted"] as const;

export interface UnwantedParams {
	readonly learned: Readonly<Record<LearnedInput, number>>;
	readonly priors: Readonly<Record<PriorInput, number>>;
	readonly bias: number;
	/** Decision threshold on the probability (score >= threshold: flagged). */
	readonly threshold: number;
}

export interface UnwantedMeta extends UnwantedParams {
	readonly format: number;
	readonly name: string;
	readonly textModels: readonly string[];
	/** sha256 of {@link paramsDigestText} of the parameters. */
	readonly sha256: string;
	/** What the trainer records (seeds, data, metrics); not read back. */
	readonly training?: unknown;
}

/** One input's share of an interaction's log-odds. */
export interface InputContribution {
	readonly input: LearnedInput | PriorInput;
	readonly value: number;
	/** weight × value, in log-odds. */
	readonly logOdds: number;
}

export class UnwantedModel {
	readonly name: string;
	readonly threshold: number;
	private readonly wLearned: Float64Array;
	private readonly wPriors: Float64Array;

	constructor(readonly meta: UnwantedMeta) {
		this.name = meta.name;
		this.threshold = meta.threshold;
		this.wLearned = Float64Array.from(LEARNED_INPUTS, (k) => meta.learned[k]);
		this.wPriors = Float64Array.from(PRIOR_INPUTS, (k) => meta.priors[k]);
	}

	/** Log-odds of unwanted. */
	margin(x: Interaction): number {
		const a = learnedInputs(x);
		const b = priorInputs(x);
		let z = this.meta.bias;
		for (let i = 0; i < a.length; i++) z += (this.wLearned[i] as number) * (a[i] as number);
		for (let i = 0; i < b.length; i++) z += (this.wPriors[i] as number) * (b[i] as number);
		return z;
	}

	/** Probability that the interaction is unwanted. */
	score(x: Interaction): number {
		return sigmoid(this.margin(x));
	}

	/** The `k` inputs that move the log-odds most (either way), for reviewers. */
	explain(x: Interaction, k = 3): InputContribution[] {
		const out: InputContribution[] = [];
		const a = learnedInputs(x);
		const b = priorInputs(x);
		LEARNED_INPUTS.forEach((input, i) => {
			out.push({ input, value: a[i] as number, logOdds: (this.wLearned[i] as number) * (a[i] as number) });
		});
		PRIOR_INPUTS.forEach((input, i) => {
			out.push({ input, value: b[i] as number, logOdds: (this.wPriors[i] as number) * (b[i] as number) });
		});
		return out
			.filter((c) => c.logOdds !== 0)
			.sort((p, q) => Math.abs(q.logOdds) - Math.abs(p.logOdds))
			.slice(0, k);
	}
}

export function sigmoid(z: number): number {
	return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** The text the artifact's sha256 is taken of: every input name with its weight, the bias, the threshold. */
export function paramsDigestText(p: UnwantedParams): string {
	const parts: string[] = [];
	for (const k of LEARNED_INPUTS) parts.push(`${k}=${p.learned[k]}`);
	for (const k of PRIOR_INPUTS) parts.push(`prior:${k}=${p.priors[k]}`);
	parts.push(`bias=${p.bias}`, `threshold=${p.threshold}`);
	return parts.join("\n");
}

const digest = (p: UnwantedParams) => sha256(paramsDigestText(p));

/** The artifact of trained parameters (priors default to {@link DEFAULT_PRIORS}). */
export function encodeUnwantedModel(
	p: Omit<UnwantedParams, "priors"> & { priors?: UnwantedParams["priors"] },
	training?: unknown,
): UnwantedMeta {
	const params: UnwantedParams = { ...p, priors: p.priors ?? DEFAULT_PRIORS };
	return {
		format: UNWANTED_FORMAT,
		name: "unwanted",
		textModels: [...UNWANTED_TEXT_MODELS],
		learned: params.learned,
		priors: params.priors,
		bias: params.bias,
		threshold: params.threshold,
		sha256: digest(params),
		training,
	};
}

/** Checks and decodes `model.json`; `where` names the folder in errors. */
export function decodeUnwantedModel(json: string, where: string): UnwantedModel {
	const file = join(where, "model.json");
	const meta = parseModelMeta<UnwantedMeta>(json, file, UNWANTED_FORMAT);
	for (const k of LEARNED_INPUTS)
		if (!finite(meta.learned?.[k])) throw new Error(`${file}: weight of input "${k}" missing or not a number`);
	for (const k of PRIOR_INPUTS)
		if (!finite(meta.priors?.[k])) throw new Error(`${file}: prior weight "${k}" missing or not a number`);
	if (!finite(meta.bias) || !finite(meta.threshold) || meta.threshold < 0 || meta.threshold > 1)
		throw new Error(`${file}: bias or threshold missing or out of range`);
	const sha = digest(meta);
	if (sha !== meta.sha256)
		throw new Error(`${file}: sha256 ${sha} does not match the recorded ${meta.sha256} (damaged)`);
	return new UnwantedModel(meta);
}

/** Loads models/unwanted/ (see the module comment); throws naming the file and the reason. */
export function loadUnwantedModel(dir: string): UnwantedModel {
	return decodeUnwantedModel(readArtifact(dir, "model.json").toString("utf8"), dir);
}
