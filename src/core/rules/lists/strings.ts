import { GramIndex } from "../text/gram-index.ts";
import { jaccard, jaccardBound, normalizeText, shingles } from "../text/similarity.ts";
import type { ListKind } from "../types.ts";
import { expiryOf, type MutableList } from "./ports.ts";

/** Candidates compared per similarity lookup on a large list. */
const MAX_CANDIDATES = 256;
/** Rarest query words used to find candidates. */
const PROBE_WORDS = 8;
/** Below this size a similarity lookup compares every entry. */
const SCAN_BELOW = 64;
/** Entries whose 3-gram sets are kept between lookups (the cache is emptied when full). */
const SHINGLE_CACHE = 20_000;

/**
 * Exact strings (`strings`) or hashes (`hashes`, compared case-insensitively). A strings list
 * also answers "how similar is this text to the closest entry" (claim matching): an inverted
 * index of entry words picks candidates sharing the text's rarest words, then 3-gram Jaccard
 * ranks them, so a lookup does not scan a 100k-entry list.
 */
export class StringList implements MutableList {
	private readonly items = new Map<string, number>();
	private index: Map<string, string[]> | undefined;
	private readonly shingled = new Map<string, Float64Array>();
	/**
	 * The last lookup, answered again for the same text at the same time while the list is
	 * unchanged: one event asks twice when a feature's filter and a rule read the same claim
	 * match (measured: similarity was a tenth of the event path with the default pack).
	 */
	private last: { text: string; at: number; version: number; best: number } | undefined;
	private version = 0;
	/** A small list's 3-gram index and the entries it numbers, as of `version`. */
	private grams: { version: number; entries: string[]; index: GramIndex } | undefined;

	constructor(readonly kind: ListKind & ("strings" | "hashes")) {}

	get size(): number {
		return this.items.size;
	}

	normalize(value: string): { ok: true; key: string } | { ok: false; message: string } {
		if (this.kind === "hashes") {
			const h = value.trim().toLowerCase();
			return h && !/\s/.test(h) ? { ok: true, key: h } : { ok: false, message: `\`${value}\` is not a hash` };
		}
		return value.length ? { ok: true, key: value } : { ok: false, message: "an empty string" };
	}

	put(key: string, expiresAt: number | null): void {
		this.items.set(key, expiryOf(expiresAt));
		this.index = undefined;
		this.version++;
	}

	delete(key: string): boolean {
		const n = this.normalize(key);
		const gone = n.ok && this.items.delete(n.key);
		if (gone) {
			this.index = undefined;
			this.version++;
		}
		return gone;
	}

	has(value: string, at: number): boolean {
		const exp = this.items.get(this.kind === "hashes" ? value.trim().toLowerCase() : value);
		return exp !== undefined && exp > at;
	}

	maxSimilarity(text: string, at: number): number {
		const last = this.last;
		if (last && last.text === text && last.at === at && last.version === this.version) return last.best;
		const best = this.items.size < SCAN_BELOW ? this.smallBest(text, at) : this.largeBest(text, at);
		this.last = { text, at, version: this.version, best };
		return best;
	}

	/** A small list: every entry, through its 3-gram index. */
	private smallBest(text: string, at: number): number {
		let g = this.grams;
		if (!g || g.version !== this.version) {
			const entries = [...this.items.keys()];
			g = { version: this.version, entries, index: new GramIndex(entries) };
			this.grams = g;
		}
		this.liveAt = at;
		return g.index.best(normalizeText(text), this.live);
	}

	/** The time `live` judges expiry at (set before each lookup). */
	private liveAt = 0;
	/** Whether the small list's entry number `k` is in force at `liveAt` (one function, not one per lookup). */
	private readonly live = (k: number): boolean => {
		const exp = this.items.get(this.grams?.entries[k] as string);
		return exp !== undefined && exp > this.liveAt;
	};

	/** A large list: candidates sharing the text's rarest words, compared one by one. */
	private largeBest(text: string, at: number): number {
		const q = shingles(normalizeText(text));
		let best = 0;
		for (const entry of this.candidates(text)) {
			const exp = this.items.get(entry);
			if (exp === undefined || exp <= at) continue;
			const e = this.shinglesOf(entry);
			if (jaccardBound(q.length, e.length) <= best) continue;
			const s = jaccard(q, e);
			if (s > best) best = s;
		}
		return best;
	}

	sweep(at: number): number {
		let n = 0;
		for (const [k, exp] of this.items)
			if (exp <= at) {
				this.items.delete(k);
				n++;
			}
		if (n) {
			this.index = undefined;
			this.version++;
		}
		return n;
	}

	private shinglesOf(entry: string): Float64Array {
		let s = this.shingled.get(entry);
		if (!s) {
			if (this.shingled.size >= SHINGLE_CACHE) this.shingled.clear();
			s = shingles(normalizeText(entry));
			this.shingled.set(entry, s);
		}
		return s;
	}

	private candidates(text: string): Iterable<string> {
		const index = this.buildIndex();
		const postings = [...new Set(normalizeText(text).split(" "))]
			.filter((w) => w.length >= 3)
			.map((w) => index.get(w))
			.filter((p): p is string[] => !!p)
			.sort((a, b) => a.length - b.length)
			.slice(0, PROBE_WORDS);
		const out = new Set<string>();
		for (const p of postings)
			for (const e of p) {
				if (out.size >= MAX_CANDIDATES) return out;
				out.add(e);
			}
		return out;
	}

	private buildIndex(): Map<string, string[]> {
		if (this.index) return this.index;
		const index = new Map<string, string[]>();
		for (const entry of this.items.keys())
			for (const w of new Set(normalizeText(entry).split(" "))) {
				if (w.length < 3) continue;
				const p = index.get(w);
				if (p) p.push(entry);
				else index.set(w, [entry]);
			}
		this.index = index;
		return index;
	}
}
