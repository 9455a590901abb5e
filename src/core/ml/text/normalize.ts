/**
 * Text normalisation that undoes common obfuscation before feature extraction: case, Unicode
 * compatibility forms, Cyrillic/Greek look-alikes, l33t digits and symbols, stretched letters,
 * spaced-out letters. Mentions and links become the placeholders `@user` and `url` (the
 * TweetEval convention); emoji are kept, one token each. This file has versions 1 and 2 and the
 * entry points; what all versions share is in `normalize-common.ts`, version 3 in `normalize-v3.ts`.
 *
 * @example
 * normalizeTokens("F u c k   y0u @bob!!! http://x.io 😡") // ["fuck", "you", "@user", "!", "url", "😡"]
 */

import {
	foldChar,
	HAS_LETTER,
	K_DIGIT,
	K_LETTER,
	K_MENTION,
	K_PICT,
	K_RUN,
	kindOf,
	LEET,
	MORE_HOMOGLYPH_RE,
	MORE_HOMOGLYPHS,
	NOT_PLAIN_ASCII,
	normalizeWord,
	TOKEN_RE,
	URL_RE,
	URL_TOKEN,
	USER,
} from "./normalize-common.ts";
import { normalizeTokensV3, normalizeTokensV3Reference, prepareV3 } from "./normalize-v3.ts";

export { prepareV3, URL_TOKEN, USER };

/**
 * Which normalisation a model was trained with (`features.normalize` in its model.json; absent
 * means 1). Version 1 is the one above. Version 2 first undoes more obfuscation ({@link prepareV2})
 * and then does the same. Version 3 ({@link prepareV3}, then its own tokeniser; `normalize-v3.ts`)
 * reads obfuscated words against word counts (`vocabulary.ts`, `words-v3.ts`): spaced-out runs
 * split into words, `1`/`8`/`9`/edge `!`/`|`/stretched letters read as the most frequent known
 * word, `@` + a known word is the word. A model is only ever scored with its own version:
 * changing a version (or the word list version 3 reads) would change the shipped models' scores.
 * @example normalizeTokens("y o u a r e a n 1d10t", 3) // ["you", "are", "an", "idiot"]
 */
export type NormalizeVersion = 1 | 2 | 3;
export const NORMALIZE_VERSIONS: readonly NormalizeVersion[] = [1, 2, 3];

/** Emoji (with skin tones, variation selectors and joiners) between two letters of one word: "fu😡ck". */
const IN_WORD_EMOJI = /(?<=\p{L})(?:\p{Extended_Pictographic}|[\u{1F3FB}-\u{1F3FF}]|\u200d|\ufe0f)+(?=\p{L})/gu;
/** A letter written three times or more: "stuuuupid", "fuuuuck". */
const RUN_OF_THREE = /(\p{L})\1{2,}/gu;

/**
 * Version 2's first pass over the raw text: emoji inside a word are dropped ("fu😡ck" -> "fuck"),
 * runs of three or more of a letter become one ("stuuuupid" -> "stupid"; version 1 keeps two,
 * which leaves "stuupid"), and a few more look-alikes are folded.
 * @example prepareV2("Fu😡ck you sooooo stuuuupid") // "fuck you so stupid"
 */
export function prepareV2(text: string): string {
	let s = (NOT_PLAIN_ASCII.test(text) ? text.normalize("NFKC") : text).toLowerCase();
	if (NOT_PLAIN_ASCII.test(s))
		s = s.replace(IN_WORD_EMOJI, "").replace(MORE_HOMOGLYPH_RE, (c) => MORE_HOMOGLYPHS[c] as string);
	return s.replace(RUN_OF_THREE, "$1");
}

/** {@link normalizeWord} with the common case (plain a-z, no run of three) checked by a loop. */
function normalizeWordFast(raw: string): string {
	let plain = raw.length > 0;
	for (let i = 0; i < raw.length; i++) {
		const c = raw.charCodeAt(i);
		if (c < 97 || c > 122 || (i >= 2 && c === raw.charCodeAt(i - 1) && c === raw.charCodeAt(i - 2))) {
			plain = false;
			break;
		}
	}
	return plain ? raw : (normalizeAsciiWord(raw) ?? normalizeWord(raw));
}

/** ASCII codes: 1 for the edge punctuation EDGE_PUNCT strips, 2 for SPLIT_SPELLING's separators. */
const ASCII_PUNCT = new Uint8Array(128);
for (const c of ".-_'*!|") ASCII_PUNCT[c.charCodeAt(0)] = 1;
for (const c of ".-_*") ASCII_PUNCT[c.charCodeAt(0)] = (ASCII_PUNCT[c.charCodeAt(0)] as number) | 2;
/** LEET by code: the letter's code, or 0. */
const LEET_CODE = new Uint8Array(128);
for (const [k, v] of Object.entries(LEET)) LEET_CODE[k.charCodeAt(0)] = v.charCodeAt(0);

/**
 * {@link normalizeWord} of an ASCII word in one loop, without regular expressions: undefined
 * when the word is not ASCII or might be spelled out ("f.u.c.k"), for normalizeWord to do.
 * Homoglyphs are never ASCII, so only l33t folding applies.
 */
function normalizeAsciiWord(raw: string): string | undefined {
	const len = raw.length;
	for (let k = 0; k < len; k++) if (raw.charCodeAt(k) >= 128) return undefined;
	if (len >= 5 && (ASCII_PUNCT[raw.charCodeAt(1)] as number) & 2) return undefined;
	let i = 0;
	let j = len;
	while (i < j && (ASCII_PUNCT[raw.charCodeAt(i)] as number) & 1) i++;
	while (j > i && (ASCII_PUNCT[raw.charCodeAt(j - 1)] as number) & 1) j--;
	if (i === j) return raw.includes("!") ? "!" : "";
	let digits = 0;
	let letter = false;
	for (let k = i; k < j; k++) {
		const c = raw.charCodeAt(k);
		if (c >= 48 && c <= 57) digits++;
		else if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) letter = true;
	}
	const leet = letter && (digits * 2 <= j - i || j - i <= 6);
	// Fold, drop . ' _, and cap runs at two, as the three steps of normalizeWord do one by one.
	let out = "";
	let last = -1;
	let before = -1;
	for (let k = i; k < j; k++) {
		let c = raw.charCodeAt(k);
		if (leet) {
			const l = LEET_CODE[c] as number;
			if (l !== 0) c = l;
		}
		if (c === 46 || c === 39 || c === 95 || (c === last && c === before)) continue;
		before = last;
		last = c;
		out += String.fromCharCode(c);
	}
	return out;
}

const SINGLE_SPLIT = /[$@|*!]/u;

/**
 * The normalised tokens of a text (see the module comment): one pass over code points with a
 * class table instead of the token regex; the same output as {@link normalizeTokensReference}.
 */
export function normalizeTokens(text: string, version: NormalizeVersion = 1): string[] {
	// Apart, so that one version's calls do not slow the other's compiled code.
	return version === 3 ? normalizeTokensV3(text) : normalizeTokensV12(text, version);
}

function normalizeTokensV12(text: string, version: NormalizeVersion): string[] {
	if (version === 2) text = prepareV2(text);
	const s = (NOT_PLAIN_ASCII.test(text) ? text.normalize("NFKC") : text).toLowerCase().replace(URL_RE, " \u0000 ");
	const out: string[] = [];
	// "f u c k", "y 0 u": runs of three or more single letters (or l33t digits) are one word.
	const singles: string[] = [];
	let singleLetters = 0;
	const flush = () => {
		if (singles.length === 0) return;
		if (singles.length >= 3 && singleLetters >= 2) {
			let w = "";
			for (const c of singles) w += foldChar(c, true);
			out.push(w);
		} else for (const c of singles) out.push(normalizeWord(c));
		singles.length = 0;
		singleLetters = 0;
	};
	const len = s.length;
	let i = 0;
	while (i < len) {
		const cp = s.codePointAt(i) as number;
		if (cp === 0) {
			// A link: the reference splits on NUL and emits URL between the parts.
			flush();
			out.push(URL_TOKEN);
			i++;
			continue;
		}
		const w = cp > 0xffff ? 2 : 1;
		const k = kindOf(cp);
		let j: number;
		let pict = false;
		if (cp === 64 && i + 1 < len && kindOf(s.codePointAt(i + 1) as number) & K_MENTION) {
			j = i + 1;
			while (j < len) {
				const c = s.codePointAt(j) as number;
				if (!(kindOf(c) & K_MENTION)) break;
				j += c > 0xffff ? 2 : 1;
			}
		} else if (k & K_PICT) {
			j = i + w;
			pict = true;
		} else if (k & K_RUN) {
			j = i + w;
			while (j < len) {
				const c = s.codePointAt(j) as number;
				if (!(kindOf(c) & K_RUN)) break;
				j += c > 0xffff ? 2 : 1;
			}
		} else if (cp === 63 /* ? */) {
			j = i + 1;
		} else {
			i += w;
			continue;
		}
		const t = s.slice(i, j);
		i = j;
		if (t.length === 1 && k & (K_LETTER | K_DIGIT)) {
			singles.push(t);
			if (k & K_LETTER) singleLetters++;
			continue;
		}
		let tok: string;
		if (cp === 64 && t.length > 1 && !SINGLE_SPLIT.test(t.slice(1))) tok = USER;
		else if (t === "!" || t === "?") tok = t;
		else if (pict) tok = t;
		else tok = normalizeWordFast(t);
		if (tok === "") continue;
		flush();
		out.push(tok);
	}
	flush();
	return out;
}

/** The original regex implementation of {@link normalizeTokens}, kept as the reference it is tested against. */
export function normalizeTokensReference(text: string, version: NormalizeVersion = 1): string[] {
	if (version === 3) return normalizeTokensV3Reference(text);
	if (version === 2) text = prepareV2(text);
	const s = (NOT_PLAIN_ASCII.test(text) ? text.normalize("NFKC") : text).toLowerCase().replace(URL_RE, " \u0000 ");
	const out: string[] = [];
	// "f u c k", "y 0 u": runs of three or more single letters (or l33t digits) are one word.
	let singles: string[] = [];
	const flush = () => {
		const letters = singles.filter((c) => HAS_LETTER.test(c)).length;
		if (singles.length >= 3 && letters >= 2) out.push(singles.map((c) => foldChar(c, true)).join(""));
		else for (const c of singles) out.push(normalizeWord(c));
		singles = [];
	};
	const parts = s.split("\u0000");
	for (let p = 0; p < parts.length; p++) {
		if (p > 0) {
			flush();
			out.push(URL_TOKEN);
		}
		for (const m of (parts[p] as string).matchAll(TOKEN_RE)) {
			const t = m[0];
			if (t.length === 1 && (HAS_LETTER.test(t) || /[0-9]/u.test(t))) {
				singles.push(t);
				continue;
			}
			let tok: string;
			if (t.charCodeAt(0) === 64 /* @ */ && t.length > 1 && !/[$@|*!]/u.test(t.slice(1))) tok = USER;
			else if (t === "!" || t === "?") tok = t;
			else if (/^\p{Extended_Pictographic}$/u.test(t)) tok = t;
			else tok = normalizeWord(t);
			if (tok === "") continue;
			flush();
			out.push(tok);
		}
	}
	flush();
	return out;
}

/** The normalised text: its tokens joined by single spaces. */
export function normalize(text: string, version: NormalizeVersion = 1): string {
	return normalizeTokens(text, version).join(" ");
}
