import { scoreTargets, type TargetScore } from "./score.ts";
import type { BacktestTally, PackTally, RuleTally } from "./tally.ts";
import type { GroundTruth } from "./truth.ts";

/** A line of the events file that is not a valid event. */
export interface InvalidLine {
	line: number;
	/** `parse`, `schema` or `unknown_type`, as the event path's dead letters say. */
	reason: string;
	/** The problems, `pointer: message`. */
	problems: string[];
}

/** A replay's counts, before the rules are looked at. */
export interface ReplayStats {
	/** Lines of the file read: the number of its last non-blank line. */
	lines: number;
	/** Valid events decided and counted (not the warm-up before `from`). */
	events: number;
	/** Valid events decided before `from`, to fill the windows and the state: not counted. */
	warmup: number;
	/** Events at or after `to`: not replayed. */
	afterTo: number;
	/** Events with an id seen before: answered as duplicates and not decided again. */
	duplicates: number;
	invalid: number;
	/** The first invalid lines (at most 100). */
	invalidLines: InvalidLine[];
	/** True when the file was not in time order and was replayed sorted by `ts`. */
	sorted: boolean;
	/** Event time of the first and last counted event. */
	firstTs: number | null;
	lastTs: number | null;
	tookMs: number;
	/** Decided events (warm-up included) per second of wall time. */
	eventsPerSec: number;
}

/** A rule's row with truth: precision, recall and F1 at accounts level, and the details. */
export type RuleReport = RuleTally & {
	precision?: number | null;
	recall?: number | null;
	f1?: number | null;
	score?: TargetScore;
};

export type PackReport = PackTally & {
	precision?: number | null;
	recall?: number | null;
	f1?: number | null;
	score?: TargetScore;
};

/** `bulwark backtest --json`: the stable keys are events, invalid, rules, pack, tookMs and eventsPerSec. */
export interface BacktestReport extends ReplayStats {
	rulesDir: string;
	rulesVersion: string;
	/** Rules sorted by matches (hits + shadow hits + held back), then errors, then name. */
	rules: RuleReport[];
	pack: PackReport;
	truth?: { source: string; badAccounts: number; badPosts: number; ignoredAccounts: number; threats: string[] };
}

/**
 * Puts a replay's tally together with the truth: per rule precision, recall and F1 over every
 * match (what the rule would do fully live), and for the pack over what its fired rules did.
 * @example backtestReport(stats, tally, { dir: "rules", version: "3f2a9c1b7d0e" }, truth)
 */
export function backtestReport(
	stats: ReplayStats,
	tally: BacktestTally,
	pack: { dir: string; version: string },
	truth?: GroundTruth,
	only?: ReadonlySet<string>,
): BacktestReport {
	const rules: RuleReport[] = tally
		.rules()
		.filter((r) => !only || only.has(r.rule))
		.sort((a, b) => matches(b) - matches(a) || b.errors - a.errors || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
	const packRow: PackReport = tally.pack();
	if (truth) {
		for (const r of rules) withScore(r, scoreTargets(truth, tally.targetsOf(r.rule), tally.authorOf));
		withScore(packRow, scoreTargets(truth, tally.packTargetsSet(), tally.authorOf, { posts: truth.badPosts.size > 0 }));
	}
	const out: BacktestReport = { ...stats, rulesDir: pack.dir, rulesVersion: pack.version, rules, pack: packRow };
	if (truth)
		out.truth = {
			source: truth.source,
			badAccounts: truth.badAccounts.size,
			badPosts: truth.badPosts.size,
			ignoredAccounts: truth.ignoredAccounts.size,
			threats: [...truth.threats],
		};
	return out;
}

/** Every match of a rule: fired, in shadow or held back by its rollout. */
export function matches(r: Pick<RuleTally, "hits" | "shadowHits" | "heldBack">): number {
	return r.hits + r.shadowHits + r.heldBack;
}

function withScore(row: RuleReport | PackReport, s: TargetScore): void {
	row.precision = s.accounts.precision;
	row.recall = s.accounts.recall;
	row.f1 = s.accounts.f1;
	row.score = s;
}
