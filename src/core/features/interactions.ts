import type { BulwarkEvent } from "../events/index.ts";
import type { FeatureSpec } from "./spec.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/**
 * The key of a directed pair of accounts, `from` acting towards `to`: the length of `from` first,
 * so that ids holding `>` cannot make two pairs share a key.
 * @example pairKey("u1", "u2") // "2:u1>u2"
 */
export const pairKey = (from: string, to: string): string => `${from.length}:${from}>${to}`;

/**
 * The account a post is addressed to: the author of the post it replies to, else its first
 * mention; undefined for a post to nobody or to its own author (a thread).
 */
export function recipientOf(e: BulwarkEvent): string | undefined {
	if (e.type !== "post.created") return undefined;
	const to = e.data.replyTo?.authorId ?? e.data.mentions?.[0];
	return to === undefined || to === e.actor ? undefined : to;
}

/** The account an engagement (reply, mention, like, repost) is aimed at. */
function engagedWith(e: BulwarkEvent): string | undefined {
	if (e.type === "post.liked" || e.type === "post.reposted")
		return e.data.authorId === e.actor ? undefined : e.data.authorId;
	return recipientOf(e);
}

const FOLLOW_EVENTS = ["account.followed", "account.unfollowed"] as const;

/**
 * Windowed features of who interacts with whom, for the `unwanted` model: kept only when that
 * model is served (they cost a window per pair of accounts that followed or engaged). Until a
 * graph store exists, a follow is remembered for a year as a windowed sum (+1 follow, -1
 * unfollow), so a follow older than that reads as none.
 */
export const INTERACTION_FEATURES: FeatureSpec[] = [
	{
		name: "follows_pair",
		description:
			"for the pair key follower>followee (pairKey): follows minus unfollows in the last 365 days (> 0: follows)",
		entity: "account",
		on: FOLLOW_EVENTS,
		key: (e) =>
			e.type === "account.followed" || e.type === "account.unfollowed" ? pairKey(e.actor, e.data.targetId) : undefined,
		agg: { kind: "sum", of: (e) => (e.type === "account.followed" ? 1 : -1) },
		windowMs: 365 * DAY,
		buckets: 1,
	},
	{
		name: "engaged_pair_30d",
		description:
			"for the pair key actor>recipient (pairKey): replies, mentions, likes and reposts aimed at the recipient in 30 days",
		entity: "account",
		on: ["post.created", "post.liked", "post.reposted"],
		key: (e) => {
			const to = engagedWith(e);
			return to === undefined ? undefined : pairKey(e.actor, to);
		},
		agg: { kind: "count" },
		windowMs: 30 * DAY,
		buckets: 30,
	},
	{
		name: "repliers_15m",
		description: "distinct accounts that replied to or mentioned the account in 15 minutes (a pile-on)",
		entity: "account",
		on: ["post.created"],
		key: recipientOf,
		agg: { kind: "distinct", of: (e) => e.actor },
		windowMs: 15 * MIN,
		buckets: 15,
	},
	{
		name: "repliers_24h",
		description: "distinct accounts that replied to or mentioned the account in 24 hours",
		entity: "account",
		on: ["post.created"],
		key: recipientOf,
		agg: { kind: "distinct", of: (e) => e.actor },
		windowMs: DAY,
		buckets: 24,
	},
	{
		name: "created_at",
		description: "when the account was created (its account.created event), kept for 365 days",
		entity: "account",
		on: ["account.created"],
		key: (e) => e.actor,
		agg: { kind: "last", n: 1, of: (e) => e.ts },
		windowMs: 365 * DAY,
		buckets: 1,
	},
];
