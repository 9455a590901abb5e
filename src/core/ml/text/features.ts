/**
 * Hashed n-gram features of normalised text: word unigrams and bigrams, and character n-grams
 * (2-5 by default) inside each word padded with a space on both sides. Each block gets sublinear
 * TF (1 + ln count) and its own L2 normalisation, scaled by 1/√2 so the whole vector has norm 1
 * (the word block and the char block weigh the same, as in a union of two TF-IDF vectorisers).
 *
 * @example
 * const f = new Featurizer(DEFAULT_FEATURES);
 * const v = f.vectorize("you are an idiot"); // { indices: Int32Array [...sorted], values: Float32Array [...] }
 */
import { normalizeTokens } from "./normalize.ts";

export interface FeatureSettings {
	/** log2 of the number of hash buckets (18-22). */
	readonly bits: number;
	/** Longest word n-gram (1 or 2). */
	readonly wordMaxN: number;
	readonly charMinN: number;
	readonly charMaxN: number;
}

export const DEFAULT_FEATURES: FeatureSettings = { bits: 20, wordMaxN: 2, charMinN: 2, charMaxN: 5 };

/** A sparse vector: ascending bucket indices and their values. */
export interface SparseVector {
	readonly indices: Int32Array;
	readonly values: Float32Array;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const SEED_WORD = 0x9e3779b9;
const SEED_BIGRAM = 0x85ebca6b;
const SEED_CHAR = 0xc2b2ae35;

/** One FNV-1a step over a UTF-16 code unit (as two bytes). */
function step(h: number, code: number): number {
	h = Math.imul(h ^ (code & 0xff), FNV_PRIME);
	return Math.imul(h ^ (code >>> 8), FNV_PRIME);
}

function hashString(h: number, s: string): number {
	for (let i = 0; i < s.length; i++) h = step(h, s.charCodeAt(i));
	return h;
}

/** murmur3's finaliser: spreads FNV's weak low bits before masking. */
function fmix(h: number): number {
	h ^= h >>> 16;
	h = Math.imul(h, 0x85ebca6b);
	h ^= h >>> 13;
	h = Math.imul(h, 0xc2b2ae35);
	return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Receives every feature of the tokens: its bucket, block (0 word, 1 char) and where it comes from
 * (token `t`; `start` -1 for a word, -2 for the bigram ending at `t`, else the char offset in " tok "
 * and `n` its length): see {@link featureName}.
 */
export type FeatureSink = (bucket: number, block: 0 | 1, t: number, start: number, n: number) => void;

/** The readable name of a feature that {@link Featurizer.walk} reported. */
export function featureName(tokens: readonly string[], t: number, start: number, n: number): string {
	const tok = tokens[t] ?? "";
	if (start === -1) return tok;
	if (start === -2) return `${tokens[t - 1]} ${tok}`;
	return `"${` ${tok} `.slice(start, start + n)}"`;
}

export class Featurizer {
	readonly settings: FeatureSettings;
	readonly size: number;
	private readonly mask: number;
	private readonly counts: Float32Array;
	private readonly touched: Int32Array;
	private readonly blockOf: Uint8Array;

	constructor(settings: FeatureSettings = DEFAULT_FEATURES) {
		if (!Number.isInteger(settings.bits) || settings.bits < 10 || settings.bits > 24)
			throw new Error(`feature bits must be an integer in 10..24, got ${settings.bits}`);
		this.settings = settings;
		this.size = 2 ** settings.bits;
		this.mask = this.size - 1;
		this.counts = new Float32Array(this.size);
		this.touched = new Int32Array(1 << 16);
		this.blockOf = new Uint8Array(this.size);
	}

	/** Walks every feature of normalised tokens (names are built only when asked for). */
	walk(tokens: readonly string[], emit: FeatureSink): void {
		const { wordMaxN, charMinN, charMaxN } = this.settings;
		const seedW = FNV_OFFSET ^ SEED_WORD;
		const seedC = FNV_OFFSET ^ SEED_CHAR;
		let prev = "";
		for (let t = 0; t < tokens.length; t++) {
			const tok = tokens[t] as string;
			emit(fmix(hashString(seedW, tok)) & this.mask, 0, t, -1, 1);
			if (wordMaxN >= 2 && t > 0) {
				const h = hashString(step(hashString(FNV_OFFSET ^ SEED_BIGRAM, prev), 32), tok);
				emit(fmix(h) & this.mask, 0, t, -2, 2);
			}
			prev = tok;
			// Char n-grams over " tok " without building the padded string.
			const len = tok.length + 2;
			for (let i = 0; i < len; i++) {
				let h = seedC;
				for (let n = 1; n <= charMaxN && i + n <= len; n++) {
					const j = i + n - 1;
					h = step(h, j === 0 || j === len - 1 ? 32 : tok.charCodeAt(j - 1));
					if (n >= charMinN) emit(fmix(h) & this.mask, 1, t, i, n);
				}
			}
		}
	}

	/** The feature vector of a raw text (normalised first). */
	vectorize(text: string): SparseVector {
		return this.vectorizeTokens(normalizeTokens(text));
	}

	vectorizeTokens(tokens: readonly string[]): SparseVector {
		const counts = this.counts;
		let touched = this.touched;
		let n = 0;
		this.walk(tokens, (b, block) => {
			if (counts[b] === 0) {
				if (n === touched.length) {
					const bigger = new Int32Array(touched.length * 2);
					bigger.set(touched);
					touched = bigger;
				}
				touched[n++] = b;
				this.blockOf[b] = block;
			}
			counts[b] = (counts[b] as number) + 1;
		});
		const indices = touched.slice(0, n).sort();
		const values = new Float32Array(n);
		const norm2 = new Float64Array(2);
		for (let i = 0; i < n; i++) {
			const b = indices[i] as number;
			const v = 1 + Math.log(counts[b] as number);
			values[i] = v;
			const blk = this.blockOf[b] as number;
			norm2[blk] = (norm2[blk] as number) + v * v;
		}
		const scale = [Math.SQRT1_2 / Math.sqrt(norm2[0] || 1), Math.SQRT1_2 / Math.sqrt(norm2[1] || 1)];
		for (let i = 0; i < n; i++) {
			const b = indices[i] as number;
			values[i] = (values[i] as number) * (scale[this.blockOf[b] as number] as number);
			counts[b] = 0;
		}
		return { indices, values };
	}
}
