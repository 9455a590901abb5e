/**
 * Screen-name likelihood (BotometerLite): how ordinary a handle's letter pairs are, as the
 * geometric mean of the probabilities of its character bigrams (with start and end marks) under
 * a bigram model of many handles. Generated handles ("x7qk2v9a") score low. Handles are case
 * folded over the alphabet Twitter allows (a-z, 0-9, `_`); anything else is one "other" symbol.
 *
 * @example
 * const m = fitNameModel(["anna_smith", "bob", "carla99"]);
 * screenNameLikelihood(m, "anna") > screenNameLikelihood(m, "qxzv") // true
 */

/** Symbols: 0 start/end mark, 1-26 a-z, 27-36 0-9, 37 `_`, 38 other. */
export const NAME_SYMBOLS = 39;

/** A bigram model: log-probability of each (previous, next) symbol pair, row-major. */
export interface NameModel {
	readonly logp: Float64Array;
}

function symbol(c: number): number {
	if (c >= 97 && c <= 122) return c - 96;
	if (c >= 65 && c <= 90) return c - 64;
	if (c >= 48 && c <= 57) return c - 48 + 27;
	if (c === 95) return 37;
	return 38;
}

/**
 * Counts the bigrams of the given handles, with add-one smoothing so that an unseen pair has a
 * small, finite probability. The model holds counts only: no handle can be read back from it.
 */
export function fitNameModel(handles: Iterable<string>): NameModel {
	const counts = new Float64Array(NAME_SYMBOLS * NAME_SYMBOLS).fill(1);
	for (const h of handles) {
		let prev = 0;
		for (let i = 0; i < h.length; i++) {
			const s = symbol(h.charCodeAt(i));
			counts[prev * NAME_SYMBOLS + s] = (counts[prev * NAME_SYMBOLS + s] as number) + 1;
			prev = s;
		}
		counts[prev * NAME_SYMBOLS] = (counts[prev * NAME_SYMBOLS] as number) + 1;
	}
	let total = 0;
	for (const c of counts) total += c;
	const logp = new Float64Array(counts.length);
	for (let i = 0; i < counts.length; i++) logp[i] = Math.log((counts[i] as number) / total);
	return { logp };
}

/** The geometric mean of the handle's bigram probabilities, in (0, 1); NaN for an empty handle. */
export function screenNameLikelihood(m: NameModel, handle: string): number {
	if (handle.length === 0) return Number.NaN;
	let prev = 0;
	let sum = 0;
	for (let i = 0; i < handle.length; i++) {
		const s = symbol(handle.charCodeAt(i));
		sum += m.logp[prev * NAME_SYMBOLS + s] as number;
		prev = s;
	}
	sum += m.logp[prev * NAME_SYMBOLS] as number;
	return Math.exp(sum / (handle.length + 1));
}

/** The model as plain numbers for the artifact (log-probabilities rounded to 6 decimals). */
export function encodeNameModel(m: NameModel): number[] {
	return Array.from(m.logp, (v) => Math.round(v * 1e6) / 1e6);
}

/** Reads {@link encodeNameModel}'s numbers back; throws on a wrong length or a non-number. */
export function decodeNameModel(values: unknown): NameModel {
	if (!Array.isArray(values) || values.length !== NAME_SYMBOLS * NAME_SYMBOLS)
		throw new Error(`the name model must be ${NAME_SYMBOLS * NAME_SYMBOLS} numbers`);
	const logp = new Float64Array(values.length);
	values.forEach((v, i) => {
		if (typeof v !== "number" || !Number.isFinite(v) || v > 0)
			throw new Error(`the name model's value ${i} is not a log-probability`);
		logp[i] = v;
	});
	return { logp };
}
