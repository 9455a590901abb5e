/**
 * Behaviour features of an account from its stream, for the behaviour model: inter-event timing
 * (rate, regularity as the coefficient of variation of the gaps, Goh-Barabási burstiness, the
 * entropy of log-scaled gaps), the day-night pattern (hour-of-day entropy, the share of events in
 * the account's quietest 8 hours), the mix of actions (posts, replies, reposts, likes, follows),
 * follow churn, the share of posts with links, the duplicate-content ratio and device diversity.
 *
 * The state is O(1) per account: each activity event is packed into one number
 * ({@link packActivity}: its kind, a link bit, a hash of the normalised text and of the device)
 * and the newest {@link RECENT_EVENTS} are kept with their times (a `last` window, so it is
 * snapshotted and rebuilt like every other window), besides a count of all activity. The features
 * are computed from that ring when the account is scored, never per event.
 *
 * @example
 * const ring = [{ ts: 3_000, value: packActivity(post) }, { ts: 1_000, value: packActivity(like) }]; // newest first
 * const x = behaviourFeatures(ring, 2); // Float64Array in BEHAVIOUR_FEATURE_NAMES order, NaN where undefined
 */
import type { BulwarkEvent, EventType } from "../../events/index.ts";

/** The actions an account's behaviour is read from (logins, views, reports and profile events are not). */
export const ACTIVITY_EVENTS: readonly EventType[] = [
	"post.created",
	"post.liked",
	"post.reposted",
	"account.followed",
	"account.unfollowed",
];

/** Activity kinds, as packed in the low 3 bits. */
export const KIND = { post: 0, reply: 1, repost: 2, like: 3, follow: 4, unfollow: 5 } as const;

/** Activity events kept per account (enough for gap statistics; 32 numbers and 32 times). */
export const RECENT_EVENTS = 32;

const TEXT_BITS = 18;
const TEXT_SPAN = 2 ** TEXT_BITS;
const DEVICE_SPAN = 256;

/**
 * The text as duplicates are compared: lower case, links, mentions and numbers dropped, spaces
 * collapsed (a template with a new link or a counter is the same text).
 */
export function normaliseForDuplicates(text: string): string {
	return text
		.toLowerCase()
		.replace(/https?:\/\/\S+|www\.\S+/g, " ")
		.replace(/@\w+/g, " ")
		.replace(/\d+/g, "0")
		.replace(/[^\p{L}\p{N}#]+/gu, " ")
		.trim();
}

/** FNV-1a, 32 bits, unsigned. */
function fnv(s: string): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
	return h >>> 0;
}

/**
 * One activity event as a non-negative integer below 2^30: kind (3 bits), has-link (1 bit),
 * device hash (8 bits, 0 = none given) and normalised-text hash (18 bits, posts only, 0 for an
 * empty text). Below 2^30 it is a small integer to V8, kept unboxed in the window's array (a
 * 31-bit value made the ring's inserts cost twice as much). Undefined for an event that is not activity.
 * @example packActivity({ type: "post.liked", ... }) // 3 + device bits
 */
export function packActivity(e: BulwarkEvent): number | undefined {
	let kind: number;
	let url = 0;
	let text = 0;
	switch (e.type) {
		case "post.created": {
			kind = e.data.replyTo ? KIND.reply : KIND.post;
			url = e.data.urls?.length || /https?:\/\//.test(e.data.text) ? 1 : 0;
			const norm = normaliseForDuplicates(e.data.text);
			text = norm === "" ? 0 : 1 + (fnv(norm) % (TEXT_SPAN - 1));
			break;
		}
		case "post.reposted":
			kind = KIND.repost;
			break;
		case "post.liked":
			kind = KIND.like;
			break;
		case "account.followed":
			kind = KIND.follow;
			break;
		case "account.unfollowed":
			kind = KIND.unfollow;
			break;
		default:
			return undefined;
	}
	const dev = e.context?.deviceId ?? e.context?.userAgent;
	const device = dev === undefined || dev === "" ? 0 : 1 + (fnv(dev) % (DEVICE_SPAN - 1));
	return kind + 8 * url + 16 * device + 16 * DEVICE_SPAN * text;
}

/** The parts of a packed activity. */
export function unpackActivity(v: number): { kind: number; url: boolean; device: number; text: number } {
	return {
		kind: v % 8,
		url: Math.floor(v / 8) % 2 === 1,
		device: Math.floor(v / 16) % DEVICE_SPAN,
		text: Math.floor(v / (16 * DEVICE_SPAN)),
	};
}

/** The feature vector's layout (the behaviour model's trees index into it). */
export const BEHAVIOUR_FEATURE_NAMES = [
	"activity_total",
	"recent_events",
	"span_hours",
	"events_per_hour",
	"gap_median_s",
	"gap_min_s",
	"gap_cv",
	"burstiness",
	"gap_entropy",
	"hour_entropy",
	"quiet8_share",
	"share_posts",
	"share_replies",
	"share_reposts",
	"share_likes",
	"share_follows",
	"follow_churn",
	"url_share",
	"duplicate_ratio",
	"devices",
	"devices_per_event",
] as const;
export type BehaviourFeature = (typeof BEHAVIOUR_FEATURE_NAMES)[number];
export const BEHAVIOUR_FEATURE_COUNT = BEHAVIOUR_FEATURE_NAMES.length;
const F = Object.fromEntries(BEHAVIOUR_FEATURE_NAMES.map((n, i) => [n, i])) as Record<BehaviourFeature, number>;

/** One kept activity: when, and its packed value (see {@link packActivity}). */
export interface ActivityItem {
	readonly ts: number;
	readonly value: string | number;
}

const HOUR = 3_600_000;
/** Log2 gap buckets: < 1 s, 1-2 s, 2-4 s, ... the last holds everything from 2^16 s (18 h) on. */
const GAP_BUCKETS = 18;

/**
 * Goh-Barabási burstiness of inter-event gaps: (σ - μ) / (σ + μ), -1 for perfectly regular,
 * about 0 for a Poisson process, towards 1 for bursts separated by long silences. NaN for fewer
 * than two gaps or all-zero gaps.
 */
export function burstiness(gaps: ArrayLike<number>): number {
	const { mean, sd } = moments(gaps);
	return gaps.length < 2 || mean + sd === 0 ? Number.NaN : (sd - mean) / (sd + mean);
}

/** Coefficient of variation σ / μ of the gaps (0 regular, 1 Poisson, > 1 bursty); NaN when undefined. */
export function coefficientOfVariation(gaps: ArrayLike<number>): number {
	const { mean, sd } = moments(gaps);
	return gaps.length < 2 || mean === 0 ? Number.NaN : sd / mean;
}

function moments(xs: ArrayLike<number>): { mean: number; sd: number } {
	const n = xs.length;
	if (n === 0) return { mean: Number.NaN, sd: Number.NaN };
	let s = 0;
	for (let i = 0; i < n; i++) s += xs[i] as number;
	const mean = s / n;
	let v = 0;
	for (let i = 0; i < n; i++) v += ((xs[i] as number) - mean) ** 2;
	return { mean, sd: Math.sqrt(v / n) };
}

/** Shannon entropy in bits of a histogram (0 for an empty one). */
export function entropyBits(counts: ArrayLike<number>): number {
	let total = 0;
	for (let i = 0; i < counts.length; i++) total += counts[i] as number;
	if (total === 0) return 0;
	let h = 0;
	for (let i = 0; i < counts.length; i++) {
		const c = counts[i] as number;
		if (c > 0) h -= (c / total) * Math.log2(c / total);
	}
	return h;
}

/** The log2 bucket of a gap in ms (see {@link GAP_BUCKETS}). */
export function gapBucket(gapMs: number): number {
	const s = gapMs / 1000;
	if (s < 1) return 0;
	return Math.min(GAP_BUCKETS - 1, 1 + Math.floor(Math.log2(s)));
}

/**
 * The least share of the events in any 8 consecutive hours of the day (UTC, wrapping at
 * midnight): near 0 for an account that sleeps, about 1/3 for one active round the clock.
 */
export function quietShare(hours: ArrayLike<number>, total: number): number {
	if (total === 0) return Number.NaN;
	let least = Number.POSITIVE_INFINITY;
	for (let start = 0; start < 24; start++) {
		let s = 0;
		for (let k = 0; k < 8; k++) s += hours[(start + k) % 24] as number;
		if (s < least) least = s;
	}
	return least / total;
}

/**
 * The behaviour features from the kept activities (newest first, as a `last` window reads) and
 * the account's total activity count. Undefined values are NaN (the trees send them down the side
 * they learnt): timing needs two events, duplicates two posts, link share one post.
 */
export function behaviourFeatures(
	recent: readonly ActivityItem[],
	total: number,
	out: Float64Array = new Float64Array(BEHAVIOUR_FEATURE_COUNT),
): Float64Array {
	out.fill(Number.NaN);
	const items: { ts: number; v: number }[] = [];
	for (const it of recent)
		if (typeof it.value === "number" && Number.isFinite(it.ts)) items.push({ ts: it.ts, v: it.value });
	const n = items.length;
	out[F.activity_total] = Math.max(total, n);
	out[F.recent_events] = n;
	if (n === 0) return out;
	items.sort((a, b) => a.ts - b.ts);

	const kinds = new Float64Array(8);
	const hours = new Float64Array(24);
	const devices = new Set<number>();
	const texts = new Set<number>();
	let posts = 0;
	let withUrl = 0;
	let textPosts = 0;
	for (const { ts, v } of items) {
		const a = unpackActivity(v);
		kinds[a.kind] = (kinds[a.kind] as number) + 1;
		const h = Math.floor((((ts % 86_400_000) + 86_400_000) % 86_400_000) / HOUR);
		hours[h] = (hours[h] as number) + 1;
		if (a.device !== 0) devices.add(a.device);
		if (a.kind === KIND.post || a.kind === KIND.reply) {
			posts++;
			if (a.url) withUrl++;
			if (a.text !== 0) {
				textPosts++;
				texts.add(a.text);
			}
		}
	}
	const share = (k: number) => (kinds[k] as number) / n;
	out[F.share_posts] = share(KIND.post);
	out[F.share_replies] = share(KIND.reply);
	out[F.share_reposts] = share(KIND.repost);
	out[F.share_likes] = share(KIND.like);
	out[F.share_follows] = share(KIND.follow) + share(KIND.unfollow);
	const follows = kinds[KIND.follow] as number;
	const unfollows = kinds[KIND.unfollow] as number;
	if (follows + unfollows > 0) out[F.follow_churn] = unfollows / (follows + unfollows);
	if (posts > 0) out[F.url_share] = withUrl / posts;
	if (textPosts >= 2) out[F.duplicate_ratio] = 1 - texts.size / textPosts;
	out[F.devices] = devices.size;
	out[F.devices_per_event] = devices.size / n;
	out[F.hour_entropy] = n >= 2 ? entropyBits(hours) / Math.log2(Math.min(n, 24)) : Number.NaN;
	out[F.quiet8_share] = quietShare(hours, n);
	if (n < 2) return out;

	const gaps = new Float64Array(n - 1);
	const buckets = new Float64Array(GAP_BUCKETS);
	for (let i = 1; i < n; i++) {
		const g = (items[i] as { ts: number }).ts - (items[i - 1] as { ts: number }).ts;
		gaps[i - 1] = g;
		const b = gapBucket(g);
		buckets[b] = (buckets[b] as number) + 1;
	}
	const span = (items[n - 1] as { ts: number }).ts - (items[0] as { ts: number }).ts;
	out[F.span_hours] = span / HOUR;
	out[F.events_per_hour] = span > 0 ? ((n - 1) * HOUR) / span : Number.NaN;
	const sorted = Float64Array.from(gaps).sort();
	out[F.gap_min_s] = (sorted[0] as number) / 1000;
	out[F.gap_median_s] = (sorted[Math.floor((sorted.length - 1) / 2)] as number) / 1000;
	out[F.gap_cv] = coefficientOfVariation(gaps);
	out[F.burstiness] = burstiness(gaps);
	out[F.gap_entropy] = entropyBits(buckets);
	return out;
}
