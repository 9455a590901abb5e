/**
 * Account profile features in the style of BotometerLite (Yang et al. 2020): counts, growth per
 * day of age, ratios, name and screen-name statistics, screen-name likelihood, default-profile
 * flags and missing-profile patterns. One pure function over a normalised {@link AccountProfile},
 * which adapters build from a Twitter user object (`twitter.ts`) and from our own account events
 * plus stream state (`stream.ts`), so training and serving compute the same numbers.
 *
 * A value the source does not have is `null` in the profile and `NaN` in the feature vector;
 * the trees send NaN down a learned side.
 *
 * @example
 * const x = profileFeatures({ ...EMPTY_PROFILE, observedAt: Date.UTC(2015, 0, 1), createdAt: Date.UTC(2014, 0, 1),
 *   screenName: "anna_1987", statuses: 365, followers: 10, friends: 200 });
 * x[FEATURE_INDEX.statuses_per_day] // 1
 */
import { type NameModel, screenNameLikelihood } from "./names.ts";

/** What we know about one account at one moment; `null` where the source does not say. */
export interface AccountProfile {
	/** When the counts and profile were observed (ms since epoch): the probe time. */
	readonly observedAt: number;
	/** When the account was created (ms since epoch). */
	readonly createdAt: number | null;
	/** The handle (Twitter `screen_name`). */
	readonly screenName: string | null;
	/** The handle's length, for sources that give only the length (Caverlee 2011). */
	readonly screenNameLength?: number | null;
	/** The display name (Twitter `name`). */
	readonly name: string | null;
	/** The bio (Twitter `description`). */
	readonly description: string | null;
	/** The bio's length, for sources that give only the length. */
	readonly descriptionLength?: number | null;
	/** Posts made (Twitter `statuses_count`). */
	readonly statuses: number | null;
	/** Accounts following this one. */
	readonly followers: number | null;
	/** Accounts this one follows (Twitter `friends_count`). */
	readonly friends: number | null;
	/** Likes given (Twitter `favourites_count`). */
	readonly favourites: number | null;
	/** Lists the account is on. */
	readonly listed: number | null;
	readonly defaultProfile: boolean | null;
	readonly defaultProfileImage: boolean | null;
	readonly backgroundImage: boolean | null;
	readonly verified: boolean | null;
	readonly protected: boolean | null;
	readonly geoEnabled: boolean | null;
	readonly hasUrl: boolean | null;
	readonly hasLocation: boolean | null;
	readonly hasTimeZone: boolean | null;
	readonly hasBanner: boolean | null;
}

/** A profile that knows nothing: spread it and set what the source has. */
export const EMPTY_PROFILE: AccountProfile = {
	observedAt: 0,
	createdAt: null,
	screenName: null,
	screenNameLength: null,
	name: null,
	description: null,
	descriptionLength: null,
	statuses: null,
	followers: null,
	friends: null,
	favourites: null,
	listed: null,
	defaultProfile: null,
	defaultProfileImage: null,
	backgroundImage: null,
	verified: null,
	protected: null,
	geoEnabled: null,
	hasUrl: null,
	hasLocation: null,
	hasTimeZone: null,
	hasBanner: null,
};

/** The features, in vector order. A model records the names it was trained on. */
export const FEATURE_NAMES = [
	"age_days",
	"statuses",
	"followers",
	"friends",
	"favourites",
	"listed",
	"statuses_per_day",
	"followers_per_day",
	"friends_per_day",
	"favourites_per_day",
	"listed_per_day",
	"followers_friends_ratio",
	"favourites_per_status",
	"listed_per_follower",
	"followers_per_status",
	"friends_per_status",
	"screen_name_length",
	"screen_name_digits",
	"screen_name_likelihood",
	"name_length",
	"name_digits",
	"name_words",
	"name_matches_screen_name",
	"description_length",
	"default_profile",
	"default_profile_image",
	"background_image",
	"verified",
	"protected",
	"geo_enabled",
	"has_url",
	"has_location",
	"has_time_zone",
	"has_banner",
	"profile_filled",
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];
export const FEATURE_COUNT = FEATURE_NAMES.length;

/** Each feature's index in the vector. */
export const FEATURE_INDEX = Object.fromEntries(FEATURE_NAMES.map((n, i) => [n, i])) as Record<FeatureName, number>;

const DAY = 86_400_000;

/**
 * The feature vector of one profile (length {@link FEATURE_COUNT}, NaN where unknown). `names`
 * is the screen-name bigram model the likelihood is measured against (shipped in the artifact);
 * without it the likelihood is NaN. `out` is filled and returned when given (no allocation).
 */
export function profileFeatures(
	p: AccountProfile,
	names?: NameModel,
	out: Float64Array = new Float64Array(FEATURE_COUNT),
): Float64Array {
	const age = p.createdAt === null ? Number.NaN : Math.max(0, (p.observedAt - p.createdAt) / DAY);
	// Rates over at least one day: an account seconds old has no meaningful rate yet.
	const days = Number.isNaN(age) ? Number.NaN : Math.max(1, age);
	const statuses = num(p.statuses);
	const followers = num(p.followers);
	const friends = num(p.friends);
	const favourites = num(p.favourites);
	const listed = num(p.listed);
	out[0] = age;
	out[1] = statuses;
	out[2] = followers;
	out[3] = friends;
	out[4] = favourites;
	out[5] = listed;
	out[6] = statuses / days;
	out[7] = followers / days;
	out[8] = friends / days;
	out[9] = favourites / days;
	out[10] = listed / days;
	out[11] = followers / Math.max(1, friends);
	out[12] = favourites / Math.max(1, statuses);
	out[13] = listed / Math.max(1, followers);
	out[14] = followers / Math.max(1, statuses);
	out[15] = friends / Math.max(1, statuses);
	const sn = p.screenName;
	out[16] = sn !== null ? codePoints(sn) : num(p.screenNameLength ?? null);
	out[17] = sn !== null ? digits(sn) : Number.NaN;
	out[18] = sn !== null && names ? screenNameLikelihood(names, sn) : Number.NaN;
	const name = p.name;
	out[19] = name !== null ? codePoints(name) : Number.NaN;
	out[20] = name !== null ? digits(name) : Number.NaN;
	out[21] = name !== null ? words(name) : Number.NaN;
	out[22] = name !== null && sn !== null ? (squash(name) === squash(sn) ? 1 : 0) : Number.NaN;
	const descLength = p.description !== null ? codePoints(p.description) : num(p.descriptionLength ?? null);
	out[23] = descLength;
	out[24] = flag(p.defaultProfile);
	out[25] = flag(p.defaultProfileImage);
	out[26] = flag(p.backgroundImage);
	out[27] = flag(p.verified);
	out[28] = flag(p.protected);
	out[29] = flag(p.geoEnabled);
	out[30] = flag(p.hasUrl);
	out[31] = flag(p.hasLocation);
	out[32] = flag(p.hasTimeZone);
	out[33] = flag(p.hasBanner);
	out[34] = profileFilled(p, descLength);
	return out;
}

/**
 * How many of the optional profile parts are filled (bio, link, location, time zone, banner, own
 * picture), over the parts the source reports: a share in [0, 1], NaN when it reports fewer
 * than three. Fake accounts tend to leave them empty whatever their family.
 */
function profileFilled(p: AccountProfile, descLength: number): number {
	let known = 0;
	let filled = 0;
	const part = (v: boolean | null) => {
		if (v === null) return;
		known++;
		if (v) filled++;
	};
	if (!Number.isNaN(descLength)) part(descLength > 0);
	part(p.hasUrl);
	part(p.hasLocation);
	part(p.hasTimeZone);
	part(p.hasBanner);
	part(p.defaultProfileImage === null ? null : !p.defaultProfileImage);
	return known < 3 ? Number.NaN : filled / known;
}

const num = (v: number | null): number => (v === null ? Number.NaN : v);
const flag = (v: boolean | null): number => (v === null ? Number.NaN : v ? 1 : 0);

/** Length in code points (an emoji counts one, as Twitter counts it). */
function codePoints(s: string): number {
	let n = s.length;
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		if (c >= 0xdc00 && c <= 0xdfff) n--;
	}
	return n;
}

function digits(s: string): number {
	let n = 0;
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		if (c >= 48 && c <= 57) n++;
	}
	return n;
}

function words(s: string): number {
	let n = 0;
	let inWord = false;
	for (let i = 0; i < s.length; i++) {
		const space = s.charCodeAt(i) <= 32;
		if (!space && !inWord) n++;
		inWord = !space;
	}
	return n;
}

/** Lower case, letters and digits only: "Denna Mcsparren" and "DennaMcsparren" squash alike. */
function squash(s: string): string {
	return s.toLowerCase().replace(/[^a-z0-9]/g, "");
}
