import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fitNameModel, screenNameLikelihood } from "./names.ts";
import {
	EMPTY_PROFILE,
	FEATURE_COUNT,
	FEATURE_INDEX,
	FEATURE_NAMES,
	type FeatureName,
	profileFeatures,
} from "./profile.ts";
import { parseDate, twitterProfile } from "./twitter.ts";

const DAY = 86_400_000;
const close = (a: number | undefined, b: number, eps = 1e-9) =>
	assert.ok(a !== undefined && Math.abs(a - b) < eps, `${a} is not ${b}`);
const pick = (x: Float64Array, names: FeatureName[]) => names.map((n) => x[FEATURE_INDEX[n]]);

// The first row of cresci2017/genuine_accounts_users.csv, its columns as published.
const GENUINE = {
	id: "1502026416",
	name: "TASUKU HAYAKAWA",
	screen_name: "0918Bask",
	statuses_count: "2177",
	followers_count: "208",
	friends_count: "332",
	favourites_count: "265",
	listed_count: "1",
	url: "",
	lang: "ja",
	time_zone: "",
	location: "Tokyo .Japan .",
	default_profile: "",
	default_profile_image: "",
	geo_enabled: "1",
	profile_banner_url: "https://pbs.twimg.com/profile_banners/1502026416/1412518148",
	profile_use_background_image: "",
	protected: "",
	verified: "",
	description: "15years ago X.Lines24",
	created_at: "Tue Jun 11 11:20:35 +0000 2013",
	timestamp: "2013-06-11 13:20:35",
	crawled_at: "2015-05-02 06:41:46",
	updated: "2016-03-15 15:53:47",
};

describe("account profile features", () => {
	it("are computed from a Twitter user object as published (Cresci 2017, first genuine row)", () => {
		const p = twitterProfile(GENUINE);
		assert.equal(p.createdAt, Date.UTC(2013, 5, 11, 11, 20, 35));
		// The probe time is crawled_at, not `timestamp` (the creation time in local time).
		assert.equal(p.observedAt, Date.UTC(2015, 4, 2, 6, 41, 46));
		const x = profileFeatures(p);
		assert.equal(x.length, FEATURE_COUNT);
		const age = (p.observedAt - (p.createdAt as number)) / DAY;
		close(x[FEATURE_INDEX.age_days], age);
		assert.deepEqual(pick(x, ["statuses", "followers", "friends", "favourites", "listed"]), [2177, 208, 332, 265, 1]);
		close(x[FEATURE_INDEX.statuses_per_day], 2177 / age);
		close(x[FEATURE_INDEX.followers_friends_ratio], 208 / 332);
		close(x[FEATURE_INDEX.favourites_per_status], 265 / 2177);
		close(x[FEATURE_INDEX.listed_per_follower], 1 / 208);
		assert.deepEqual(
			pick(x, ["screen_name_length", "screen_name_digits", "name_length", "name_digits", "name_words"]),
			[8, 4, 15, 0, 2],
		);
		assert.equal(x[FEATURE_INDEX.description_length], 21);
		assert.deepEqual(
			pick(x, [
				"default_profile",
				"default_profile_image",
				"background_image",
				"verified",
				"geo_enabled",
				"has_url",
				"has_location",
				"has_time_zone",
				"has_banner",
			]),
			[0, 0, 0, 0, 1, 0, 1, 0, 1],
		);
		// bio, location, banner and own picture filled; link and time zone not: 4 of 6.
		close(x[FEATURE_INDEX.profile_filled], 4 / 6);
		// No name model given: the likelihood is unknown.
		assert.ok(Number.isNaN(x[FEATURE_INDEX.screen_name_likelihood] as number));
	});

	it("read the other files' spellings: True/False, NULL, quoted empties", () => {
		const p = twitterProfile({
			...GENUINE,
			default_profile: "True",
			verified: "False",
			protected: "NULL",
			profile_banner_url: "NULL",
			description: "NULL",
			name: "Denna Mcsparren",
			screen_name: "DennaMcsparren",
		});
		assert.equal(p.defaultProfile, true);
		assert.equal(p.verified, false);
		assert.equal(p.protected, false);
		assert.equal(p.hasBanner, false);
		assert.equal(p.description, "");
		const x = profileFeatures(p);
		assert.equal(x[FEATURE_INDEX.description_length], 0);
		assert.equal(x[FEATURE_INDEX.name_matches_screen_name], 1);
	});

	it("are NaN where the source has nothing (Caverlee rows: counts and lengths only)", () => {
		const x = profileFeatures({
			...EMPTY_PROFILE,
			observedAt: Date.UTC(2009, 10, 20),
			createdAt: Date.UTC(2009, 10, 10),
			friends: 510,
			followers: 350,
			statuses: 3265,
			screenNameLength: 10,
			descriptionLength: 34,
		});
		assert.equal(x[FEATURE_INDEX.screen_name_length], 10);
		assert.equal(x[FEATURE_INDEX.description_length], 34);
		close(x[FEATURE_INDEX.statuses_per_day], 326.5);
		for (const f of [
			"favourites",
			"listed",
			"name_length",
			"screen_name_digits",
			"default_profile",
			"profile_filled",
		] as const)
			assert.ok(Number.isNaN(x[FEATURE_INDEX[f]] as number), f);
		// Rates of an account seconds old are over one day, not infinite.
		const young = profileFeatures({ ...EMPTY_PROFILE, observedAt: 1_000, createdAt: 0, statuses: 5 });
		assert.equal(young[FEATURE_INDEX.statuses_per_day], 5);
		assert.ok(FEATURE_NAMES.every((_, i) => !Number.isFinite(young[i] as number) === Number.isNaN(young[i] as number)));
	});

	it("rate a generated handle less likely than an ordinary one", () => {
		const m = fitNameModel(["anna_smith", "annabelle", "john_doe", "mary_ann", "joanna", "dan_martin"]);
		assert.ok(screenNameLikelihood(m, "anna") > screenNameLikelihood(m, "x7qk2v9z"));
		assert.ok(Number.isNaN(screenNameLikelihood(m, "")));
		const x = profileFeatures({ ...EMPTY_PROFILE, screenName: "anna" }, m);
		close(x[FEATURE_INDEX.screen_name_likelihood], screenNameLikelihood(m, "anna"));
	});
});

describe("account file dates", () => {
	it("parse Twitter's, ISO and Caverlee's forms as UTC, and refuse the rest", () => {
		assert.equal(parseDate("Tue Jun 11 11:20:35 +0000 2013"), Date.UTC(2013, 5, 11, 11, 20, 35));
		assert.equal(parseDate("Tue Jun 11 13:20:35 +0200 2013"), Date.UTC(2013, 5, 11, 11, 20, 35));
		assert.equal(parseDate("2015-05-02 06:41:46"), Date.UTC(2015, 4, 2, 6, 41, 46));
		assert.equal(parseDate("2015-05-02T06:41:46Z"), Date.UTC(2015, 4, 2, 6, 41, 46));
		// Milliseconds as toISOString writes them (the platform export's dates) are kept.
		assert.equal(parseDate("2027-01-15T00:10:05.047Z"), Date.UTC(2027, 0, 15, 0, 10, 5, 47));
		assert.equal(parseDate("2027-01-15T00:10:05.5Z"), Date.UTC(2027, 0, 15, 0, 10, 5, 500));
		assert.equal(parseDate("9/18/2006 1:07"), Date.UTC(2006, 8, 18, 1, 7));
		for (const bad of [undefined, "", "NULL", "yesterday", "Tue Foo 11 11:20:35 +0000 2013"])
			assert.equal(parseDate(bad), null, String(bad));
	});

	it("need a probe time: crawled_at, else updated, else the one given", () => {
		const { crawled_at: _c, ...noCrawl } = GENUINE;
		assert.equal(twitterProfile(noCrawl).observedAt, Date.UTC(2016, 2, 15, 15, 53, 47));
		const { updated: _u, ...neither } = noCrawl;
		assert.throws(() => twitterProfile(neither), /no probe time/);
		assert.equal(twitterProfile(neither, 42).observedAt, 42);
	});
});
