/**
 * The closest known name to a misspelt one, or undefined when nothing is close enough.
 * Distance is optimal string alignment (Levenshtein with adjacent swaps); a name qualifies
 * within a third of its length (at least 2 edits), or when one contains the other.
 * @example closest("login_fails_1h", ["login_failures_1h", "posts_5m"]) // "login_failures_1h"
 */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
	const limit = Math.max(2, Math.floor(name.length / 3));
	let best: string | undefined;
	let bestD = Number.POSITIVE_INFINITY;
	const lower = name.toLowerCase();
	for (const c of candidates) {
		if (c === name) continue;
		const cl = c.toLowerCase();
		let d = distance(lower, cl, limit + 1);
		if (d > limit && lower.length >= 4 && (cl.includes(lower) || lower.includes(cl))) d = limit;
		if (d <= limit && (d < bestD || (d === bestD && best !== undefined && c < best))) {
			best = c;
			bestD = d;
		}
	}
	return best;
}

/** `did you mean \`x\`?` for the closest name, or undefined. */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
	const c = closest(name, candidates);
	return c === undefined ? undefined : `did you mean \`${c}\`?`;
}

/** Optimal string alignment distance, giving up (returning `cap`) once it must exceed `cap`. */
export function distance(a: string, b: string, cap = Number.POSITIVE_INFINITY): number {
	if (Math.abs(a.length - b.length) >= cap) return cap;
	const n = b.length;
	let prev2 = new Array<number>(n + 1).fill(0);
	let prev = Array.from({ length: n + 1 }, (_, j) => j);
	let cur = new Array<number>(n + 1).fill(0);
	for (let i = 1; i <= a.length; i++) {
		cur[0] = i;
		let rowMin = i;
		for (let j = 1; j <= n; j++) {
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			let v = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
				v = Math.min(v, (prev2[j - 2] as number) + 1);
			cur[j] = v;
			if (v < rowMin) rowMin = v;
		}
		if (rowMin >= cap) return cap;
		[prev2, prev, cur] = [prev, cur, prev2];
	}
	return Math.min(prev[n] as number, cap);
}
