import type { Signal } from "../detectors/types.ts";
import type { Effect, Verdict } from "./effects.ts";

/** Why a decision came out as it did: the features seen, the signals, the policy lines that fired. */
export interface Trace {
	features: Record<string, unknown>;
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
