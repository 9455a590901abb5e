import type { BulwarkEvent } from "../events/index.ts";
import type { FeatureSpec } from "./spec.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const actor = (e: BulwarkEvent) => e.actor;
const targetOf = (e: BulwarkEvent) => (e.type === "account.followed" ? e.data.targetId : undefined);
const postId = (e: BulwarkEvent) =>
	e.type === "post.liked" || e.type === "post.reposted" || e.type === "post.viewed" ? e.data.postId : undefined;

/**
 * The features the built-in detectors read. Later issues declare more (from the rules
 * language); this list is the minimum the velocity detector and the entity view need.
 */
export const DEFAULT_FEATURES: FeatureSpec[] = [
	{
		name: "posts_5m",
		description: "posts and replies in the last 5 minutes",
		entity: "account",
		on: ["post.created"],
		key: actor,
		agg: { kind: "count" },
		windowMs: 5 * MIN,
		buckets: 10,
	},
	{
		name: "posts_24h",
		description: "posts and replies in the last 24 hours",
		entity: "account",
		on: ["post.created"],
		key: actor,
		agg: { kind: "count" },
		windowMs: DAY,
		buckets: 48,
	},
	{
		name: "follows_5m",
		description: "accounts followed in the last 5 minutes",
		entity: "account",
		on: ["account.followed"],
		key: actor,
		agg: { kind: "count" },
		windowMs: 5 * MIN,
		buckets: 10,
	},
	{
		name: "follows_24h",
		description: "accounts followed in the last 24 hours",
		entity: "account",
		on: ["account.followed"],
		key: actor,
		agg: { kind: "count" },
		windowMs: DAY,
		buckets: 48,
	},
	{
		name: "likes_5m",
		description: "likes given in the last 5 minutes",
		entity: "account",
		on: ["post.liked"],
		key: actor,
		agg: { kind: "count" },
		windowMs: 5 * MIN,
		buckets: 10,
	},
	{
		name: "distinct_followed_1h",
		description: "distinct accounts followed in the last hour",
		entity: "account",
		on: ["account.followed"],
		key: actor,
		agg: { kind: "distinct", of: targetOf },
		windowMs: HOUR,
		buckets: 12,
	},
	{
		name: "distinct_ips_24h",
		description: "distinct IP addresses the account acted from in 24 hours",
		entity: "account",
		on: ["session.login", "post.created", "account.created"],
		key: actor,
		agg: { kind: "distinct", of: (e) => e.context?.ip },
		windowMs: DAY,
		buckets: 24,
	},
	{
		name: "logins_failed_1h",
		description: "failed logins in the last hour",
		entity: "account",
		on: ["session.login"],
		key: actor,
		where: (e) => e.type === "session.login" && !e.data.success,
		agg: { kind: "count" },
		windowMs: HOUR,
		buckets: 12,
	},
	{
		name: "reports_received_24h",
		description: "reports filed about the account in 24 hours",
		entity: "account",
		on: ["report.filed"],
		key: (e) => (e.type === "report.filed" && e.data.subject.kind === "account" ? e.data.subject.id : undefined),
		agg: { kind: "count" },
		windowMs: DAY,
		buckets: 24,
	},
	{
		name: "recent_texts",
		description: "the account's last 10 post texts",
		entity: "account",
		on: ["post.created"],
		key: actor,
		agg: { kind: "last", n: 10, of: (e) => (e.type === "post.created" ? e.data.text.slice(0, 280) : undefined) },
		windowMs: 7 * DAY,
		buckets: 1,
	},
	{
		name: "likes_1h",
		description: "likes the post received in the last hour",
		entity: "post",
		on: ["post.liked"],
		key: postId,
		agg: { kind: "count" },
		windowMs: HOUR,
		buckets: 12,
	},
	{
		name: "reposts_1h",
		description: "reposts of the post in the last hour",
		entity: "post",
		on: ["post.reposted"],
		key: postId,
		agg: { kind: "count" },
		windowMs: HOUR,
		buckets: 12,
	},
	{
		name: "views_1h",
		description: "impressions of the post in the last hour",
		entity: "post",
		on: ["post.viewed"],
		key: postId,
		agg: { kind: "sum", of: (e) => (e.type === "post.viewed" ? e.data.count : undefined) },
		windowMs: HOUR,
		buckets: 12,
	},
	{
		name: "accounts_per_ip_24h",
		description: "distinct accounts seen from the IP in 24 hours",
		entity: "ip",
		on: ["account.created", "session.login", "post.created"],
		key: (e) => e.context?.ip,
		agg: { kind: "distinct", of: actor },
		windowMs: DAY,
		buckets: 24,
	},
];
