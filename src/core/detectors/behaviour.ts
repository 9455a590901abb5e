import type { BulwarkEvent } from "../events/index.ts";
import type { FeatureRequest, FeatureSpec, LastItem } from "../features/index.ts";
import {
	ACTIVITY_EVENTS,
	BEHAVIOUR_FEATURE_COUNT,
	behaviourFeatures,
	packActivity,
	RECENT_EVENTS,
} from "../ml/accounts/behaviour.ts";
import type { Detector, DetectorContext, Signal } from "./types.ts";

/** The behaviour model as the detector uses it (the shipped BehaviourModel is one). */
export interface BehaviourScorer {
	readonly name: string;
	readonly threshold: number;
	score(x: ArrayLike<number>): number;
	explain?(x: ArrayLike<number>, k?: number): readonly { feature: string; value: number; weight: number }[];
}

/** The signal the detector emits: the probability that the account's behaviour is automated. */
export const BEHAVIOUR_SIGNAL = "account.behaviour";

const DAY = 86_400_000;
const actor = (e: BulwarkEvent) => e.actor;

/**
 * The stream state the behaviour detector keeps per account: a count of its activity (posts,
 * replies, reposts, likes, follows, unfollows) over a year, read on every activity event to
 * decide whether to score, and its newest {@link RECENT_EVENTS} activities packed one number
 * each (kind, link, text and device hashes: see `ml/accounts/behaviour.ts`), read only when it
 * scores. Two window ops per activity event; no other state.
 */
export const BEHAVIOUR_FEATURES: readonly FeatureSpec[] = [
	{
		name: "bhv_activity_365d",
		description: "posts, replies, reposts, likes, follows and unfollows made in 365 days (for the behaviour detector)",
		entity: "account",
		on: ACTIVITY_EVENTS,
		key: actor,
		agg: { kind: "count" },
		windowMs: 365 * DAY,
		buckets: 12,
	},
	{
		name: "bhv_recent",
		description: `the account's last ${RECENT_EVENTS} activities, packed (for the behaviour detector)`,
		entity: "account",
		on: ACTIVITY_EVENTS,
		key: actor,
		agg: { kind: "last", n: RECENT_EVENTS, of: packActivity },
		windowMs: 30 * DAY,
		buckets: 1,
	},
];

/**
 * When an account is scored, by its activity count: at the 8th, 16th, 32nd and 64th activity,
 * then every 64th (so a long-lived account that turns is still looked at again).
 */
export const behaviourSchedule = (n: number): boolean => n >= 8 && ((n <= 64 && (n & (n - 1)) === 0) || n % 64 === 0);

export interface BehaviourDetectorOptions {
	/** Activity counts at which an account is scored (default {@link behaviourSchedule}). */
	scoreAt?: (activity: number) => boolean;
	/** Contributions a flagged account's signal carries (default 5). */
	explain?: number;
}

/**
 * The behaviour features of `id` from the detector's windows as fetched for this event, or
 * undefined when the ring was not fetched (used by training too, so both read the same way).
 */
export function readBehaviour(ctx: Pick<DetectorContext, "feature">, id: string): Float64Array | undefined {
	const ring = ctx.feature("bhv_recent", id);
	if (!Array.isArray(ring)) return undefined;
	const total = ctx.feature("bhv_activity_365d", id);
	return behaviourFeatures(ring as LastItem[], typeof total === "number" ? total : 0);
}

/**
 * Scores an account's behaviour (timing, action mix, links, duplicates, devices, day-night) with
 * the behaviour model as its activity accumulates (see {@link behaviourSchedule}) and emits
 * `account.behaviour` with the model's probability and, when flagged, the features that pushed
 * it. It reads the activity count on every activity event and the packed ring only on the events
 * it scores (`more`), so the other events cost one count.
 * @example
 * const d = behaviourDetector(loadBehaviourModel("models/behaviour"));
 * d.detect(eighthLike, ctx) // [{ name: "account.behaviour", score: 0.93, evidence: { threshold: 0.6, flagged: 1, ... } }]
 */
export function behaviourDetector(model: BehaviourScorer, opts: BehaviourDetectorOptions = {}): Detector {
	const scoreAt = opts.scoreAt ?? behaviourSchedule;
	const k = opts.explain ?? 5;
	const due = (e: BulwarkEvent, ctx: DetectorContext): number | undefined => {
		const n = ctx.feature("bhv_activity_365d", e.actor);
		return typeof n === "number" && scoreAt(n) ? n : undefined;
	};
	return {
		name: BEHAVIOUR_SIGNAL,
		on: ACTIVITY_EVENTS,
		needs: (e) => [{ feature: "bhv_activity_365d", id: e.actor }],
		more: (e, ctx): FeatureRequest[] => (due(e, ctx) === undefined ? [] : [{ feature: "bhv_recent", id: e.actor }]),
		detect(e: BulwarkEvent, ctx: DetectorContext): Signal[] {
			const n = due(e, ctx);
			if (n === undefined) return [];
			const x = readBehaviour(ctx, e.actor);
			if (x === undefined || x.length !== BEHAVIOUR_FEATURE_COUNT) return [];
			const score = model.score(x);
			if (!Number.isFinite(score)) throw new Error(`score is ${score}`);
			const flagged = score >= model.threshold;
			const evidence: Record<string, number | string> = {
				threshold: round(model.threshold),
				flagged: flagged ? 1 : 0,
				activity: n,
			};
			if (flagged && model.explain && k > 0) {
				try {
					model.explain(x, k).forEach((c, i) => {
						evidence[`top${i + 1}`] = `${c.feature}=${round(c.value)} (${c.weight >= 0 ? "+" : ""}${round(c.weight)})`;
					});
				} catch (err) {
					evidence.explainError = err instanceof Error ? err.message : String(err);
				}
			}
			return [
				{
					detector: BEHAVIOUR_SIGNAL,
					name: BEHAVIOUR_SIGNAL,
					entity: { kind: "account", id: e.actor },
					score: round(score),
					reason: `${model.name} model: ${round(score)} ${flagged ? ">=" : "<"} threshold ${round(model.threshold)} after ${n} activities`,
					evidence,
				},
			];
		},
	};
}

const round = (x: number): number => Math.round(x * 1000) / 1000;
