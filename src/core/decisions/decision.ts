import type { Signal } from "../detectors/types.ts";
import type { Effect, Verdict } from "./effects.ts";

/** One windowed feature value a decision read: `posts_5m` of `acct-7` was 3. */
export interface FeatureSeen {
	feature: string;
	id: string;
	value: unknown;
}

/** Why a decision came out as it did: the features seen, the signals, the policy lines that fired. */
export interface Trace {
	/**
	 * A list, not an object keyed by `feature:id`: keys made per event each cost V8 a string
	 * table entry and a slow-path object (measured: a tenth of the event path).
	 */
	features: FeatureSeen[];
	signals: Signal[];
	fired: string[];
	errors: string[];
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
