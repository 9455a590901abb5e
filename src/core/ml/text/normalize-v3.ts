/**
 * Normalisation version 3 (see `NormalizeVersion` in `normalize.ts`): obfuscated words read
 * against word counts (`vocabulary.ts`, `words-v3.ts`). Spaced-out runs are split into words
 * rather than joined into one, `1`/`8`/`9`/edge `!`/`|`/stretched letters are read as the most
 * frequent known word, and `@` + a known word is the word. Two tokenisers feed one token stream
 * ({@link TokensV3}): the single-pass one that is served and the regex one it is tested against.
 * @example normalizeTokensV3("y o u a r e a n 1d10t") // ["you", "are", "an", "idiot"]
 */
import {
	foldChar,
	HAS_LETTER,
	K_DIGIT,
	K_LETTER,
	K_LN,
	K_MENTION,
	K_PICT,
	K_RUN,
	kindOf,
	MORE_HOMOGLYPH_RE,
	MORE_HOMOGLYPHS,
	NOT_PLAIN_ASCII,
	normalizeWord,
	PLAIN,
	STRETCHED,
	TOKEN_RE,
	URL_RE,
	URL_TOKEN,
	USER,
} from "./normalize-common.ts";
import { bestSpelling, segmentRun, spellings, wordCount } from "./vocabulary.ts";

/** Version 3's in-word emoji: between two letters, digits or l33t symbols ("5tu😡p1d"). */
const IN_WORD_EMOJI_V3 =
	/(?<=[\p{L}\p{N}$@|!])(?:\p{Extended_Pictographic}|[\u{1F3FB}-\u{1F3FF}]|\u200d|\ufe0f)+(?=[\p{L}\p{N}$@|!])/gu;

/**
 * Version 3's first pass: version 2's without squeezing letter runs (version 3 reads a run of
 * three or more as one letter or two, whichever makes a known word: "gooood" is "good").
 */
export function prepareV3(text: string): string {
	const s = (NOT_PLAIN_ASCII.test(text) ? text.normalize("NFKC") : text).toLowerCase();
	if (!NOT_PLAIN_ASCII.test(s)) return s;
	const t = HAS_EMOJI.test(s) ? s.replace(IN_WORD_EMOJI_V3, "") : s;
	return t.replace(MORE_HOMOGLYPH_RE, (c) => MORE_HOMOGLYPHS[c] as string);
}

const HAS_EMOJI = /\p{Extended_Pictographic}|[\u{1F3FB}-\u{1F3FF}]|\u200d|\ufe0f/u;
/** A word's leading and trailing punctuation, and its core. */
const EDGES_V3 = /^([.\-_'’*!|]*)(.*?)([.\-_'’*!|]*)$/su;
const SPELLED_SEP = /[.\-_*]/u;
const SPELLED_SPLIT = /[.\-_*'’]+/u;
/** What {@link normalizeWordV3} returns before a character it reads as one spaced-out letter. */
const SINGLE_MARK = "\u0001";
/** `!` and `|` as letters at a word's edge: "!diot", "ki||". */
const EDGE_LETTERS = /^[!|]{1,2}$/u;
const foldEdge = (e: string): string => e.replace(/!/gu, "i").replace(/\|/gu, "l");

/**
 * Version 3's reading of one raw word token (lower case, after {@link prepareV3}); returns
 * SINGLE_MARK + c when the word is one letter or digit `c` with punctuation ("d!!!", "'t"), for
 * the caller to treat as a spaced-out letter, and "" when nothing is left. Differences from
 * version 1: a spelled-out word may have l33t letters and apostrophes ("5.t.u.p.1.d",
 * "d-o-n-'-t"); `1`, `8`, `9` and runs of three or more letters are read the way that makes the
 * most frequent known word ("k1ll", "8itch", "gooood"; unknown: `1` is i, runs one letter); `!`
 * and `|` at an edge are letters when that makes a more frequent word ("!diot", "ki||").
 */
function normalizeWordV3(raw: string): string {
	// Most words are a-z (perhaps with an apostrophe) without a run of three: checked by a loop.
	let quotes = 0;
	let plain = raw.length > 0;
	for (let i = 0; i < raw.length; i++) {
		const c = raw.charCodeAt(i);
		if (c === 39 || c === 0x2019) quotes++;
		else if (c < 97 || c > 122 || (i >= 2 && c === raw.charCodeAt(i - 1) && c === raw.charCodeAt(i - 2))) {
			plain = false;
			break;
		}
	}
	if (plain && quotes === 0) return raw;
	raw = raw.replace(APOSTROPHES, "");
	if (plain && raw.length > 1 && !STRETCHED.test(raw)) return raw;
	const m = EDGES_V3.exec(raw) as RegExpExecArray;
	const lead = m[1] as string;
	const trail = m[3] as string;
	let core = m[2] as string;
	if (core === "") return raw.includes("!") ? "!" : "";
	// "you." and "--ok": a plain core between punctuation that cannot be letters is the word.
	if (
		core.length > 1 &&
		!EDGE_LETTERS.test(lead) &&
		!EDGE_LETTERS.test(trail) &&
		PLAIN.test(core) &&
		!STRETCHED.test(core)
	)
		return core;
	if (SPELLED_SEP.test(core)) {
		const parts = core.split(SPELLED_SPLIT);
		if (parts.length >= 3 && parts.every((p) => p.length === 1)) core = parts.join("");
	}
	const l = EDGE_LETTERS.test(lead) ? foldEdge(lead) : "";
	const t = EDGE_LETTERS.test(trail) ? foldEdge(trail) : "";
	if (core.length === 1) {
		// "!m" is "im"; "d!!!" is the letter d.
		if (l !== "" || t !== "") {
			const w = bestSpelling([core, ...spellings(l + foldLeet(core) + t)]);
			if (w.length > 1 && wordCount(w) > 0) return w;
		}
		return kindOf(core.charCodeAt(0)) & (K_LETTER | K_DIGIT) ? SINGLE_MARK + core : core;
	}
	let digits = 0;
	for (let i = 0; i < core.length; i++) {
		const c = core.charCodeAt(i);
		if (c >= 48 && c <= 57) digits++;
	}
	const leet = HAS_LETTER.test(core) && (digits * 2 <= core.length || core.length <= 6);
	if (!leet) {
		// Mostly digits ("4n07h3r", "!75", "937") is a word only when its l33t reading is a known
		// one; digits alone only for a common word as long as they are ("700" is too; "15" stays).
		let plain = "";
		for (const c of core) plain += foldChar(c, false);
		plain = plain.replace(/[._]/gu, "").replace(/(.)\1{2,}/gu, "$1$1");
		const read = foldLeet(core);
		const candidates = spellings(read);
		if (l !== "") candidates.push(...spellings(l + read));
		if (t !== "") candidates.push(...spellings(read + t));
		const w = bestSpelling(candidates);
		const n = wordCount(w);
		if (HAS_LETTER.test(core) || SYMBOL.test(core) || l !== "" || t !== "") return n > 0 ? w : plain;
		return n >= DIGIT_WORD && w.length === core.length && core.length >= 3 ? w : plain;
	}
	const folded = foldLeet(core);
	const candidates = spellings(folded);
	if (l !== "") candidates.push(...spellings(l + folded));
	if (t !== "") candidates.push(...spellings(folded + t));
	if (l !== "" && t !== "") candidates.push(...spellings(l + folded + t));
	return candidates.length === 1 ? (candidates[0] as string) : bestSpelling(candidates);
}

const APOSTROPHES = /['’]/gu;
const SYMBOL = /[$@|!]/u;
/** How often a word must have been seen for a token of digits alone to be read as it. */
const DIGIT_WORD = 50;

/** A word's l33t reading with `1` left ambiguous (see {@link spellings}), without . and _. */
function foldLeet(core: string): string {
	let folded = "";
	for (const c of core) folded += c === "1" ? c : foldChar(c, true);
	return folded.replace(/[._]/gu, "");
}

/** A single character of a spaced-out run, as {@link spellings} reads it. */
function foldSingle(c: string): string {
	if (c === "!") return "\u0001";
	if (c === "|") return "\u0002";
	if (c === "1") return c;
	return foldChar(c, true);
}

const SINGLE_SYMBOLS = "$@!|";

/**
 * Version 3's token stream, fed by either tokeniser: runs of single characters (spaced-out
 * letters, l33t digits and symbols) are split into the most likely words rather than joined into
 * one ("y o u a r e" is "you are"); an emoji inside such a run is dropped, as inside a word.
 */
class TokensV3 {
	out: string[] = [];
	private readonly singles: string[] = [];
	/** The width of the gap before each single (-1 when something was dropped there). */
	private readonly gaps: number[] = [];
	private lastEnd = 0;
	private unknownGap = false;
	/** Emoji met during a run: where in it (singles before) and the emoji. */
	private readonly emoji: { at: number; e: string }[] = [];

	/** Starts a new text (the fast tokeniser reuses one instance: no allocation but the output). */
	reset(): this {
		this.out = [];
		this.singles.length = 0;
		this.gaps.length = 0;
		this.emoji.length = 0;
		this.unknownGap = false;
		return this;
	}

	url(): void {
		this.flush();
		this.out.push(URL_TOKEN);
	}

	pict(e: string): void {
		if (this.singles.length > 0) {
			this.emoji.push({ at: this.singles.length, e });
			this.unknownGap = true;
		} else this.out.push(e);
	}

	/** A raw word token (not a mention, emoji, link or ?) at [start, end) of the text. */
	word(t: string, start: number, end: number): void {
		if (t.length === 1 && (kindOf(t.charCodeAt(0)) & (K_LETTER | K_DIGIT) || SINGLE_SYMBOLS.includes(t))) {
			this.single(t, start, end);
			return;
		}
		const tok = normalizeWordV3(t);
		if (tok.charCodeAt(0) === 1) this.single(tok.slice(1), start, end);
		else if (tok === "") this.unknownGap = true;
		else this.token(tok);
	}

	private single(c: string, start: number, end: number): void {
		this.gaps.push(this.singles.length === 0 || this.unknownGap ? -1 : start - this.lastEnd);
		this.singles.push(c);
		this.lastEnd = end;
		this.unknownGap = false;
	}

	/** A finished token. */
	token(tok: string): void {
		if (tok === "") return;
		if (this.singles.length > 0) this.flush();
		this.out.push(tok);
	}

	flush(): void {
		const singles = this.singles;
		const n = singles.length;
		if (n === 0) return;
		let end = n;
		while (end > 0 && singles[end - 1] === "!") end--;
		let letters = 0;
		for (let k = 0; k < end; k++) if (HAS_LETTER.test(singles[k] as string)) letters++;
		const out = this.out;
		if (end >= 3 && letters >= 2) {
			const chars: string[] = [];
			for (let k = 0; k < end; k++) chars.push(foldSingle(singles[k] as string));
			for (const w of segmentRun(chars, this.gaps)) out.push(w);
			for (let k = end; k < n; k++) out.push("!");
			for (const { at, e } of this.emoji) if (at >= end) out.push(e);
		} else {
			let q = 0;
			for (let k = 0; k <= n; k++) {
				while (q < this.emoji.length && (this.emoji[q] as { at: number }).at === k)
					out.push(this.emoji[q++]?.e as string);
				if (k === n) break;
				const w = normalizeWord(singles[k] as string);
				if (w !== "") out.push(w);
			}
		}
		singles.length = 0;
		this.gaps.length = 0;
		this.emoji.length = 0;
		this.unknownGap = false;
	}
}

/**
 * A mention-like token in version 3 ("@" and letters, digits, _): the placeholder, unless `run`
 * (the whole word from the "@" on, l33t symbols included) read as a l33t word is a known one
 * ("@ss", "@sshole"). Mentions in the data are all `@user` already.
 * @returns the word, or undefined for a mention
 */
function mentionWordV3(run: string): string | undefined {
	if (run.startsWith(USER) && (run.length === USER.length || !(kindOf(run.charCodeAt(USER.length)) & K_LN)))
		return undefined;
	const w = normalizeWordV3(run);
	return w.charCodeAt(0) !== 1 && wordCount(w) > 0 ? w : undefined;
}

const SHARED_V3 = new TokensV3();

/** {@link normalizeTokens} for version 3: the single-pass tokeniser. */
export function normalizeTokensV3(text: string): string[] {
	const s = prepareV3(text).replace(URL_RE, " \u0000 ");
	const acc = SHARED_V3.reset();
	const len = s.length;
	let i = 0;
	while (i < len) {
		const cp = s.codePointAt(i) as number;
		if (cp === 0) {
			acc.url();
			i++;
			continue;
		}
		const w = cp > 0xffff ? 2 : 1;
		const k = kindOf(cp);
		if (k & K_PICT) {
			acc.pict(s.slice(i, i + w));
			i += w;
			continue;
		}
		if (cp === 63 /* ? */) {
			acc.token("?");
			i++;
			continue;
		}
		if (!(k & K_RUN)) {
			i += w;
			continue;
		}
		// The word's end, and whether it is plain a-z without a run of three (most words).
		let j = i + w;
		let plain = cp >= 97 && cp <= 122;
		while (j < len) {
			const c = s.codePointAt(j) as number;
			if (!(kindOf(c) & K_RUN)) break;
			if (plain && (c < 97 || c > 122 || (j >= i + 2 && c === s.charCodeAt(j - 1) && c === s.charCodeAt(j - 2))))
				plain = false;
			j += c > 0xffff ? 2 : 1;
		}
		if (plain && j - i > 1) {
			acc.token(s.slice(i, j));
			i = j;
			continue;
		}
		if (cp === 64 && i + 1 < len && kindOf(s.codePointAt(i + 1) as number) & K_MENTION) {
			const word = mentionWordV3(s.slice(i, j));
			if (word !== undefined) {
				acc.token(word);
				i = j;
				continue;
			}
			// A mention: "@" and its letters, digits and _ (the rest is read on its own).
			j = i + 1;
			while (j < len) {
				const c = s.codePointAt(j) as number;
				if (!(kindOf(c) & K_MENTION)) break;
				j += c > 0xffff ? 2 : 1;
			}
			acc.token(USER);
			i = j;
			continue;
		}
		acc.word(s.slice(i, j), i, j);
		i = j;
	}
	acc.flush();
	return acc.out;
}

/** A run of word characters (what the fast tokeniser's K_RUN covers), from a position. */
const WORD_RUN = /[\p{L}\p{N}$@|*'’.\-_!]+/uy;

/** {@link normalizeTokensReference} for version 3: the regex tokeniser. */
export function normalizeTokensV3Reference(text: string): string[] {
	const s = prepareV3(text).replace(URL_RE, " \u0000 ");
	const acc = new TokensV3();
	const parts = s.split("\u0000");
	for (let p = 0; p < parts.length; p++) {
		if (p > 0) acc.url();
		const part = parts[p] as string;
		const re = new RegExp(TOKEN_RE.source, "gu");
		for (let m = re.exec(part); m !== null; m = re.exec(part)) {
			const t = m[0];
			if (t.charCodeAt(0) === 64 && t.length > 1 && /^@[\p{L}\p{N}_]/u.test(t)) {
				WORD_RUN.lastIndex = m.index;
				const run = (WORD_RUN.exec(part) as RegExpExecArray)[0];
				const word = mentionWordV3(run);
				if (word !== undefined) {
					acc.token(word);
					re.lastIndex = m.index + run.length;
				} else acc.token(USER);
			} else if (/^\p{Extended_Pictographic}$/u.test(t)) acc.pict(t);
			else if (t === "?") acc.token(t);
			else acc.word(t, m.index, m.index + t.length);
		}
	}
	acc.flush();
	return acc.out;
}
