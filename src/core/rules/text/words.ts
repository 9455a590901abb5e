/** Texts longer than this are read only up to it by text builtins (the contract caps posts at 10,000). */
export const TEXT_LIMIT = 10_000;

const WORD = /[\p{L}\p{N}]+/gu;

/**
 * The lower-cased words of a text (runs of letters and digits), up to TEXT_LIMIT characters.
 * @example words("FREE iPhone!! Claim now 👉") // ["free", "iphone", "claim", "now"]
 */
export function words(text: string): string[] {
	return (text.length > TEXT_LIMIT ? text.slice(0, TEXT_LIMIT) : text).toLowerCase().match(WORD) ?? [];
}

// The last text split by textWords, and its words: an event's text is counted against several
// keywords lists in a row (spam, insults, abuse phrases, crypto: the split was a tenth of the
// event path).
let lastText: string | undefined;
let lastWords: readonly string[] = [];

/** `words`, answered again without splitting for the same text as the last call. Do not change the array. */
export function textWords(text: string): readonly string[] {
	if (text !== lastText) {
		lastWords = words(text);
		lastText = text;
	}
	return lastWords;
}
