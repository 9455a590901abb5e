import type { Rng } from "./prng.ts";

/** Communities as contiguous index ranges: community c holds accounts [start[c], start[c+1]). */
export interface Communities {
	count: number;
	start: Int32Array;
	of: Uint16Array;
}

/** Community sizes follow a Zipf-like law: a few big communities, many small ones. */
export function makeCommunities(n: number): Communities {
	const count = Math.min(60_000, Math.max(4, Math.round(Math.sqrt(n) / 2)));
	const weights = Array.from({ length: count }, (_, r) => 1 / (r + 1) ** 0.8);
	const total = weights.reduce((a, b) => a + b, 0);
	const start = new Int32Array(count + 1);
	const of = new Uint16Array(n);
	let at = 0;
	for (let c = 0; c < count; c++) {
		start[c] = at;
		const size = c === count - 1 ? n - at : Math.max(1, Math.round(((weights[c] as number) / total) * n));
		const end = Math.min(n - (count - 1 - c), at + size);
		of.fill(c, at, end);
		at = end;
	}
	start[count] = n;
	return { count, start, of };
}

/** The initial follow graph in CSR form: account i follows targets[offsets[i] .. offsets[i+1]). */
export interface FollowGraph {
	offsets: Int32Array;
	targets: Int32Array;
	/** Followers of each account (in-degree). */
	indeg: Int32Array;
}

const INSIDE = 0.8;
const COPY = 0.7;
const EXPLORE = 0.1;
const MAX_OUT = 150;

/**
 * Builds the follow graph by the copying model, a form of preferential attachment: to pick whom
 * to follow, account i picks an account j that joined before it (inside its community with
 * probability 0.8) and, with probability 0.7, follows someone j follows instead of j itself. Being copied is proportional to
 * how many already follow you, so in-degrees are heavy-tailed (power law), within and across
 * communities. Out-degrees are Pareto-distributed.
 */
export function buildFollowGraph(rng: Rng, com: Communities): FollowGraph {
	const n = com.of.length;
	const offsets = new Int32Array(n + 1);
	for (let i = 0; i < n; i++) {
		const d = Math.min(MAX_OUT, n - 1, Math.floor(rng.pareto(3, 1.6)));
		offsets[i + 1] = (offsets[i] as number) + d;
	}
	const targets = new Int32Array(offsets[n] as number);
	const indeg = new Int32Array(n);
	for (let i = 0; i < n; i++) {
		const from = offsets[i] as number;
		const to = offsets[i + 1] as number;
		const c = com.of[i] as number;
		const cs = com.start[c] as number;
		let k = from;
		for (let tries = 0; k < to && tries < (to - from) * 4; tries++) {
			// Accounts join in index order: pick among those who joined before (growth), now and
			// then anyone (so newcomers get followers too).
			let j: number;
			if (i === 0 || rng.chance(EXPLORE)) j = rng.int(n);
			else if (i > cs && rng.chance(INSIDE)) j = cs + rng.int(i - cs);
			else j = rng.int(i);
			let t = j;
			const jd = (offsets[j + 1] as number) - (offsets[j] as number);
			if (j < i && jd > 0 && rng.chance(COPY)) t = targets[(offsets[j] as number) + rng.int(jd)] as number;
			if (t === i || targets.subarray(from, k).includes(t)) continue;
			targets[k++] = t;
			indeg[t] = (indeg[t] as number) + 1;
		}
		// Unfilled slots (tiny communities) repeat the first target; emitters skip repeats.
		for (; k < to; k++) targets[k] = k > from ? (targets[from] as number) : (i + 1) % n;
	}
	return { offsets, targets, indeg };
}
