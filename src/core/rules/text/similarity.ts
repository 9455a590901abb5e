/** Similarity builtins read at most this many characters of each text. */
export const SIMILARITY_LIMIT = 2_000;
/** Edit similarity reads at most this many characters of each text (it is quadratic). */
export const EDIT_LIMIT = 500;

/** Lower case, every run of non-letters/digits one space, trimmed: what similarity compares. */
export function normalizeText(s: string, limit = SIMILARITY_LIMIT): string {
	return (s.length > limit ? s.slice(0, limit) : s)
		.toLowerCase()
		.replace(/[^\p{L}\p{N}]+/gu, " ")
		.trim();
}

/**
 * The character 3-grams of a normalised text as sorted, distinct numbers (three UTF-16 code
 * units packed into 48 bits, exact): comparing two texts is a merge of two typed arrays, with
 * no string per 3-gram and no hash set (measured: the string-set version was ~6% of the event
 * path with the default pack, claim matching on every post). A text shorter than 3 is its own
 * shingle (its missing units are 0, which a normalised text never holds).
 */
export function shingles(norm: string): Float64Array {
	const n = norm.length;
	if (n < 3) {
		if (!n) return new Float64Array(0);
		return Float64Array.of(norm.charCodeAt(0) * 2 ** 32 + (n > 1 ? norm.charCodeAt(1) * 2 ** 16 : 0));
	}
	const out = new Float64Array(n - 2);
	let a = norm.charCodeAt(0);
	let b = norm.charCodeAt(1);
	for (let i = 2; i < n; i++) {
		const c = norm.charCodeAt(i);
		out[i - 2] = a * 2 ** 32 + b * 2 ** 16 + c;
		a = b;
		b = c;
	}
	out.sort();
	let k = 0;
	for (let i = 0; i < out.length; i++) if (i === 0 || out[i] !== out[k - 1]) out[k++] = out[i] as number;
	return k === out.length ? out : out.slice(0, k);
}

/** Jaccard of two shingle sets made by {@link shingles} (1 for two empty texts). */
export function jaccard(a: Float64Array, b: Float64Array): number {
	const na = a.length;
	const nb = b.length;
	if (!na && !nb) return 1;
	let inter = 0;
	let i = 0;
	let j = 0;
	while (i < na && j < nb) {
		const x = a[i] as number;
		const y = b[j] as number;
		if (x === y) {
			inter++;
			i++;
			j++;
		} else if (x < y) i++;
		else j++;
	}
	return inter / (na + nb - inter);
}

/** The highest Jaccard two sets of these sizes can reach (the smaller over the larger). */
export function jaccardBound(na: number, nb: number): number {
	return na === 0 && nb === 0 ? 1 : Math.min(na, nb) / Math.max(na, nb);
}

/**
 * Near-duplicate similarity in [0, 1]: Jaccard of character 3-gram sets after normalising
 * case and punctuation. Robust to case, punctuation, a swapped word or two.
 * @example similarity("FREE iPhone, claim now!", "free iphone claim now") // 1
 */
export function similarity(a: string, b: string): number {
	return jaccard(shingles(normalizeText(a)), shingles(normalizeText(b)));
}

/**
 * 1 - (Levenshtein distance / longer length), on normalised texts cut to EDIT_LIMIT
 * characters; two rows of memory.
 * @example editSimilarity("kitten", "sitting") // 0.571...
 */
export function editSimilarity(a: string, b: string): number {
	const x = normalizeText(a, EDIT_LIMIT);
	const y = normalizeText(b, EDIT_LIMIT);
	const longer = Math.max(x.length, y.length);
	if (!longer) return 1;
	let prev = new Int32Array(y.length + 1);
	let cur = new Int32Array(y.length + 1);
	for (let j = 0; j <= y.length; j++) prev[j] = j;
	for (let i = 1; i <= x.length; i++) {
		cur[0] = i;
		const xc = x.charCodeAt(i - 1);
		for (let j = 1; j <= y.length; j++) {
			const sub = (prev[j - 1] as number) + (xc === y.charCodeAt(j - 1) ? 0 : 1);
			cur[j] = Math.min(sub, (prev[j] as number) + 1, (cur[j - 1] as number) + 1);
		}
		[prev, cur] = [cur, prev];
	}
	return 1 - (prev[y.length] as number) / longer;
}
