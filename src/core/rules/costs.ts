/** One event in this many has each of its rules timed (the rest are only counted). */
export const COST_SAMPLE_EVERY = 64;

/** What one rule has cost since it was first loaded (kept by name across pack versions). */
export interface RuleCost {
	/** Events the rule was considered for (its event type matched): counted exactly. */
	evaluations: number;
	/** Of those, the ones timed. */
	sampled: number;
	/** Time spent in the timed ones (both passes), in milliseconds. */
	sampledMs: number;
}

/** A rule's cost as reported: `seconds` is estimated from the timed sample. */
export interface RuleCostReport {
	rule: string;
	evaluations: number;
	/** Estimated time spent evaluating it: the sampled time scaled to every evaluation. */
	seconds: number;
	/** Mean time per evaluation in microseconds (from the sample); null before the first sample. */
	meanMicros: number | null;
}

/**
 * Per-rule evaluation counts and time, by rule name, shared by every version of a pack (a swap
 * hands the same RuleCosts to the next pack, so a rule's totals carry on). Timing every rule of
 * every event would cost more than some rules do: one event in {@link COST_SAMPLE_EVERY} is
 * timed, rule by rule, and the totals are scaled from it.
 * @example
 * pack.useCosts(costs); // ... events ...
 * costs.report() // [{ rule: "spam_post", evaluations: 35120, seconds: 0.0123, meanMicros: 0.35 }]
 */
export class RuleCosts {
	private readonly byRule = new Map<string, RuleCost>();

	/** The mutable record of one rule (created at zero). */
	of(rule: string): RuleCost {
		let c = this.byRule.get(rule);
		if (!c) {
			c = { evaluations: 0, sampled: 0, sampledMs: 0 };
			this.byRule.set(rule, c);
		}
		return c;
	}

	report(rule: string): RuleCostReport {
		const c = this.byRule.get(rule) ?? { evaluations: 0, sampled: 0, sampledMs: 0 };
		const mean = c.sampled ? c.sampledMs / c.sampled : null;
		return {
			rule,
			evaluations: c.evaluations,
			seconds: mean === null ? 0 : (mean * c.evaluations) / 1000,
			meanMicros: mean === null ? null : mean * 1000,
		};
	}

	reportAll(): RuleCostReport[] {
		return [...this.byRule.keys()].map((r) => this.report(r));
	}
}
