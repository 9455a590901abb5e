/**
 * The platform's own accounts as the bot model sees them on the stream, for training and
 * evaluating it on them: the events replayed into each account's profile (the same adapter the
 * detector uses, `stream.ts`) at the moments the detector scores it - at signup, on every profile
 * change and at the 8th, 16th, 32nd, ... post - or once at the end, and written as user-object
 * CSV rows (`id,screen_name,...,label`) that `loadLabelledAccounts` reads back into the very same
 * profiles. So `bulwark eval accounts --data` and `bulwark train accounts --platform` take the
 * platform's reviewed accounts in the format they take the shared sets in.
 *
 * Counts are over the whole replay (the detector's windows are 365 days: the same for accounts
 * younger than a year).
 *
 * @example
 * for (const s of platformSnapshots(events, { moments: "scoring" })) csv += userObjectRow(s, labels.get(s.id));
 */
import type { BulwarkEvent } from "../../events/index.ts";
import type { AccountProfile } from "./profile.ts";
import { applyAccountEvent, profileFromStream, type StreamAccount, type StreamCounts } from "./stream.ts";

/** When the detector scores an account again as its posts accumulate: the 8th, 16th, 32nd, ... post. */
export const rescoreAtPosts = (n: number): boolean => n >= 8 && (n & (n - 1)) === 0;

/** Why a snapshot was taken: the detector's scoring moments, or the end of the replay. */
export type SnapshotMoment = "signup" | "update" | "posts" | "end";

/** One account's profile at one moment. */
export interface PlatformSnapshot {
	readonly id: string;
	readonly at: number;
	readonly moment: SnapshotMoment;
	readonly account: StreamAccount;
	readonly counts: StreamCounts;
	readonly profile: AccountProfile;
}

export interface SnapshotOptions {
	/** `scoring`: every moment the detector scores the account, then the end; `end`: the end only. */
	readonly moments: "scoring" | "end";
	/** Only these accounts (default all). */
	readonly only?: ReadonlySet<string>;
}

interface Tally {
	posts: number;
	likes: number;
	following: number;
	followers: number;
}

/**
 * Replays events (in time order) into snapshots of each account created in them. Events of an
 * account never seen created (its profile updates too) count towards others' numbers but make
 * no snapshot.
 */
export function* platformSnapshots(events: Iterable<BulwarkEvent>, opts: SnapshotOptions): Generator<PlatformSnapshot> {
	const accounts = new Map<string, StreamAccount>();
	const tallies = new Map<string, Tally>();
	const tally = (id: string): Tally => {
		let t = tallies.get(id);
		if (!t) {
			t = { posts: 0, likes: 0, following: 0, followers: 0 };
			tallies.set(id, t);
		}
		return t;
	};
	const wanted = (id: string) => !opts.only || opts.only.has(id);
	const snap = (id: string, at: number, moment: SnapshotMoment): PlatformSnapshot => {
		const account = accounts.get(id) as StreamAccount;
		const t = tally(id);
		const counts: StreamCounts = { ...t };
		return { id, at, moment, account, counts, profile: profileFromStream(account, counts, at) };
	};
	let last = Number.NEGATIVE_INFINITY;
	for (const e of events) {
		if (e.ts < last) throw new Error(`events out of time order at ${e.id} (${e.ts} after ${last})`);
		last = e.ts;
		const id = e.actor;
		switch (e.type) {
			case "account.created":
			case "account.updated": {
				// An update of an account created before these events is not one we can place in
				// time (its age is unknown; a user-object row needs created_at): left out.
				if (e.type === "account.updated" && !accounts.has(id)) break;
				accounts.set(id, applyAccountEvent(accounts.get(id), e));
				if (opts.moments === "scoring" && wanted(id))
					yield snap(id, e.ts, e.type === "account.created" ? "signup" : "update");
				break;
			}
			case "post.created": {
				const t = tally(id);
				t.posts++;
				if (opts.moments === "scoring" && rescoreAtPosts(t.posts) && accounts.has(id) && wanted(id))
					yield snap(id, e.ts, "posts");
				break;
			}
			case "post.liked":
				tally(id).likes++;
				break;
			case "account.followed":
			case "account.unfollowed": {
				const d = e.type === "account.followed" ? 1 : -1;
				tally(id).following += d;
				tally(e.data.targetId).followers += d;
				break;
			}
			default:
				break;
		}
	}
	if (last === Number.NEGATIVE_INFINITY) return;
	for (const id of accounts.keys()) if (wanted(id)) yield snap(id, last, "end");
}

/** The columns {@link userObjectRow} writes, a user-object CSV's header (then `label` when labelled). */
export const USER_OBJECT_COLUMNS = [
	"id",
	"screen_name",
	"name",
	"description",
	"created_at",
	"crawled_at",
	"statuses_count",
	"followers_count",
	"friends_count",
	"favourites_count",
	"default_profile_image",
	"url",
	"location",
	"moment",
] as const;

/** A CSV field, quoted when it must be. */
export function csvField(v: string): string {
	return /[",\r\n]/.test(v) || v.trim() !== v ? `"${v.replace(/"/g, '""')}"` : v;
}

/**
 * The snapshot as a user-object CSV line (with `\n`): what `twitterProfile` reads back into the
 * same profile (a bio that is exactly `NULL` reads back empty, as in the shared files). `label`,
 * 0 (human) or 1 (bot), is the last cell when given.
 */
export function userObjectRow(s: PlatformSnapshot, label?: 0 | 1): string {
	const a = s.account;
	const iso = (t: number | null) => (t === null ? "" : new Date(t).toISOString());
	const cells = [
		s.id,
		a.handle ?? "",
		a.displayName ?? "",
		a.bio ?? "",
		iso(a.createdAt),
		iso(s.at),
		String(s.counts.posts),
		String(Math.max(0, s.counts.followers)),
		String(Math.max(0, s.counts.following)),
		String(s.counts.likes),
		a.profileImageHash ? "0" : "1",
		a.url ?? "",
		a.location ?? "",
		s.moment,
	];
	if (label !== undefined) cells.push(String(label));
	return `${cells.map(csvField).join(",")}\n`;
}
