// The benchmark pack (bench/rules-pack/*.rules) restated for engines that keep no windows and
// no lists: named facts per event, and each rule as a conjunction of comparisons on facts
// (with `any` groups for the language's `or`). bench/lib/rules-engines.ts turns this into a
// zen-engine decision graph and json-rules-engine rules; the benchmark fails when any engine
// disagrees with Bulwark on any event, so a drift between this file and the pack is caught.

import type { EventType } from "../../src/core/events/index.ts";
import {
	BOOST,
	DC_TYPES,
	DEVICE_TYPES,
	type FactValue,
	FOLLOW,
	LIKE,
	LOGIN,
	POST,
	REPORT,
	REPOST,
	SIGNUP,
	VELOCITY_TYPES,
} from "./rules-facts.ts";

export type Op = "==" | "!=" | ">=" | ">" | "<=" | "<";
export type Cond = readonly [fact: string, op: Op, value: FactValue] | { readonly any: readonly Cond[] };

export interface EquivRule {
	name: string;
	/** null: every event type. */
	on: readonly EventType[] | null;
	all: readonly Cond[];
}

const r = (name: string, on: readonly EventType[] | null, ...all: Cond[]): EquivRule => ({ name, on, all });
const any = (...conds: Cond[]): Cond => ({ any: conds });
const aimed = any(["is_reply", "==", true], ["mention_count", ">", 0]);
const burst: Cond[] = [
	["likers_2m", ">=", 6],
	["reposters_2m", ">=", 3],
];

/** The 64 rules of bench/rules-pack, in the pack's order (files by path, rules by position). */
export const EQUIV_RULES: readonly EquivRule[] = [
	// amplification.rules
	r("coordinated_boost", BOOST, ...burst),
	r("boost_participant", BOOST, ...burst),
	r("follow_burst", FOLLOW, ["follows_5m", ">=", 45]),
	// core.rules
	r("suspended_actor_denied", null, ["actor_suspended", "==", true]),
	r("velocity_nudge", VELOCITY_TYPES, any(["velocity_posts", ">=", 0.5], ["velocity_follows", ">=", 0.5])),
	r("velocity_challenge", VELOCITY_TYPES, any(["velocity_posts", ">=", 0.9], ["velocity_follows", ">=", 0.9])),
	// evasion.rules
	r(
		"evader_device",
		DEVICE_TYPES,
		["device_used_for_abuse", "==", true],
		["accounts_per_device_7d", ">=", 2],
		["actor_possible_evader", "==", false],
	),
	// harassment.rules
	r("abusive_reply", POST, aimed, ["abusive", "==", true]),
	r("repeat_harasser", POST, aimed, ["abusive", "==", true], ["abusive_replies_1h", ">=", 3]),
	r("pile_on", POST, ["is_reply", "==", true], ["abusive", "==", true], ["abusive_repliers_10m", ">=", 4]),
	r("pile_on_target", POST, ["is_reply", "==", true], ["abusive", "==", true], ["abusive_repliers_10m", ">=", 6]),
	r("reported_account", REPORT, ["subject_kind", "==", "account"], ["reports_received_24h", ">=", 3]),
	// misinfo.rules
	r("debunked_claim_copy", POST, ["claim_match", ">=", 0.45]),
	r("claim_spreader", POST, ["claim_match", ">=", 0.45], ["claim_posts_24h", ">=", 2]),
	// spam.rules
	r("spam_post", POST, ["has_link", "==", true], ["spam_wording", ">=", 2], ["spam_hashtag_count", ">=", 2]),
	r("spam_link_burst", POST, ["has_link", "==", true], ["spam_wording", ">=", 1], ["link_posts_1h", ">=", 5]),
	r(
		"reply_link_spam",
		POST,
		["is_reply", "==", true],
		["has_link", "==", true],
		["spam_wording", ">=", 1],
		["link_replies_1h", ">=", 3],
	),
	r("known_spam_domain", POST, ["known_spam_domain", "==", true]),
	r("botnet_subnet", POST, ["has_link", "==", true], ["link_posters_per_subnet_1h", ">=", 5]),
	// x-accounts.rules
	r("promo_bio", SIGNUP, ["promo_bio", "==", true]),
	r("generated_handle", SIGNUP, ["generated_handle", "==", true]),
	r("generated_promo_account", SIGNUP, ["generated_handle", "==", true], ["promo_bio", "==", true]),
	r("generated_handle_links", POST, ["has_link", "==", true], ["actor_generated_handle", "==", true]),
	r("subnet_signup_burst", SIGNUP, ["signups_per_subnet_24h", ">=", 10]),
	r("device_signup_burst", SIGNUP, ["signups_per_device_24h", ">=", 3]),
	r("disposable_email", SIGNUP, ["disposable_email", "==", true]),
	r("evader_signup", SIGNUP, ["device_used_for_abuse", "==", true]),
	r("failed_login_ip", LOGIN, ["login_success", "==", false], ["failed_logins_ip_1h", ">=", 5]),
	r("failed_login_account", LOGIN, ["logins_failed_1h", ">=", 3]),
	r("many_ips", ["session.login", "post.created"], ["distinct_ips_24h", ">=", 5]),
	r("shared_ip", ["account.created", "session.login"], ["accounts_per_ip_24h", ">=", 5]),
	r("profile_churn", ["account.updated"], ["profile_updates_24h", ">=", 3]),
	r("suspended_login", LOGIN, ["actor_suspended", "==", true], ["login_success", "==", true]),
	// x-social.rules
	r("reply_storm", POST, ["is_reply", "==", true], ["replies_10m", ">=", 15]),
	r("mention_spam", POST, ["mention_count", ">", 0], ["mentions_1h", ">=", 30]),
	r("abusive_shouting", POST, ["abusive", "==", true], ["caps_ratio", ">", 0.5]),
	r("harasser_again", POST, ["is_reply", "==", true], ["abusive", "==", true], ["actor_harasser", "==", true]),
	r("abusive_spree", POST, ["is_reply", "==", true], ["abusive", "==", true], ["reply_targets_1h", ">=", 5]),
	r("serial_reporter", REPORT, ["reports_filed_1h", ">=", 5]),
	r("reported_post", REPORT, ["subject_kind", "==", "post"], ["post_reporters_24h", ">=", 3]),
	r(
		"harassment_reports",
		REPORT,
		["subject_kind", "==", "account"],
		["report_reason", "==", "harassment"],
		["reports_received_24h", ">=", 2],
	),
	r("like_burst", LIKE, ["likes_given_10m", ">=", 30]),
	r("repost_burst", REPOST, ["reposts_given_10m", ">=", 15]),
	r("boosted_author", LIKE, ["author_likers_1h", ">=", 40], ["likes_1h", ">=", 10]),
	r("view_spike", ["post.viewed"], ["views_1h", ">=", 500]),
	r("follow_spree", FOLLOW, ["follow_targets_10m", ">=", 30]),
	r("follower_surge", FOLLOW, ["followers_gained_1h", ">=", 50]),
	r("follow_farm", FOLLOW, ["follows_24h", ">=", 100], ["distinct_followed_1h", ">=", 60]),
	r("claim_hashtags", POST, ["claim_tag_count", ">=", 1], ["claim_match", ">=", 0.3]),
	r("share_before_deleted", POST, ["share_before_deleted", "==", true]),
	r("shouting_claims", POST, ["claim_match", ">=", 0.45], ["shouting_posts_1h", ">=", 2]),
	r("velocity_links", POST, ["has_link", "==", true], ["velocity_posts", ">=", 0.5]),
	r("velocity_spammer", VELOCITY_TYPES, any(["velocity_posts", ">=", 0.7], ["velocity_follows", ">=", 0.7]), [
		"actor_spam_label",
		"==",
		true,
	]),
	// x-spam.rules
	r("shortener_spam", POST, ["shortener_link", "==", true], ["spam_wording", ">=", 1]),
	r("hashtag_stuffing", POST, ["hashtag_count", ">=", 3], ["spam_hashtag_count", ">=", 2]),
	r("hashtag_flood", POST, ["hashtag_count", ">=", 2], ["hashtag_posts_1h", ">=", 8]),
	r(
		"crypto_doubling",
		POST,
		["has_link", "==", true],
		["crypto_wording", ">=", 1],
		["crypto_doubling_text", "==", true],
	),
	r("crypto_poster", POST, ["crypto_wording", ">=", 1], ["crypto_posts_1h", ">=", 3]),
	r("datacenter_link", POST, ["has_link", "==", true], ["ip_datacenter", "==", true]),
	r("datacenter_automation", DC_TYPES, ["ip_datacenter", "==", true], ["dc_actions_1h", ">=", 20]),
	r("spam_domain_repeat", POST, ["known_spam_domain", "==", true], ["spam_domain_posts_1h", ">=", 3]),
	r("link_flood", POST, ["has_link", "==", true], ["spam_wording", ">=", 1], ["links_1h", ">=", 10]),
	r("bad_media_post", POST, ["bad_media", "==", true]),
	r("labelled_spammer_link", POST, ["has_link", "==", true], ["actor_spam_label", "==", true]),
];

/** Rules that apply to `type`, in pack order. */
export const rulesOn = (type: EventType): EquivRule[] =>
	EQUIV_RULES.filter((x) => x.on === null || x.on.includes(type));

/** Every fact name a condition reads (for checking that each is defined on the rule's types). */
export function factsOf(conds: readonly Cond[]): string[] {
	const out: string[] = [];
	const walk = (x: Cond) => {
		if ("any" in x) for (const y of x.any) walk(y);
		else out.push(x[0]);
	};
	for (const x of conds) walk(x);
	return out;
}
