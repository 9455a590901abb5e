import type { Signal } from "../detectors/types.ts";
import type { Effect, Verdict } from "./effects.ts";

/**
 * What became of one rule of the rules pack on one event (rules that did not match are not
 * listed). `fired`: its effects were applied. `shadow`: it matched in shadow, nothing applied.
 * `held_back`: it matched but the entity is outside its rollout. `errored`: a value it needed
 * could not be computed (`error` says which); nothing applied, the event was still decided.
 * (`no_match` appears only when a caller asks the engine to explain, never on the event path.)
 */
export interface RuleHitSeen {
	rule: string;
	/** Where the rule is declared: `rules/spam.rules:42`. */
	at: string;
	outcome: "fired" | "shadow" | "held_back" | "errored" | "no_match";
	/** The effects it asked for: applied when `fired`, only recorded otherwise. */
	effects: Effect[];
	/** What it read, by source text: `link_posts_1h[event.actor]: 5`, `score("velocity.posts"): 0.95`. */
	seen: Record<string, unknown>;
	error?: string;
}

/** One windowed feature value a decision read: `posts_5m` of `acct-7` was 3. */
export interface FeatureSeen {
	feature: string;
	id: string;
	value: unknown;
}

/**
 * Why a decision came out as it did: the features seen, the signals, the policy lines and rules
 * that fired, and what failed (as values: a failure never fails the event).
 */
export interface Trace {
	/**
	 * A list, not an object keyed by `feature:id`: keys made per event each cost V8 a string
	 * table entry and a slow-path object (measured: a tenth of the event path).
	 */
	features: FeatureSeen[];
	signals: Signal[];
	/** Policy lines (`velocity-nudge(velocity.posts)`) and rules (`spam_post`, `botnet_subnet (shadow)`). */
	fired: string[];
	errors: string[];
	/** The rules pack's hits with the values each rule saw; absent when no pack ran. */
	rules?: RuleHitSeen[];
}

/** The synchronous answer for one event. Stored; returned again for a repeated event id. */
export interface Decision {
	eventId: string;
	verdict: Verdict;
	/** The actor's labels in force after this decision. */
	labels: string[];
	effects: Effect[];
	reasons: string[];
	traceId: string;
	tookMs: number;
	decidedAt: number;
	trace: Trace;
}
