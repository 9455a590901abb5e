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
import { NORMALIZE_VERSIONS, type NormalizeVersion, normalizeTokens } from "./normalize.ts";

export interface FeatureSettings {
	/** log2 of the number of hash buckets (18-22). */
	readonly bits: number;
	/** Longest word n-gram (1 or 2). */
	readonly wordMaxN: number;
	readonly charMinN: number;
	readonly charMaxN: number;
	/** The text normalisation (see normalize.ts); absent means 1, what the first artifacts were trained with. */
	readonly normalize?: NormalizeVersion;
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
/** Token slots of {@link Featurizer.dotMany}'s cache (at most half used before it starts over). */
const TOKEN_SLOTS = 1 << 15;
/** n-gram entries the cache holds before it starts over: 2 MB of buckets, and 2 MB of weights per model. */
const TOKEN_ARENA = 1 << 19;
/** 1 + ln c for the counts a text usually has: the sublinear TF without a log call. */
const TF = Float64Array.from({ length: 64 }, (_, c) => (c === 0 ? 0 : c === 1 ? 1 : 1 + Math.log(c)));
const tf = (c: number): number => (c < 64 ? (TF[c] as number) : 1 + Math.log(c));

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
	/**
	 * {@link dot}'s scratch table: bucket per slot (-1 empty), its count, block and weight, and the
	 * slots used in first-touch order.
	 */
	private slots = new Int32Array(4096).fill(-1);
	private slotCounts = new Int32Array(4096);
	private slotBlocks = new Uint8Array(4096);
	/** `k` weights per slot (one per weight vector of the call), at `slot * k`. */
	private slotWeights = new Float32Array(4096);
	private used = new Int32Array(4096);
	/** {@link dotMany}'s slots of the bigrams whose weights are still to read. */
	private late = new Int32Array(256);
	/** {@link dot}'s one weight vector and result, kept so that a call allocates nothing. */
	private one: readonly Float32Array[] = [];
	private readonly oneOut = new Float64Array(1);
	/** {@link dot}'s token cache, made on first use (training never needs it). */
	private cache: TokenCache | undefined;
	private readonly blockOf: Uint8Array;

	constructor(settings: FeatureSettings = DEFAULT_FEATURES) {
		if (!Number.isInteger(settings.bits) || settings.bits < 10 || settings.bits > 24)
			throw new Error(`feature bits must be an integer in 10..24, got ${settings.bits}`);
		if (settings.normalize !== undefined && !NORMALIZE_VERSIONS.includes(settings.normalize))
			throw new Error(`feature normalize must be one of ${NORMALIZE_VERSIONS.join(", ")}, got ${settings.normalize}`);
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

	/**
	 * Σ weights[b]·value[b] over the feature vector of `tokens`, without building the vector: the
	 * same as the dot product of `weights` with {@link vectorizeTokens}'s output (each value rounded
	 * to Float32 as there), up to the order of the additions. See {@link dotMany}.
	 */
	dot(tokens: readonly string[], weights: Float32Array): number {
		if (this.one[0] !== weights) this.one = [weights];
		this.dotMany(tokens, this.one, this.oneOut);
		return this.oneOut[0] as number;
	}

	/**
	 * {@link dot} for several weight vectors at once (models that share these feature settings):
	 * the text is counted once and `out[k]` gets what `dot(tokens, weights[k])` gives, to the bit.
	 * Counts go into a small reusable open-addressing table (it stays in cache; the dense 2^bits
	 * arrays do not), then come the two block norms, then the sums. A token's word and char n-gram
	 * buckets, and their weights in every vector, come from a cache: the weights are read from
	 * memory laid out per token instead of from 4 MB of hashed buckets per model, where each read
	 * was a cache miss.
	 * @example fz.dotMany(normalizeTokens(text), [abuse.weights, hate.weights], out) // out[0], out[1]
	 */
	dotMany(tokens: readonly string[], weights: readonly Float32Array[], out: Float64Array): void {
		const { wordMaxN, charMaxN } = this.settings;
		const mask = this.mask;
		const K = weights.length;
		let most = 0;
		for (let t = 0; t < tokens.length; t++) most += 2 + ((tokens[t] as string).length + 2) * charMaxN;
		if (2 * most > this.slots.length || this.slotWeights.length < this.slots.length * K) this.grow(2 * most, K);
		const slots = this.slots;
		const slotCounts = this.slotCounts;
		const slotBlocks = this.slotBlocks;
		const slotWeights = this.slotWeights;
		const used = this.used;
		// The smallest power of two at least twice the n-grams the tokens can emit: a denser table
		// (fewer cache lines touched) than the whole scratch array.
		let cap = 256;
		while (cap < 2 * most) cap *= 2;
		const smask = cap - 1;
		let cache = this.cache;
		if (cache === undefined || !cache.holds(weights)) {
			cache = new TokenCache(weights);
			this.cache = cache;
		}
		if (tokens.length > this.late.length) this.late = new Int32Array(2 * tokens.length);
		const late = this.late;
		let nLate = 0;
		const bigrams = wordMaxN >= 2;
		const seedW = FNV_OFFSET ^ SEED_WORD;
		let n = 0;
		let prefix = 0;
		for (let t = 0; t < tokens.length; t++) {
			const tok = tokens[t] as string;
			const tl = tok.length;
			// The word's hash (which finds it in the cache) and the bigram's, from the cached hash of
			// "previous-token " on, in one pass over the letters.
			let hw = seedW;
			let hb = prefix;
			for (let i = 0; i < tl; i++) {
				const c = tok.charCodeAt(i);
				hw = step(hw, c);
				hb = step(hb, c);
			}
			const fw = fmix(hw);
			let slot = cache.find(tok, fw);
			if (slot < 0) slot = this.fill(cache, tok, fw);
			prefix = cache.prefixes[slot] as number;
			const bs = cache.buckets;
			const ws = cache.ws;
			const from = cache.starts[slot] as number;
			const to = from + (cache.lengths[slot] as number);
			// The word first, then the bigram, then the char n-grams: the order of first touch
			// decides a colliding bucket's block, as in vectorizeTokens.
			for (let q = from; q < to; q++) {
				const b = bs[q] as number;
				let at = b & smask;
				let s = slots[at] as number;
				while (s !== b && s !== -1) {
					at = (at + 1) & smask;
					s = slots[at] as number;
				}
				if (s === -1) {
					slots[at] = b;
					slotBlocks[at] = q === from ? 0 : 1;
					for (let k = 0; k < K; k++) slotWeights[at * K + k] = ws[q * K + k] as number;
					used[n++] = at;
				}
				slotCounts[at] = (slotCounts[at] as number) + 1;
				if (q === from && bigrams && t > 0) {
					const bb = fmix(hb) & mask;
					at = bb & smask;
					s = slots[at] as number;
					while (s !== bb && s !== -1) {
						at = (at + 1) & smask;
						s = slots[at] as number;
					}
					if (s === -1) {
						slots[at] = bb;
						slotBlocks[at] = 0;
						// A new bigram's weights are read after the loop (see below).
						late[nLate++] = at;
						used[n++] = at;
					}
					slotCounts[at] = (slotCounts[at] as number) + 1;
				}
			}
		}
		// The bigrams' weights are spread over the whole tables (a cache miss each): read in a short
		// loop of their own, they wait for memory together rather than one after another.
		for (let k = 0; k < K; k++) {
			const w = weights[k] as Float32Array;
			for (let j = 0; j < nLate; j++) {
				const at = late[j] as number;
				slotWeights[at * K + k] = w[slots[at] as number] as number;
			}
		}
		let norm0 = 0;
		let norm1 = 0;
		for (let i = 0; i < n; i++) {
			const at = used[i] as number;
			const v = tf(slotCounts[at] as number);
			if (slotBlocks[at] === 0) norm0 += v * v;
			else norm1 += v * v;
		}
		const scale0 = Math.SQRT1_2 / Math.sqrt(norm0 || 1);
		const scale1 = Math.SQRT1_2 / Math.sqrt(norm1 || 1);
		out.fill(0, 0, K);
		for (let i = 0; i < n; i++) {
			const at = used[i] as number;
			const v = Math.fround(tf(slotCounts[at] as number));
			const x = Math.fround(v * (slotBlocks[at] === 0 ? scale0 : scale1));
			for (let k = 0; k < K; k++) out[k] = (out[k] as number) + (slotWeights[at * K + k] as number) * x;
			slots[at] = -1;
			slotCounts[at] = 0;
		}
	}

	/** Makes {@link dotMany}'s scratch table at least `size` slots (a power of two) of `k` weights each. */
	private grow(size: number, k: number): void {
		let cap = this.slots.length;
		while (size > cap) cap *= 2;
		this.slots = new Int32Array(cap).fill(-1);
		this.slotCounts = new Int32Array(cap);
		this.slotBlocks = new Uint8Array(cap);
		this.slotWeights = new Float32Array(cap * k);
		this.used = new Int32Array(cap);
	}

	/**
	 * Adds `tok` to the cache: its word bucket `word`, then its char n-gram buckets in
	 * {@link walk}'s order, each with its weight. Returns its slot in the cache.
	 */
	private fill(cache: TokenCache, tok: string, fw: number): number {
		const { charMinN, charMaxN } = this.settings;
		const mask = this.mask;
		const len = tok.length + 2;
		let count = 1;
		for (let i = 0; i < len; i++) count += Math.max(0, Math.min(charMaxN, len - i) - charMinN + 1);
		const slot = cache.add(tok, fw, count);
		const from = cache.starts[slot] as number;
		const bs = cache.buckets;
		const ws = cache.ws;
		const weights = cache.weights;
		const K = weights.length;
		const word = fw & mask;
		let hb = FNV_OFFSET ^ SEED_BIGRAM;
		for (let i = 0; i < tok.length; i++) hb = step(hb, tok.charCodeAt(i));
		cache.prefixes[slot] = step(hb, 32);
		bs[from] = word;
		let q = from + 1;
		const seedC = FNV_OFFSET ^ SEED_CHAR;
		for (let i = 0; i < len; i++) {
			let h = seedC;
			for (let n = 1; n <= charMaxN && i + n <= len; n++) {
				const j = i + n - 1;
				h = step(h, j === 0 || j === len - 1 ? 32 : tok.charCodeAt(j - 1));
				if (n >= charMinN) bs[q++] = fmix(h) & mask;
			}
		}
		// The weights of each vector in a loop of its own: independent reads, waiting together.
		for (let k = 0; k < K; k++) {
			const w = weights[k] as Float32Array;
			for (let j = from; j < q; j++) ws[j * K + k] = w[bs[j] as number] as number;
		}
		return slot;
	}

	/** The tokens of a raw text under these settings' normalisation. */
	tokens(text: string): string[] {
		return normalizeTokens(text, this.settings.normalize ?? 1);
	}

	/** The feature vector of a raw text (normalised first). */
	vectorize(text: string): SparseVector {
		return this.vectorizeTokens(this.tokens(text));
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

/**
 * {@link Featurizer.dotMany}'s cache of tokens: per token, its entries (the word bucket, then the
 * char n-gram buckets) and their weights in each vector, in two arenas, found through an open-addressing
 * table keyed by the token's word hash. When the table is half full or the arenas are full it
 * starts over: no object per token, nothing for the garbage collector.
 */
class TokenCache {
	buckets = new Int32Array(TOKEN_ARENA);
	/** The weights of entry `q` in each vector `k`, at `q * weights.length + k`. */
	ws: Float32Array;
	private readonly keys: (string | undefined)[] = new Array(TOKEN_SLOTS).fill(undefined);
	readonly starts = new Int32Array(TOKEN_SLOTS);
	readonly lengths = new Int32Array(TOKEN_SLOTS);
	/** The FNV state of a bigram after "token ": what the next token's letters continue. */
	readonly prefixes = new Int32Array(TOKEN_SLOTS);
	private tokens = 0;
	private top = 0;

	constructor(readonly weights: readonly Float32Array[]) {
		this.weights = [...weights];
		this.ws = new Float32Array(TOKEN_ARENA * weights.length);
	}

	/** True when the cache was made for these weight vectors, in this order. */
	holds(weights: readonly Float32Array[]): boolean {
		if (weights.length !== this.weights.length) return false;
		for (let k = 0; k < weights.length; k++) if (weights[k] !== this.weights[k]) return false;
		return true;
	}

	/** The slot of `tok` (whose word hash is `fw`), or -1 when it is not cached. */
	find(tok: string, fw: number): number {
		const keys = this.keys;
		let at = (fw >>> 8) & (TOKEN_SLOTS - 1);
		for (;;) {
			const k = keys[at];
			if (k === undefined) return -1;
			if (k === tok) return at;
			at = (at + 1) & (TOKEN_SLOTS - 1);
		}
	}

	/** A slot for `tok` with room for `count` entries from `starts[slot]` (starting over when full). */
	add(tok: string, fw: number, count: number): number {
		if (2 * (this.tokens + 1) > TOKEN_SLOTS || this.top + count > this.buckets.length) {
			this.keys.fill(undefined);
			this.tokens = 0;
			this.top = 0;
			if (count > this.buckets.length) {
				// One token longer than the arenas (a 100,000-letter word): room for it alone.
				this.buckets = new Int32Array(count);
				this.ws = new Float32Array(count * this.weights.length);
			}
		}
		let at = (fw >>> 8) & (TOKEN_SLOTS - 1);
		while (this.keys[at] !== undefined) at = (at + 1) & (TOKEN_SLOTS - 1);
		this.keys[at] = tok;
		this.starts[at] = this.top;
		this.lengths[at] = count;
		this.top += count;
		this.tokens++;
		return at;
	}
}
