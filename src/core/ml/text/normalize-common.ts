/**
 * What the text normalisation versions share (see `normalize.ts`): the look-alike and l33t
 * tables, the character classes of the single-pass tokenisers, the token patterns, and the
 * reading of one word as versions 1 and 2 do it (version 3 too, for the spaced-out letters it
 * does not join into words). Changing anything here changes every version's tokens, and so the
 * shipped models' scores.
 * @example normalizeWord("5tup!d") // "stupid"
 */

/** Cyrillic and Greek letters that look like Latin ones (after lower-casing). */
const HOMOGLYPHS: Record<string, string> = {
	а: "a",
	в: "b",
	е: "e",
	ё: "e",
	к: "k",
	м: "m",
	н: "h",
	о: "o",
	р: "p",
	с: "c",
	т: "t",
	у: "y",
	х: "x",
	і: "i",
	ї: "i",
	ј: "j",
	ѕ: "s",
	ԁ: "d",
	ɡ: "g",
	һ: "h",
	ո: "n",
	ս: "u",
	ԛ: "q",
	ԝ: "w",
	α: "a",
	β: "b",
	γ: "y",
	ε: "e",
	η: "n",
	ι: "i",
	κ: "k",
	ν: "v",
	ο: "o",
	ρ: "p",
	τ: "t",
	υ: "u",
	χ: "x",
	ω: "w",
	ϲ: "c",
	ϳ: "j",
	ѵ: "v",
};

/** Digits and symbols used as letters inside words. */
export const LEET: Record<string, string> = {
	"0": "o",
	"1": "i",
	"3": "e",
	"4": "a",
	"5": "s",
	"7": "t",
	"@": "a",
	$: "s",
	"!": "i",
	"|": "l",
};

/** Look-alikes version 2 adds to {@link HOMOGLYPHS} (after lower-casing). */
export const MORE_HOMOGLYPHS: Record<string, string> = {
	ь: "b",
	п: "n",
	ɑ: "a",
	ı: "i",
	ȷ: "j",
	ʏ: "y",
	ᴄ: "c",
	ᴏ: "o",
};
export const MORE_HOMOGLYPH_RE = new RegExp(`[${Object.keys(MORE_HOMOGLYPHS).join("")}]`, "gu");

export const USER = "@user";
export const URL_TOKEN = "url";

export const URL_RE = /\b(?:https?:\/\/|www\.)\S+/gu;
/** One token: a mention, an emoji, a word (letters, digits, in-word symbols), or ! / ?. */
export const TOKEN_RE = /@[\p{L}\p{N}_]+|\p{Extended_Pictographic}|[\p{L}\p{N}$@|*'’.\-_!]+|[!?]/gu;
export const HAS_LETTER = /\p{L}/u;
export const PLAIN = /^[a-z]+$/;
export const NOT_PLAIN_ASCII = /[^\t\n\r -~]/;
export const STRETCHED = /(.)\1\1/;
const SPLIT_SPELLING = /^\p{L}(?:[.\-_*]\p{L}){2,}[.]?$/u;
const EDGE_PUNCT = /^[.\-_'’*!|]+|[.\-_'’*!|]+$/gu;

/** One character as a letter: look-alikes always, l33t digits and symbols only when `word` is l33t. */
export function foldChar(c: string, word: boolean): string {
	const h = HOMOGLYPHS[c];
	if (h !== undefined) return h;
	if (word) {
		const l = LEET[c];
		if (l !== undefined) return l;
	}
	return c;
}

/** Normalises one raw word token; returns "" when nothing is left. */
export function normalizeWord(raw: string): string {
	// Most words need nothing: plain lower-case ASCII letters without a stretched run.
	if (PLAIN.test(raw) && !STRETCHED.test(raw)) return raw;
	if (SPLIT_SPELLING.test(raw)) raw = raw.replace(/[.\-_*]/gu, "");
	// Trailing "!!!" is punctuation, "sh!t" is a word: strip edges before l33t folding.
	const core = raw.replace(EDGE_PUNCT, "");
	if (core === "") return raw.includes("!") ? "!" : "";
	// Only words that are mostly letters are l33t: "2005", "0800" and phone numbers stay digits.
	const digits = core.replace(/[^0-9]/gu, "").length;
	const leet = HAS_LETTER.test(core) && (digits * 2 <= core.length || core.length <= 6);
	let folded = "";
	for (const c of core) folded += foldChar(c, leet);
	folded = folded.replace(/[.'’_]/gu, "");
	// Cap stretched letters at two: "soooo" -> "soo".
	return folded.replace(/(.)\1{2,}/gu, "$1$1");
}

/** Code point classes for the single-pass tokeniser: bit flags, computed once per code point. */
export const K_LN = 1; // \p{L} or \p{N}
export const K_SYM = 2; // in-word symbol: $ @ | * ' ’ . - _ !
export const K_PICT = 4; // \p{Extended_Pictographic}
export const K_LETTER = 8; // \p{L}
export const K_MENTION = 16; // \p{L}, \p{N} or _
export const K_DIGIT = 32; // 0-9
export const K_RUN = K_LN | K_SYM;
const UNKNOWN = 255;
const bmpKinds = new Uint8Array(0x10000).fill(UNKNOWN);
const astralKinds = new Map<number, number>();

function computeKind(cp: number): number {
	const c = String.fromCodePoint(cp);
	let k = 0;
	const letter = /\p{L}/u.test(c);
	if (letter) k |= K_LETTER;
	if (letter || /\p{N}/u.test(c)) k |= K_LN | K_MENTION;
	if (/[$@|*'’.\-_!]/u.test(c)) k |= K_SYM;
	if (cp === 95) k |= K_MENTION;
	if (/\p{Extended_Pictographic}/u.test(c)) k |= K_PICT;
	if (cp >= 48 && cp <= 57) k |= K_DIGIT;
	return k;
}

export function kindOf(cp: number): number {
	if (cp < 0x10000) {
		let k = bmpKinds[cp] as number;
		if (k === UNKNOWN) {
			k = computeKind(cp);
			bmpKinds[cp] = k;
		}
		return k;
	}
	let k = astralKinds.get(cp);
	if (k === undefined) {
		k = computeKind(cp);
		astralKinds.set(cp, k);
	}
	return k;
}
