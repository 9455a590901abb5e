/**
 * The word knowledge of normalisation version 3: unigram counts from the TweetEval train files
 * (`words-v3.ts`, frozen), used to choose between the spellings an obfuscated word could stand
 * for ("k1ll" is "kill", not "kiil"; "gooood" is "good") and to split a run of spaced-out letters
 * into words ("y o u a r e" is "you are").
 *
 * @example
 * segmentRun([..."youareastupid"], [-1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]) // ["you", "are", "a", "stupid"]
 * bestSpelling(spellings("ki11")) // "kill"
 */
import { WORDS_V3, WORDS_V3_TOTAL } from "./words-v3.ts";

let table: Map<string, number> | undefined;

function words(): Map<string, number> {
	if (table !== undefined) return table;
	table = new Map();
	for (const line of WORDS_V3.split("\n")) {
		const parts = line.split(" ");
		const c = Number(parts[0]);
		for (let i = 1; i < parts.length; i++) table.set(parts[i] as string, c);
	}
	return table;
}

/** How often `w` was seen (0 for a word seen once or never, or anything not plain a-z). */
export function wordCount(w: string): number {
	return words().get(w) ?? 0;
}

const LOG_TOTAL = Math.log(WORDS_V3_TOTAL);
/** Log-probability of an unknown piece of `n` letters: less likely than any known word, more so the longer it is. */
const unknownScore = (n: number): number => -LOG_TOTAL - 1 - 2.3 * n;
const score = (w: string): number => {
	const c = wordCount(w);
	return c > 0 ? Math.log(c) - LOG_TOTAL : unknownScore(w.length);
};

/**
 * Characters that stand for more than one letter, with their readings (the first is what version
 * 1 reads): `1` is i or l, `8` b, `9` g; in a run of spaced-out letters `!` and `|` may be
 * punctuation ("" drops them).
 */
const READINGS: Record<string, readonly string[]> = {
	"1": ["i", "l"],
	"8": ["8", "b"],
	"9": ["9", "g"],
	"\u0001": ["", "i"], // "!" in a run of single letters
	"\u0002": ["", "l"], // "|" in a run of single letters
};
/** At most this many ambiguous characters and stretched runs are expanded; the rest get the first reading. */
const MAX_CHOICES = 4;
const MAX_RUNS = 3;

/**
 * The spellings `s` can stand for, the default first (first readings, runs of three or more of a
 * letter squeezed to one): every reading of its ambiguous characters, and runs of three or more
 * letters as one or two.
 * @example spellings("ki11") // ["kiii"→"ki", ...] then "kil", "kill", ...
 */
export function spellings(s: string): string[] {
	if (!ambiguous(s) && !RUN3.test(s)) return [s];
	let out = [""];
	let choices = 0;
	for (const c of s) {
		const r = READINGS[c];
		if (r === undefined) {
			for (let k = 0; k < out.length; k++) out[k] += c;
		} else if (choices >= MAX_CHOICES) {
			for (let k = 0; k < out.length; k++) out[k] += r[0] as string;
		} else {
			choices++;
			const next: string[] = [];
			for (const o of out) for (const x of r as readonly string[]) next.push(o + x);
			out = next;
		}
	}
	const all: string[] = [];
	for (const o of out) for (const v of squeezes(o)) if (!all.includes(v)) all.push(v);
	return all;
}

const RUN3 = /(.)\1\1/;
/** True when `s` has a character of {@link READINGS}. */
function ambiguous(s: string): boolean {
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		if (c === 49 || c === 56 || c === 57 || c === 1 || c === 2) return true;
	}
	return false;
}

/** `s` with each run of three or more of a letter as one, then as two (the first run's choices vary last). */
function squeezes(s: string): string[] {
	if (!RUN3.test(s)) return [s];
	const parts = s.match(/(.)\1*/gsu) ?? [];
	let out = [""];
	let runs = 0;
	for (const p of parts) {
		const c = p[0] as string;
		if (p.length < 3) {
			for (let k = 0; k < out.length; k++) out[k] += p;
		} else if (runs >= MAX_RUNS) {
			for (let k = 0; k < out.length; k++) out[k] += c;
		} else {
			runs++;
			const next: string[] = [];
			for (const o of out) next.push(o + c, o + c + c);
			out = next;
		}
	}
	return out;
}

/** The spelling seen most often (the first among equals); the first spelling when none was seen. */
export function bestSpelling(candidates: readonly string[]): string {
	let best = candidates[0] as string;
	let most = 0;
	for (const w of candidates) {
		const c = wordCount(w);
		if (c > most) {
			most = c;
			best = w;
		}
	}
	return best;
}

/** Longest word tried when splitting, and longest run split at all (longer runs are one word). */
const MAX_WORD = 24;
const MAX_RUN = 64;
/** Cost of a word whose letters were spaced unevenly ("y  o  u p i s s": "you" has the wide gaps). */
const GAP_COST = 6;

/** The best spelling of a piece and its log-probability. */
function pieceScore(piece: string): { w: string; s: number } {
	if (piece === "") return { w: "", s: 0 };
	let best = "";
	let top = Number.NEGATIVE_INFINITY;
	for (const w of spellings(piece)) {
		// "!" or "|" read as punctuation: nothing, at no cost.
		if (w === "") return { w: "", s: 0 };
		const v = score(w);
		if (v > top) {
			top = v;
			best = w;
		}
	}
	return best === "" ? { w: "", s: 0 } : { w: best, s: top };
}

/**
 * The most likely words of a run of spaced-out characters (each one letter, or a character with
 * several {@link READINGS}), with `gaps[k]` the width of the space before character k (-1 unknown):
 * a word's characters are spaced evenly.
 * @example segmentRun([..."youare"], [0, 1, 1, 1, 1, 1]) // ["you", "are"]
 */
export function segmentRun(chars: readonly string[], gaps: readonly number[]): string[] {
	const n = chars.length;
	if (n > MAX_RUN) return [pieceScore(chars.join("")).w];
	const best = new Float64Array(n + 1).fill(Number.NEGATIVE_INFINITY);
	const from = new Int32Array(n + 1);
	const words: string[] = new Array(n + 1).fill("");
	best[0] = 0;
	for (let i = 1; i <= n; i++) {
		let piece = "";
		let gap = -1;
		let even = true;
		// Pieces chars[j..i), grown leftwards.
		for (let j = i - 1; j >= 0 && i - j <= MAX_WORD; j--) {
			piece = chars[j] + piece;
			if (j + 1 < i) {
				const g = gaps[j + 1] as number;
				if (g >= 0) {
					if (gap < 0) gap = g;
					else if (g !== gap) even = false;
				}
			}
			const p = pieceScore(piece);
			const v = (best[j] as number) + p.s - (even ? 0 : GAP_COST);
			if (v > (best[i] as number)) {
				best[i] = v;
				from[i] = j;
				words[i] = p.w;
			}
		}
	}
	const out: string[] = [];
	for (let i = n; i > 0; i = from[i] as number) if (words[i] !== "") out.push(words[i] as string);
	return out.reverse();
}
