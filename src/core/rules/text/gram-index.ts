import { normalizeText, shingles } from "./similarity.ts";

/** Distinct 3-grams of one query remembered in a reusable open-addressing table (a power of 2). */
const TABLE_BITS = 13;
const TABLE = 1 << TABLE_BITS;

/**
 * An inverted index from character 3-gram to the entries holding it, for a small strings list
 * (a claim list): the highest Jaccard of a text to any entry is found by walking the text's
 * 3-grams once and counting shared ones per entry, with no per-3-gram string, no sort and no
 * allocation per lookup. Gives exactly `similarity` (3-gram Jaccard of normalised texts).
 *
 * 3-grams of code units below 1024 (Latin, Greek, Cyrillic, ...) pack into one small integer
 * (10 bits each); others into an exact 48-bit number.
 * @example
 * const ix = new GramIndex(["the moon landing was staged"]);
 * ix.best(normalizeText("The moon landing was STAGED!"), () => true) // 1
 */
export class GramIndex {
	private readonly postings = new Map<number, number[]>();
	/** Distinct 3-grams per entry. */
	private readonly sizes: Int32Array;
	private readonly shared: Int32Array;
	private readonly touched: number[] = [];
	private readonly keys = new Float64Array(TABLE);
	private readonly stamps = new Int32Array(TABLE);
	private stamp = 0;

	constructor(entries: readonly string[]) {
		this.sizes = new Int32Array(entries.length);
		this.shared = new Int32Array(entries.length);
		entries.forEach((entry, k) => {
			const grams = shingles(normalizeText(entry));
			this.sizes[k] = grams.length;
			for (const g of grams) {
				const code = pack(g);
				const p = this.postings.get(code);
				if (p) p.push(k);
				else this.postings.set(code, [k]);
			}
		});
	}

	/**
	 * The highest Jaccard of the normalised text `norm` to an entry `live(k)` accepts (entries by
	 * their position in the constructor's array); 0 when none shares a 3-gram.
	 */
	best(norm: string, live: (k: number) => boolean): number {
		const n = norm.length;
		const sizes = this.sizes;
		if (n < 3) {
			// A short text is its own shingle: compare the slow, exact way (rare).
			if (!n) {
				for (let k = 0; k < sizes.length; k++) if (sizes[k] === 0 && live(k)) return 1;
				return 0;
			}
			const g = shingles(norm)[0] as number;
			let best = 0;
			for (const k of this.postings.get(pack(g)) ?? []) if (live(k)) best = Math.max(best, 1 / (sizes[k] as number));
			return best;
		}
		if (++this.stamp === 0x7fffffff) {
			this.stamps.fill(0);
			this.stamp = 1;
		}
		const shared = this.shared;
		const touched = this.touched;
		let distinct = 0;
		let a = norm.charCodeAt(0);
		let b = norm.charCodeAt(1);
		for (let i = 2; i < n; i++) {
			const c = norm.charCodeAt(i);
			const code =
				a < 1024 && b < 1024 && c < 1024 ? (a << 20) | (b << 10) | c : 2 ** 30 + a * 2 ** 32 + b * 2 ** 16 + c;
			a = b;
			b = c;
			if (!this.firstTime(code)) continue;
			distinct++;
			const p = this.postings.get(code);
			if (p === undefined) continue;
			for (let j = 0; j < p.length; j++) {
				const k = p[j] as number;
				if (shared[k] === 0) touched.push(k);
				shared[k] = (shared[k] as number) + 1;
			}
		}
		let best = 0;
		for (let t = 0; t < touched.length; t++) {
			const k = touched[t] as number;
			const inter = shared[k] as number;
			shared[k] = 0;
			const s = inter / (distinct + (sizes[k] as number) - inter);
			if (s > best && live(k)) best = s;
		}
		touched.length = 0;
		return best;
	}

	/** True the first time `code` is seen in the current lookup. */
	private firstTime(code: number): boolean {
		const mask = TABLE - 1;
		let h = Math.imul(code | 0, 0x9e3779b1) >>> (32 - TABLE_BITS);
		for (let probes = 0; probes < TABLE; probes++) {
			if (this.stamps[h] !== this.stamp) {
				this.stamps[h] = this.stamp;
				this.keys[h] = code;
				return true;
			}
			if (this.keys[h] === code) return false;
			h = (h + 1) & mask;
		}
		return false; // more distinct 3-grams than the table holds: cannot happen (texts are cut to 2,000)
	}
}

/** A 3-gram as `shingles` packs it (48 bits) to the index's code: small when every unit is below 1024. */
function pack(g: number): number {
	const a = Math.floor(g / 2 ** 32);
	const b = Math.floor(g / 2 ** 16) % 2 ** 16;
	const c = g % 2 ** 16;
	return a < 1024 && b < 1024 && c < 1024 ? (a << 20) | (b << 10) | c : 2 ** 30 + g;
}
