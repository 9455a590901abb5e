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
/** Distinct tokens {@link Featurizer.dot} keeps the buckets of (about 1-2 MB at most). */
const TOKEN_CACHE = 16_384;

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
	/** {@link dot}'s scratch table: bucket per slot (-1 empty), its count and block, the slots used. */
	private slots = new Int32Array(4096).fill(-1);
	private slotCounts = new Int32Array(4096);
	private slotBlocks = new Uint8Array(4096);
	private used = new Int32Array(4096);
	/** {@link dot}'s per-token buckets (word and char n-grams), cleared when it reaches TOKEN_CACHE. */
	private readonly tokenCache = new Map<string, Int32Array>();
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

	/** A token's word bucket followed by its char n-gram buckets, in {@link walk}'s order. */
	private tokenBuckets(tok: string): Int32Array {
		const { charMinN, charMaxN } = this.settings;
		const mask = this.mask;
		const len = tok.length + 2;
		let count = 1;
		for (let i = 0; i < len; i++) count += Math.max(0, Math.min(charMaxN, len - i) - charMinN + 1);
		const out = new Int32Array(count);
		let h = FNV_OFFSET ^ SEED_WORD;
		for (let i = 0; i < tok.length; i++) h = step(h, tok.charCodeAt(i));
		out[0] = fmix(h) & mask;
		let q = 1;
		const seedC = FNV_OFFSET ^ SEED_CHAR;
		for (let i = 0; i < len; i++) {
			h = seedC;
			for (let n = 1; n <= charMaxN && i + n <= len; n++) {
				const j = i + n - 1;
				h = step(h, j === 0 || j === len - 1 ? 32 : tok.charCodeAt(j - 1));
				if (n >= charMinN) out[q++] = fmix(h) & mask;
			}
		}
		return out;
	}

	/**
	 * Σ weights[b]·value[b] over the feature vector of `tokens`, without building the vector: the
	 * same as the dot product of `weights` with {@link vectorizeTokens}'s output (each value rounded
	 * to Float32 as there), up to the order of the additions. Counts go into reusable buffers, then
	 * the two block norms, then the sum.
	 */
	dot(tokens: readonly string[], weights: Float32Array): number {
		const { wordMaxN, charMaxN } = this.settings;
		const mask = this.mask;
		// An open-addressing table sized for every feature the tokens can emit, so that the counts
		// stay in cache (the dense 2^bits arrays do not).
		let most = 0;
		for (let t = 0; t < tokens.length; t++) most += 2 + ((tokens[t] as string).length + 2) * charMaxN;
		let cap = this.slots.length;
		if (2 * most > cap) {
			while (2 * most > cap) cap *= 2;
			this.slots = new Int32Array(cap).fill(-1);
			this.slotCounts = new Int32Array(cap);
			this.slotBlocks = new Uint8Array(cap);
			this.used = new Int32Array(cap);
		}
		const slots = this.slots;
		const slotCounts = this.slotCounts;
		const slotBlocks = this.slotBlocks;
		const used = this.used;
		const smask = cap - 1;
		let n = 0;
		const seedB = FNV_OFFSET ^ SEED_BIGRAM;
		const cache = this.tokenCache;
		let prev = "";
		for (let t = 0; t < tokens.length; t++) {
			const tok = tokens[t] as string;
			const tl = tok.length;
			let own = cache.get(tok);
			if (own === undefined) {
				own = this.tokenBuckets(tok);
				if (cache.size >= TOKEN_CACHE) cache.clear();
				cache.set(tok, own);
			}
			// The word first, then the bigram, then the char n-grams: the order of first touch
			// decides a colliding bucket's block, as in vectorizeTokens.
			n = this.countSlot(own[0] as number, 0, n, smask);
			if (wordMaxN >= 2 && t > 0) {
				let h = seedB;
				for (let i = 0; i < prev.length; i++) h = step(h, prev.charCodeAt(i));
				h = step(h, 32);
				for (let i = 0; i < tl; i++) h = step(h, tok.charCodeAt(i));
				n = this.countSlot(fmix(h) & mask, 0, n, smask);
			}
			prev = tok;
			for (let q = 1; q < own.length; q++) {
				n = this.countSlot(own[q] as number, 1, n, smask);
			}
		}
		let norm0 = 0;
		let norm1 = 0;
		for (let i = 0; i < n; i++) {
			const at = used[i] as number;
			const c = slotCounts[at] as number;
			const v = c === 1 ? 1 : 1 + Math.log(c);
			if (slotBlocks[at] === 0) norm0 += v * v;
			else norm1 += v * v;
		}
		const scale0 = Math.SQRT1_2 / Math.sqrt(norm0 || 1);
		const scale1 = Math.SQRT1_2 / Math.sqrt(norm1 || 1);
		let sum = 0;
		for (let i = 0; i < n; i++) {
			const at = used[i] as number;
			const c = slotCounts[at] as number;
			const v = Math.fround(c === 1 ? 1 : 1 + Math.log(c));
			sum += (weights[slots[at] as number] as number) * Math.fround(v * (slotBlocks[at] === 0 ? scale0 : scale1));
			slots[at] = -1;
			slotCounts[at] = 0;
		}
		return sum;
	}

	/**
	 * Counts bucket `b` (of `block`) in `dot`'s open-addressing table; a bucket seen for the first
	 * time takes its block and joins `used` at `n`. Returns the new `n`.
	 */
	private countSlot(b: number, block: 0 | 1, n: number, smask: number): number {
		const slots = this.slots;
		let at = b & smask;
		while (slots[at] !== b && slots[at] !== -1) at = (at + 1) & smask;
		if (slots[at] === -1) {
			slots[at] = b;
			this.slotBlocks[at] = block;
			this.used[n++] = at;
		}
		this.slotCounts[at] = (this.slotCounts[at] as number) + 1;
		return n;
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
