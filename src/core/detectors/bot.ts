import type { BulwarkEvent, EventType } from "../events/index.ts";
import type { FeatureRequest, FeatureSpec, LastItem } from "../features/index.ts";
import { rescoreAtPosts } from "../ml/accounts/platform.ts";
import type { AccountProfile } from "../ml/accounts/profile.ts";
import {
	applyAccountEvent,
	EMPTY_STREAM_ACCOUNT,
	profileFromStream,
	type StreamAccount,
} from "../ml/accounts/stream.ts";
import type { Detector, DetectorContext, Signal } from "./types.ts";

/** The bot model as the detector uses it (the shipped BotModel is one). */
export interface BotScorer {
	readonly name: string;
	readonly threshold: number;
	/** Whose humans the score is a percentile of (shown in the signal's evidence). */
	readonly calibration?: string;
	score(p: AccountProfile): number;
	explain?(p: AccountProfile, k?: number): readonly { feature: string; value: number; weight: number }[];
}

/** The signal the detector emits: the calibrated bot score of the account. */
export const BOT_SIGNAL = "account.bot";

const DAY = 86_400_000;
const YEAR = 365 * DAY;
/** Profile events kept per account: enough for the creation and the recent changes. */
const PROFILE_EVENTS = 32;

const actor = (e: BulwarkEvent) => e.actor;
const follow = (e: BulwarkEvent) =>
	e.type === "account.followed" ? 1 : e.type === "account.unfollowed" ? -1 : undefined;
const followed = (e: BulwarkEvent) =>
	e.type === "account.followed" || e.type === "account.unfollowed" ? e.data.targetId : undefined;

/**
 * The stream state the detector reads, declared as windowed features (add them to the catalog
 * when the detector is served). Counts are over the last 365 days: for an account older than
 * that they undercount, and its creation event has left the window (age unknown, NaN).
 */
export const BOT_FEATURES: readonly FeatureSpec[] = [
	{
		name: "bot_profile_events",
		description: "the account's creation and profile changes (for the bot detector)",
		entity: "account",
		on: ["account.created", "account.updated"],
		key: actor,
		agg: {
			kind: "last",
			n: PROFILE_EVENTS,
			of: (e) =>
				e.type === "account.created" || e.type === "account.updated"
					? JSON.stringify({ type: e.type, ts: e.ts, data: e.data })
					: undefined,
		},
		windowMs: YEAR,
		buckets: 12,
	},
	{
		name: "bot_posts_365d",
		description: "posts made in 365 days (for the bot detector)",
		entity: "account",
		on: ["post.created"],
		key: actor,
		agg: { kind: "count" },
		windowMs: YEAR,
		buckets: 12,
	},
	{
		name: "bot_likes_365d",
		description: "likes given in 365 days (for the bot detector)",
		entity: "account",
		on: ["post.liked"],
		key: actor,
		agg: { kind: "count" },
		windowMs: YEAR,
		buckets: 12,
	},
	{
		name: "bot_following_365d",
		description: "follows made less unfollows in 365 days (for the bot detector)",
		entity: "account",
		on: ["account.followed", "account.unfollowed"],
		key: actor,
		agg: { kind: "sum", of: follow },
		windowMs: YEAR,
		buckets: 12,
	},
	{
		name: "bot_followers_365d",
		description: "follows received less unfollows in 365 days (for the bot detector)",
		entity: "account",
		on: ["account.followed", "account.unfollowed"],
		key: followed,
		agg: { kind: "sum", of: follow },
		windowMs: YEAR,
		buckets: 12,
	},
];

export interface BotDetectorOptions {
	/** Posts counts at which an account is scored again as behaviour accumulates (default powers of 2 from 8). */
	rescoreAtPosts?: (posts: number) => boolean;
	/** Contributions a flagged account's signal carries (default 5). */
	explain?: number;
}

const BOT_EVENTS: readonly EventType[] = ["account.created", "account.updated", "post.created"];

/**
 * Scores accounts with the bot model on signup (`account.created`), on every profile change
 * (`account.updated`) and again as posts accumulate (at the 8th, 16th, 32nd, ... post), and emits
 * `account.bot` with the calibrated score (the share of reference humans the account scores
 * above) and, when flagged, the features that pushed it, for reviewers.
 *
 * A post reads only the account's post count; the profile events and the other counts are read
 * (`more`) on the posts it rescores, so the others cost one count.
 *
 * Give it the model as the stream serves it (`model.forStream()`): the forest trained on the
 * platform's own reviewed accounts, calibrated on its humans. The shared sets' forest alone
 * scores any young account near 1 (their humans are years old); the evidence names the
 * calibration (`calibration`) and the account's age (`age_days`).
 * @example
 * const d = botDetector(loadBotModel("models/bot").forStream());
 * d.detect(accountCreated, ctx) // [{ name: "account.bot", score: 0.97, evidence: { threshold: 0.95, flagged: 1, ... } }]
 */
export function botDetector(model: BotScorer, opts: BotDetectorOptions = {}): Detector {
	const rescore = opts.rescoreAtPosts ?? rescoreAtPosts;
	const k = opts.explain ?? 5;
	const requests = (id: string): FeatureRequest[] => BOT_FEATURES.map((f) => ({ feature: f.name, id }));
	// A post reads its count first; the profile and the other counts only when it is rescored.
	const due = (e: BulwarkEvent, ctx: DetectorContext) =>
		e.type !== "post.created" || rescore(count(ctx, "bot_posts_365d", e.actor));
	return {
		name: BOT_SIGNAL,
		on: BOT_EVENTS,
		needs: (e) => (e.type === "post.created" ? [{ feature: "bot_posts_365d", id: e.actor }] : requests(e.actor)),
		more: (e, ctx) => (e.type === "post.created" && due(e, ctx) ? requests(e.actor) : []),
		detect(e: BulwarkEvent, ctx: DetectorContext): Signal[] {
			const id = e.actor;
			const posts = count(ctx, "bot_posts_365d", id);
			if (!due(e, ctx)) return [];
			const account = profileOf(ctx.feature("bot_profile_events", id));
			if (account.handle === null) return []; // never saw it created or updated: nothing to score
			const profile = profileFromStream(
				account,
				{
					posts,
					likes: count(ctx, "bot_likes_365d", id),
					following: count(ctx, "bot_following_365d", id),
					followers: count(ctx, "bot_followers_365d", id),
				},
				e.ts,
			);
			const score = model.score(profile);
			if (!Number.isFinite(score)) throw new Error(`score is ${score}`);
			const flagged = score >= model.threshold;
			const evidence: Record<string, number | string> = {
				threshold: round(model.threshold),
				flagged: flagged ? 1 : 0,
				...(model.calibration === undefined ? {} : { calibration: model.calibration }),
				age_days: profile.createdAt === null ? "unknown" : round((e.ts - profile.createdAt) / DAY),
				posts,
			};
			if (flagged && model.explain && k > 0) {
				try {
					model.explain(profile, k).forEach((c, i) => {
						evidence[`top${i + 1}`] = `${c.feature}=${round(c.value)} (${c.weight >= 0 ? "+" : ""}${round(c.weight)})`;
					});
				} catch (err) {
					evidence.explainError = err instanceof Error ? err.message : String(err);
				}
			}
			return [
				{
					detector: BOT_SIGNAL,
					name: BOT_SIGNAL,
					entity: { kind: "account", id },
					score: round(score),
					reason: `${model.name} model: ${round(score)} ${flagged ? ">=" : "<"} threshold ${round(model.threshold)}`,
					evidence,
				},
			];
		},
	};
}

function count(ctx: DetectorContext, feature: string, id: string): number {
	const v = ctx.feature(feature, id);
	return typeof v === "number" ? v : 0;
}

/** The account's profile from its stored events, oldest first. */
function profileOf(v: ReturnType<DetectorContext["feature"]>): StreamAccount {
	let s: StreamAccount | undefined;
	if (Array.isArray(v))
		for (const item of [...(v as LastItem[])].reverse()) {
			if (typeof item.value !== "string") continue;
			try {
				s = applyAccountEvent(s, JSON.parse(item.value) as BulwarkEvent);
			} catch {
				// A value that is not one of ours is skipped.
			}
		}
	return s ?? EMPTY_STREAM_ACCOUNT;
}

const round = (x: number): number => Math.round(x * 1000) / 1000;
