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

/** The set of character 3-grams of a normalised text (a short text is its own shingle). */
export function shingles(norm: string): Set<string> {
	const out = new Set<string>();
	if (norm.length < 3) {
		if (norm) out.add(norm);
		return out;
	}
	for (let i = 0; i + 3 <= norm.length; i++) out.add(norm.slice(i, i + 3));
	return out;
}

export function jaccard(a: Set<string>, b: Set<string>): number {
	if (!a.size && !b.size) return 1;
	const [small, large] = a.size <= b.size ? [a, b] : [b, a];
	let inter = 0;
	for (const x of small) if (large.has(x)) inter++;
	return inter / (a.size + b.size - inter);
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
