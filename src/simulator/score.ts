import { THREATS } from "./config.ts";
import type { Truth } from "./truth.ts";

/** An audit-log row, as `GET /v1/actions` and `RecordReader.listActions` return it. */
export interface ScoreAction {
	entity: string;
	kind: string;
	ts: number;
	who: string;
	details?: Record<string, unknown>;
}

/** A review case, as `GET /v1/review/cases` returns it. */
export interface ScoreCase {
	id: string;
	entity: string;
	severity: number;
	openedAt: number;
}

export interface PostScore {
	bad: number;
	actioned: number;
	precision: number | null;
	recall: number | null;
	f1: number | null;
}

export interface ThreatScore {
	precision: number | null;
	recall: number | null;
	f1: number | null;
	medianTimeToActionMs: number | null;
	p90TimeToActionMs: number | null;
	/** Accounts of this threat with at least one bad act in the run (the positives). */
	accounts: number;
	/** Of those, how many Bulwark actioned (true positives). */
	actioned: number;
	/** Post level, for threats whose bad acts are posts. */
	posts?: PostScore;
}

/** The stable `--json` shape: `{ threats, collateralPer10k, reviewPrecisionAt100 }` plus extra keys. */
export interface Scorecard {
	threats: Record<string, ThreatScore>;
	collateralPer10k: number;
	reviewPrecisionAt100: number | null;
	/** Every threat together, against organic accounts. */
	overall: ThreatScore;
	organicActioned: number;
	reviewCases: number;
}

/** The action kinds that count as Bulwark acting on an entity. */
export const COUNTED_KINDS: ReadonlySet<string> = new Set(["label.add", "suspend", "review.open"]);

/**
 * An action counts when it is a label (any label, reach limits included), a suspension or a
 * review case, made by Bulwark itself: not by a person (`details.source` "human", or done
 * through the API by a key or a reviewer).
 */
export function countsAsAction(a: ScoreAction): boolean {
	if (!COUNTED_KINDS.has(a.kind)) return false;
	if (a.details?.source === "human") return false;
	return !a.who.startsWith("apikey:") && !a.who.startsWith("human:");
}

/** Nearest-rank percentile of ascending `xs` (p in (0, 1]); null when empty. */
export function percentile(sorted: readonly number[], p: number): number | null {
	if (!sorted.length) return null;
	return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] as number;
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);
const f1 = (p: number | null, r: number | null): number | null =>
	p === null || r === null ? null : p + r > 0 ? (2 * p * r) / (p + r) : 0;

/**
 * Scores what Bulwark did against the ground truth of a simulation run. Pure: the CLI reads the
 * actions and cases (server or data folder) and passes them in. The rules are in the README
 * ("The simulator"): account level, per threat, precision counts every actioned organic
 * account as a false positive of that threat.
 */
export function scorecard(truth: Truth, actions: readonly ScoreAction[], cases: readonly ScoreCase[]): Scorecard {
	const first = new Map<string, number>();
	for (const a of actions) {
		if (!countsAsAction(a)) continue;
		const t = first.get(a.entity);
		if (t === undefined || a.ts < t) first.set(a.entity, a.ts);
	}
	const accountPrefix = `account:${truth.prefix}u`;
	const postPrefix = `post:${truth.prefix}p`;
	const beneficiaries = new Set(truth.beneficiaries);
	let organicActioned = 0;
	let organicPostsActioned = 0;
	for (const entity of first.keys()) {
		if (entity.startsWith(accountPrefix)) {
			const id = entity.slice("account:".length);
			if (!truth.accounts[id] && !beneficiaries.has(id)) organicActioned++;
		} else if (entity.startsWith(postPrefix) && !truth.posts[entity.slice("post:".length)]) organicPostsActioned++;
	}
	const score = (keep: (threat: string) => boolean): ThreatScore => {
		let positives = 0;
		const delays: number[] = [];
		for (const [id, a] of Object.entries(truth.accounts)) {
			if (!keep(a.threat) || a.firstBadTs === null) continue;
			positives++;
			const t = first.get(`account:${id}`);
			if (t !== undefined) delays.push(Math.max(0, t - a.firstBadTs));
		}
		delays.sort((x, y) => x - y);
		const precision = ratio(delays.length, delays.length + organicActioned);
		const recall = ratio(delays.length, positives);
		const out: ThreatScore = {
			precision,
			recall,
			f1: f1(precision, recall),
			medianTimeToActionMs: percentile(delays, 0.5),
			p90TimeToActionMs: percentile(delays, 0.9),
			accounts: positives,
			actioned: delays.length,
		};
		let bad = 0;
		let hit = 0;
		for (const [id, p] of Object.entries(truth.posts)) {
			if (!keep(p.threat)) continue;
			bad++;
			if (first.has(`post:${id}`)) hit++;
		}
		if (bad > 0) {
			const pp = ratio(hit, hit + organicPostsActioned);
			const pr = ratio(hit, bad);
			out.posts = { bad, actioned: hit, precision: pp, recall: pr, f1: f1(pp, pr) };
		}
		return out;
	};
	const threats: Record<string, ThreatScore> = {};
	for (const t of THREATS) threats[t] = score((x) => x === t);
	const organic = truth.organicAccounts - beneficiaries.size;
	return {
		threats,
		collateralPer10k: organic > 0 ? (organicActioned / organic) * 10_000 : 0,
		reviewPrecisionAt100: reviewPrecision(truth, cases, 100),
		overall: score(() => true),
		organicActioned,
		reviewCases: cases.length,
	};
}

/** Share of the top `k` cases (severity high to low, then oldest first) that are about an adversary or a bad post. */
export function reviewPrecision(truth: Truth, cases: readonly ScoreCase[], k: number): number | null {
	const top = [...cases]
		.sort((a, b) => b.severity - a.severity || a.openedAt - b.openedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
		.slice(0, k);
	if (!top.length) return null;
	const right = top.filter((c) => {
		if (c.entity.startsWith("account:")) return !!truth.accounts[c.entity.slice(8)];
		if (c.entity.startsWith("post:")) return !!truth.posts[c.entity.slice(5)];
		return false;
	}).length;
	return right / top.length;
}
