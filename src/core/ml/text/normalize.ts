/**
 * Text normalisation that undoes common obfuscation before feature extraction: case, Unicode
 * compatibility forms, Cyrillic/Greek look-alikes, l33t digits and symbols, stretched letters,
 * spaced-out letters. Mentions and links become the placeholders `@user` and `url` (the
 * TweetEval convention); emoji are kept, one token each.
 *
 * @example
 * normalizeTokens("F u c k   y0u @bob!!! http://x.io 😡") // ["fuck", "you", "@user", "!", "url", "😡"]
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
const LEET: Record<string, string> = {
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

export const USER = "@user";
export const URL_TOKEN = "url";

const URL_RE = /\b(?:https?:\/\/|www\.)\S+/gu;
/** One token: a mention, an emoji, a word (letters, digits, in-word symbols), or ! / ?. */
const TOKEN_RE = /@[\p{L}\p{N}_]+|\p{Extended_Pictographic}|[\p{L}\p{N}$@|*'’.\-_!]+|[!?]/gu;
const HAS_LETTER = /\p{L}/u;
const PLAIN = /^[a-z]+$/;
const NOT_PLAIN_ASCII = /[^\t\n\r -~]/;
const STRETCHED = /(.)\1\1/;
const SPLIT_SPELLING = /^\p{L}(?:[.\-_*]\p{L}){2,}[.]?$/u;
const EDGE_PUNCT = /^[.\-_'’*!|]+|[.\-_'’*!|]+$/gu;

function foldChar(c: string, word: boolean): string {
	const h = HOMOGLYPHS[c];
	if (h !== undefined) return h;
	if (word) {
		const l = LEET[c];
		if (l !== undefined) return l;
	}
	return c;
}

/** Normalises one raw word token; returns "" when nothing is left. */
function normalizeWord(raw: string): string {
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

/** The normalised tokens of a text (see the module comment). */
export function normalizeTokens(text: string): string[] {
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
export function normalize(text: string): string {
	return normalizeTokens(text).join(" ");
}
