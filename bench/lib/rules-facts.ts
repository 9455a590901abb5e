// Facts for the engines that keep no windows and no lists (zen-engine, json-rules-engine):
// what each rule of bench/rules-pack reads, named, per event type. Computed facts use
// Bulwark's own list implementations and builtins; feature facts are read from the shared,
// untimed window pass (bench/lib/rules-stream.ts). The rules over them: rules-equiv.ts.

import type { Signal } from "../../src/core/detectors/index.ts";
import { type EntityState, isSuspended } from "../../src/core/enforcement/index.ts";
import type { BulwarkEvent, EventDataByType, EventType } from "../../src/core/events/index.ts";
import { capsRatio } from "../../src/core/rules/builtins/caps-ratio.ts";
import { formatPrefix, type ListReader, type ListView, parseIp } from "../../src/core/rules/index.ts";

export type FactValue = number | boolean | string;

/** What a computed fact reads: the event, the lists, and the recorded entity states and signals. */
export interface FactInput {
	e: BulwarkEvent;
	lists: ListReader;
	states: ReadonlyMap<string, EntityState>;
	signals: readonly Signal[];
}

/** A fact the adapter computes per event (event fields, list lookups, text tests, state, signals). */
export interface ComputedFact {
	name: string;
	on: readonly EventType[];
	/** A list lookup or a text scan (json-rules-engine evaluates conditions on these last). */
	costly: boolean;
	get(x: FactInput): FactValue;
}

/** A windowed feature value, computed by the shared, untimed window pass (as for Bulwark). */
export interface FeatureFact {
	name: string;
	feature: string;
	on: readonly EventType[];
	/** The entity id the value is kept for; undefined when the event has none (the value is 0). */
	id(e: BulwarkEvent): string | undefined;
}

export const POST = ["post.created"] as const satisfies readonly EventType[];
export const LIKE = ["post.liked"] as const satisfies readonly EventType[];
export const REPOST = ["post.reposted"] as const satisfies readonly EventType[];
export const FOLLOW = ["account.followed"] as const satisfies readonly EventType[];
export const SIGNUP = ["account.created"] as const satisfies readonly EventType[];
export const LOGIN = ["session.login"] as const satisfies readonly EventType[];
export const REPORT = ["report.filed"] as const satisfies readonly EventType[];
export const BOOST: readonly EventType[] = ["post.liked", "post.reposted"];
export const DEVICE_TYPES: readonly EventType[] = ["account.created", "session.login", "post.created"];
export const DC_TYPES: readonly EventType[] = ["post.created", "post.liked", "post.reposted", "account.followed"];
export const VELOCITY_TYPES: readonly EventType[] = ["post.created", "account.followed"];

const post = (e: BulwarkEvent) => e.data as EventDataByType["post.created"];
const signup = (e: BulwarkEvent) => e.data as EventDataByType["account.created"];
const ref = (e: BulwarkEvent) => e.data as EventDataByType["post.liked"];
const report = (e: BulwarkEvent) => e.data as EventDataByType["report.filed"];
const NONE: readonly string[] = [];

function list(x: FactInput, name: string): ListView {
	const l = x.lists.list(name);
	if (!l) throw new Error(`list ${name} is not loaded`);
	return l;
}
const countIn = (x: FactInput, values: readonly string[] | undefined, name: string): number => {
	if (!values?.length) return 0;
	const l = list(x, name);
	let n = 0;
	for (const v of values) if (l.has(v, x.e.ts)) n++;
	return n;
};
const anyIn = (x: FactInput, values: readonly string[] | undefined, name: string): boolean => {
	if (!values?.length) return false;
	const l = list(x, name);
	return values.some((v) => l.has(v, x.e.ts));
};
const keywords = (x: FactInput, text: string, name: string): number =>
	(list(x, name).countIn as NonNullable<ListView["countIn"]>)(text, x.e.ts);
const hasLabel = (x: FactInput, key: string | undefined, label: string): boolean => {
	const s = key === undefined ? undefined : x.states.get(key);
	return !!s?.labels.some((l) => l.label === label && (l.expiresAt === null || l.expiresAt > x.e.ts));
};
const actorKey = (x: FactInput) => `account:${x.e.actor}`;
const deviceKey = (x: FactInput) => (x.e.context?.deviceId ? `device:${x.e.context.deviceId}` : undefined);
const topScore = (x: FactInput, name: string): number => {
	let best = 0;
	for (const s of x.signals) if (s.name === name && s.score > best) best = s.score;
	return best;
};
const bio = (e: BulwarkEvent) => signup(e).bio ?? "";
const CRYPTO_DOUBLING = /send\s+0\.\d+/i;
const SHARE_BEFORE_DELETED = /(share|repost|spread) before (it|this) gets deleted/i;
const GENERATED_HANDLE = /^[a-z]+[0-9]{6}$/;
const capsOf = (text: string) => capsRatio.impl([text], undefined as never, undefined as never) as number;

function subnet24(ip: string | undefined): string | undefined {
	const a = ip === undefined ? undefined : parseIp(ip);
	return a ? formatPrefix(a, 24) : undefined;
}

const c = (
	name: string,
	on: readonly EventType[],
	costly: boolean,
	get: (x: FactInput) => FactValue,
): ComputedFact => ({
	name,
	on,
	costly,
	get,
});

/** Facts the adapters compute per event, with Bulwark's list implementations. */
export const COMPUTED_FACTS: readonly ComputedFact[] = [
	// event fields (the lets and conditions of the pack that read only the event)
	c("has_link", POST, false, (x) => (post(x.e).urls?.length ?? 0) > 0),
	c("is_reply", POST, false, (x) => post(x.e).replyTo !== undefined),
	c("mention_count", POST, false, (x) => post(x.e).mentions?.length ?? 0),
	c("hashtag_count", POST, false, (x) => post(x.e).hashtags?.length ?? 0),
	c("login_success", LOGIN, false, (x) => (x.e.data as EventDataByType["session.login"]).success),
	c("subject_kind", REPORT, false, (x) => report(x.e).subject.kind),
	c("report_reason", REPORT, false, (x) => report(x.e).reason),
	// lists and text
	c("spam_wording", POST, true, (x) => keywords(x, post(x.e).text, "spam_phrases")),
	c("spam_hashtag_count", POST, true, (x) => countIn(x, post(x.e).hashtags, "spam_hashtags")),
	c("known_spam_domain", POST, true, (x) => anyIn(x, post(x.e).urls, "spam_domains")),
	c(
		"abusive",
		POST,
		true,
		(x) => keywords(x, post(x.e).text, "insults") >= 1 || keywords(x, post(x.e).text, "abuse_phrases") >= 1,
	),
	c("claim_match", POST, true, (x) =>
		(list(x, "debunked_claims").maxSimilarity as NonNullable<ListView["maxSimilarity"]>)(post(x.e).text, x.e.ts),
	),
	c("shortener_link", POST, true, (x) => anyIn(x, post(x.e).urls, "shorteners")),
	c("crypto_wording", POST, true, (x) => keywords(x, post(x.e).text, "crypto_words")),
	c("crypto_doubling_text", POST, true, (x) => CRYPTO_DOUBLING.test(post(x.e).text)),
	c("bad_media", POST, true, (x) => anyIn(x, post(x.e).mediaHashes ?? NONE, "bad_media")),
	c("claim_tag_count", POST, true, (x) => countIn(x, post(x.e).hashtags, "claim_tags")),
	c("share_before_deleted", POST, true, (x) => SHARE_BEFORE_DELETED.test(post(x.e).text)),
	c("caps_ratio", POST, true, (x) => capsOf(post(x.e).text)),
	c("ip_datacenter", DC_TYPES, true, (x) => list(x, "datacenter_ranges").has(x.e.context?.ip ?? "", x.e.ts)),
	c("promo_bio", SIGNUP, true, (x) => {
		const b = bio(x.e);
		const lower = b.toLowerCase();
		return lower.includes("dm for promo") || lower.includes("giveaway") || b.startsWith("💰");
	}),
	c("generated_handle", SIGNUP, true, (x) => GENERATED_HANDLE.test(signup(x.e).handle)),
	c("disposable_email", SIGNUP, true, (x) => {
		const m = (signup(x.e).email ?? "").toLowerCase();
		return m.endsWith("@mailinator.com") || m.endsWith("@guerrillamail.com") || m.endsWith("@10minutemail.com");
	}),
	// entity state (recorded) and signals (recorded)
	c("actor_suspended", [], false, (x) => isSuspended(x.states.get(actorKey(x)), x.e.ts)),
	c("device_used_for_abuse", DEVICE_TYPES, false, (x) => hasLabel(x, deviceKey(x), "used_for_abuse")),
	c("actor_possible_evader", DEVICE_TYPES, false, (x) => hasLabel(x, actorKey(x), "possible_evader")),
	c("actor_spam_label", VELOCITY_TYPES, false, (x) => hasLabel(x, actorKey(x), "spam")),
	c("actor_generated_handle", POST, false, (x) => hasLabel(x, actorKey(x), "generated_handle")),
	c("actor_harasser", POST, false, (x) => hasLabel(x, actorKey(x), "harasser")),
	c("velocity_posts", VELOCITY_TYPES, false, (x) => topScore(x, "velocity.posts")),
	c("velocity_follows", VELOCITY_TYPES, false, (x) => topScore(x, "velocity.follows")),
];

const actor = (e: BulwarkEvent) => e.actor;
const f = (name: string, on: readonly EventType[], id: (e: BulwarkEvent) => string | undefined): FeatureFact => ({
	name,
	feature: name,
	on,
	id,
});

/** Every feature a rule reads, with the entity it is read for on each event type. */
export const FEATURE_FACTS: readonly FeatureFact[] = [
	f("link_posts_1h", POST, actor),
	f("link_replies_1h", POST, actor),
	f("link_posters_per_subnet_1h", POST, (e) => subnet24(e.context?.ip)),
	f("abusive_replies_1h", POST, actor),
	f("abusive_repliers_10m", POST, (e) => post(e).replyTo?.authorId),
	f("claim_posts_24h", POST, actor),
	f("accounts_per_device_7d", DEVICE_TYPES, (e) => e.context?.deviceId),
	f("likers_2m", BOOST, (e) => ref(e).postId),
	f("reposters_2m", BOOST, (e) => ref(e).postId),
	f("follows_5m", FOLLOW, actor),
	f("follows_24h", FOLLOW, actor),
	f("distinct_followed_1h", FOLLOW, actor),
	f("hashtag_posts_1h", POST, actor),
	f("spam_domain_posts_1h", POST, actor),
	f("crypto_posts_1h", POST, actor),
	f("dc_actions_1h", DC_TYPES, actor),
	f("links_1h", POST, actor),
	f("signups_per_subnet_24h", SIGNUP, (e) => subnet24(e.context?.ip)),
	f("signups_per_device_24h", SIGNUP, (e) => e.context?.deviceId),
	f("failed_logins_ip_1h", LOGIN, (e) => e.context?.ip),
	f("logins_failed_1h", LOGIN, actor),
	f("distinct_ips_24h", ["session.login", "post.created"], actor),
	f("accounts_per_ip_24h", ["account.created", "session.login"], (e) => e.context?.ip),
	f("profile_updates_24h", ["account.updated"], actor),
	f("replies_10m", POST, actor),
	f("mentions_1h", POST, actor),
	f("reply_targets_1h", POST, actor),
	f("shouting_posts_1h", POST, actor),
	f("reports_filed_1h", REPORT, actor),
	f("post_reporters_24h", REPORT, (e) => report(e).subject.id),
	f("reports_received_24h", REPORT, (e) => report(e).subject.id),
	f("likes_given_10m", LIKE, actor),
	f("reposts_given_10m", REPOST, actor),
	f("author_likers_1h", LIKE, (e) => ref(e).authorId),
	f("likes_1h", LIKE, (e) => ref(e).postId),
	f("follow_targets_10m", FOLLOW, actor),
	f("followers_gained_1h", FOLLOW, (e) => (e.data as EventDataByType["account.followed"]).targetId),
	f("views_1h", ["post.viewed"], (e) => ref(e).postId),
];

/** Facts every rule on `type` may read, by name; `actor_suspended` (on: []) applies to every type. */
export function factsOn(type: EventType): { computed: ComputedFact[]; features: FeatureFact[] } {
	return {
		computed: COMPUTED_FACTS.filter((x) => x.on.length === 0 || x.on.includes(type)),
		features: FEATURE_FACTS.filter((x) => x.on.includes(type)),
	};
}
