/**
 * The adapter from a Twitter user object (API v1.1 columns, as the CSVs in ../shared/data
 * publish them) to an {@link AccountProfile}. The files disagree on how they write things:
 * missing values are empty or `NULL`, booleans `1`/empty or `True`/`False`, dates in Twitter's
 * `Tue Jun 11 11:20:35 +0000 2013`, `2015-05-02 06:41:46` or `9/18/2006 1:07`. This copes with
 * all of them.
 *
 * @example
 * twitterProfile({ screen_name: "anna", statuses_count: "12", created_at: "Tue Jun 11 11:20:35 +0000 2013",
 *   crawled_at: "2015-05-02 06:41:46", default_profile: "1" }).defaultProfile // true
 */
import { type AccountProfile, EMPTY_PROFILE } from "./profile.ts";

/** A user object as column name -> text, as read from a CSV. */
export type UserRecord = Readonly<Record<string, string | undefined>>;

/**
 * The columns the probe time is read from, first present wins: when the crawler saw the
 * account. (`timestamp` in Cresci 2017 is the creation time in local time, not a probe time.)
 */
export const OBSERVED_AT_COLUMNS = ["crawled_at", "updated", "collected_at", "probe_timestamp"] as const;

/**
 * Builds the profile of one user object. `observedAt` is used when no probe-time column has a
 * date (a live object is observed now).
 */
export function twitterProfile(r: UserRecord, observedAt?: number): AccountProfile {
	let seen: number | null = null;
	for (const c of OBSERVED_AT_COLUMNS) {
		seen = parseDate(r[c]);
		if (seen !== null) break;
	}
	if (seen === null) seen = observedAt ?? null;
	if (seen === null)
		throw new Error(`no probe time: the row has none of the columns ${OBSERVED_AT_COLUMNS.join(", ")} with a date`);
	return {
		...EMPTY_PROFILE,
		observedAt: seen,
		createdAt: parseDate(r.created_at),
		screenName: text(r, "screen_name"),
		name: text(r, "name"),
		description: text(r, "description"),
		statuses: count(r.statuses_count),
		followers: count(r.followers_count),
		friends: count(r.friends_count),
		favourites: count(r.favourites_count),
		listed: count(r.listed_count),
		defaultProfile: bool(r, "default_profile"),
		defaultProfileImage: bool(r, "default_profile_image"),
		backgroundImage: bool(r, "profile_use_background_image"),
		verified: bool(r, "verified"),
		protected: bool(r, "protected"),
		geoEnabled: bool(r, "geo_enabled"),
		hasUrl: present(r, "url"),
		hasLocation: present(r, "location"),
		hasTimeZone: present(r, "time_zone"),
		hasBanner: present(r, "profile_banner_url"),
	};
}

/** The text of a column: "" when empty or `NULL`, null when the file has no such column. */
function text(r: UserRecord, col: string): string | null {
	const v = r[col];
	if (v === undefined) return null;
	return v === "NULL" ? "" : v;
}

/** Whether a column holds a value; null when the file has no such column. */
function present(r: UserRecord, col: string): boolean | null {
	const v = r[col];
	if (v === undefined) return null;
	return v.trim() !== "" && v !== "NULL";
}

/** A non-negative count; null when absent, empty, `NULL` or not a number. */
function count(v: string | undefined): number | null {
	if (v === undefined) return null;
	const t = v.trim();
	if (t === "" || t === "NULL") return null;
	const n = Number(t);
	return Number.isFinite(n) && n >= 0 ? n : null;
}

const TRUE = new Set(["1", "true", "True", "TRUE", "t", "yes"]);
const FALSE = new Set(["", "0", "false", "False", "FALSE", "f", "no", "NULL"]);

/**
 * A boolean column: `1`/`True` true; empty, `0`, `False` or `NULL` false (the exports write a
 * false flag as empty); null when the file has no such column or an unreadable value.
 */
function bool(r: UserRecord, col: string): boolean | null {
	const v = r[col];
	if (v === undefined) return null;
	const t = v.trim();
	if (TRUE.has(t)) return true;
	if (FALSE.has(t)) return false;
	return null;
}

const MONTHS: Record<string, number> = {
	Jan: 0,
	Feb: 1,
	Mar: 2,
	Apr: 3,
	May: 4,
	Jun: 5,
	Jul: 6,
	Aug: 7,
	Sep: 8,
	Oct: 9,
	Nov: 10,
	Dec: 11,
};

const TWITTER_DATE = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2}) (\d{4})$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?$/;
const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * A date in any of the forms the account files use, as ms since epoch (UTC where the text has
 * no offset); null when empty, `NULL` or unreadable.
 * @example parseDate("Tue Jun 11 11:20:35 +0000 2013") // 1370949635000
 */
export function parseDate(v: string | undefined): number | null {
	if (v === undefined) return null;
	const s = v.trim();
	if (s === "" || s === "NULL") return null;
	let m = TWITTER_DATE.exec(s);
	if (m) {
		const month = MONTHS[m[1] as string];
		if (month === undefined) return null;
		const offset = (m[6] === "-" ? -1 : 1) * (Number(m[7]) * 60 + Number(m[8])) * 60_000;
		return Date.UTC(Number(m[9]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])) - offset;
	}
	m = ISO_DATE.exec(s);
	if (m) {
		let offset = 0;
		const z = m[8];
		if (z && z !== "Z") {
			const d = z.replace(":", "");
			offset = (d[0] === "-" ? -1 : 1) * (Number(d.slice(1, 3)) * 60 + Number(d.slice(3, 5))) * 60_000;
		}
		return (
			Date.UTC(
				Number(m[1]),
				Number(m[2]) - 1,
				Number(m[3]),
				Number(m[4]),
				Number(m[5]),
				Number(m[6] ?? 0),
				// Milliseconds (what `Date.toISOString` writes); finer digits are dropped.
				Number((m[7] ?? "").padEnd(3, "0").slice(0, 3)),
			) - offset
		);
	}
	m = US_DATE.exec(s);
	if (m)
		return Date.UTC(
			Number(m[3]),
			Number(m[1]) - 1,
			Number(m[2]),
			Number(m[4] ?? 0),
			Number(m[5] ?? 0),
			Number(m[6] ?? 0),
		);
	if (/^\d{12,14}$/.test(s)) return Number(s);
	return null;
}
