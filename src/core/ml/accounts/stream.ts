/**
 * The adapter from our own account events plus stream state to an {@link AccountProfile}, so the
 * bot model sees the same features on the stream as on the Twitter data it was trained on.
 *
 * What maps: handle -> screen name, displayName -> name, bio -> description, posts -> statuses,
 * follows received -> followers, follows made -> friends, likes given -> favourites, the
 * `account.created` time -> created_at, the event's time -> the probe time, no profile image ->
 * default image, and `url` / `location` (false until an `account.updated` sets them). What we do not have
 * (lists, verified, themes, geo, time zone, banner) stays null: NaN to the trees, which send it
 * down the side they learnt for missing values.
 *
 * @example
 * let s = applyAccountEvent(undefined, created);         // account.created
 * s = applyAccountEvent(s, updated);                      // account.updated { changes: { bio } }
 * profileFromStream(s, { posts: 12, followers: 3, following: 400, likes: 0 }, now)
 */
import type { BulwarkEvent } from "../../events/index.ts";
import { type AccountProfile, EMPTY_PROFILE } from "./profile.ts";

/** The profile an account has set through its events. */
export interface StreamAccount {
	readonly createdAt: number | null;
	readonly handle: string | null;
	readonly displayName: string | null;
	readonly bio: string | null;
	readonly profileImageHash: string | null;
	readonly url: string | null;
	readonly location: string | null;
}

/** The account's activity counts from the stream's windows. */
export interface StreamCounts {
	readonly posts: number;
	readonly followers: number;
	readonly following: number;
	readonly likes: number;
}

/** An account the stream has seen nothing of. */
export const EMPTY_STREAM_ACCOUNT: StreamAccount = {
	createdAt: null,
	handle: null,
	displayName: null,
	bio: null,
	profileImageHash: null,
	url: null,
	location: null,
};

const text = (v: unknown): string | null | undefined => (typeof v === "string" ? v : v === null ? null : undefined);

/**
 * Folds one `account.created` or `account.updated` event into the account's profile (other
 * events leave it as it is). An update changes only the fields it names; a field set to null is
 * cleared.
 */
export function applyAccountEvent(s: StreamAccount | undefined, e: BulwarkEvent): StreamAccount {
	const cur = s ?? EMPTY_STREAM_ACCOUNT;
	if (e.type === "account.created") {
		const d = e.data;
		return {
			...cur,
			createdAt: e.ts,
			handle: d.handle,
			displayName: d.displayName ?? null,
			bio: d.bio ?? null,
			profileImageHash: d.profileImageHash ?? null,
		};
	}
	if (e.type === "account.updated") {
		const c = e.data.changes;
		const next: { -readonly [K in keyof StreamAccount]: StreamAccount[K] } = { ...cur };
		const set = (key: "handle" | "displayName" | "bio" | "profileImageHash" | "url" | "location") => {
			const v = text(c[key]);
			if (v !== undefined) next[key] = v;
		};
		set("handle");
		set("displayName");
		set("bio");
		set("profileImageHash");
		set("url");
		set("location");
		return next;
	}
	return cur;
}

/** Whether a field holds a value, as a user-object file's reader sees it (not blank, not `NULL`). */
const filled = (v: string | null): boolean => v !== null && v.trim() !== "" && v !== "NULL";

/** The profile the bot model scores, as of `observedAt`. */
export function profileFromStream(s: StreamAccount, c: StreamCounts, observedAt: number): AccountProfile {
	return {
		...EMPTY_PROFILE,
		observedAt,
		createdAt: s.createdAt,
		screenName: s.handle,
		// Twitter always has a name and a (possibly empty) description; an unset one is empty here.
		name: s.displayName ?? (s.handle === null ? null : ""),
		description: s.bio ?? (s.handle === null ? null : ""),
		statuses: c.posts,
		followers: Math.max(0, c.followers),
		friends: Math.max(0, c.following),
		favourites: c.likes,
		defaultProfileImage: s.handle === null ? null : !s.profileImageHash,
		// Never set on our platform means the account has none (not "unknown", as for a column a
		// file lacks), so that the platform's own exported rows read back the same.
		hasUrl: s.handle === null ? null : filled(s.url),
		hasLocation: s.handle === null ? null : filled(s.location),
	};
}
