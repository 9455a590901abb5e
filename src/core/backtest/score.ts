import type { GroundTruth } from "./truth.ts";

/** Precision and recall of one set of hits at one level (accounts or posts). */
export interface Score {
	/** Entities hit (at accounts level: without the ignored ones). */
	hit: number;
	/** Of those, how many are bad. */
	truePositives: number;
	/** Bad entities in the truth (the recall's denominator). */
	bad: number;
	precision: number | null;
	recall: number | null;
	f1: number | null;
}

/** Recall within one threat: of its bad accounts, how many were hit. */
export interface ThreatRecall {
	bad: number;
	hit: number;
	recall: number | null;
}

/** A set of hits against the truth: accounts level, posts level, and accounts per threat. */
export interface TargetScore {
	accounts: Score;
	/** Null when nothing of it is about posts (no post hit, and the caller did not ask for posts). */
	posts: Score | null;
	/** Per threat the truth names (empty when it names none). */
	threats: Record<string, ThreatRecall>;
	/** The threat with the most bad accounts hit (null when none was hit). */
	topThreat: string | null;
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

/** The harmonic mean of precision and recall; null when either is unknown. */
export function f1Of(p: number | null, r: number | null): number | null {
	return p === null || r === null ? null : p + r > 0 ? (2 * p * r) / (p + r) : 0;
}

/**
 * Scores hit entities (`kind:id` keys) against the truth. Accounts level: the accounts hit,
 * plus the author of every post hit (an action on a post is an action on its author's
 * content), minus the accounts the truth leaves out. Posts level: the posts hit. IP and device
 * hits are not scored (the truth says nothing about them).
 * @example
 * scoreTargets(truth, ["account:u1", "post:p9"], (p) => authors.get(p))
 * // { accounts: { hit: 2, truePositives: 1, bad: 40, precision: 0.5, recall: 0.025, f1: ... }, posts: {...}, ... }
 */
export function scoreTargets(
	truth: GroundTruth,
	targets: Iterable<string>,
	authorOf: (postId: string) => string | undefined,
	opts: { posts?: boolean } = {},
): TargetScore {
	const accounts = new Set<string>();
	const posts = new Set<string>();
	for (const key of targets) {
		if (key.startsWith("account:")) accounts.add(key.slice(8));
		else if (key.startsWith("post:")) {
			const id = key.slice(5);
			posts.add(id);
			const author = authorOf(id) ?? truth.postAuthors.get(id);
			if (author !== undefined) accounts.add(author);
		}
	}
	let hit = 0;
	let tp = 0;
	const byThreat = new Map<string, number>();
	for (const id of accounts) {
		if (truth.ignoredAccounts.has(id)) continue;
		hit++;
		const threat = truth.badAccounts.get(id);
		if (threat === undefined) continue;
		tp++;
		if (threat) byThreat.set(threat, (byThreat.get(threat) ?? 0) + 1);
	}
	const threats: Record<string, ThreatRecall> = {};
	let topThreat: string | null = null;
	for (const t of truth.threats) {
		const bad = badOf(truth, t);
		const h = byThreat.get(t) ?? 0;
		threats[t] = { bad, hit: h, recall: ratio(h, bad) };
		if (h > 0 && (topThreat === null || h > (byThreat.get(topThreat) ?? 0))) topThreat = t;
	}
	let postScore: Score | null = null;
	if (posts.size || opts.posts) {
		let ptp = 0;
		for (const id of posts) if (truth.badPosts.has(id)) ptp++;
		postScore = score(posts.size, ptp, truth.badPosts.size);
	}
	return { accounts: score(hit, tp, truth.badAccounts.size), posts: postScore, threats, topThreat };
}

function score(hit: number, tp: number, bad: number): Score {
	const precision = ratio(tp, hit);
	const recall = ratio(tp, bad);
	return { hit, truePositives: tp, bad, precision, recall, f1: f1Of(precision, recall) };
}

const threatCounts = new WeakMap<GroundTruth, Map<string, number>>();

/** Bad accounts of one threat, counted once per truth. */
function badOf(truth: GroundTruth, threat: string): number {
	let counts = threatCounts.get(truth);
	if (!counts) {
		counts = new Map();
		for (const t of truth.badAccounts.values()) counts.set(t, (counts.get(t) ?? 0) + 1);
		threatCounts.set(truth, counts);
	}
	return counts.get(threat) ?? 0;
}
