import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { BulwarkEvent } from "../events/index.ts";
import { FEATURE_INDEX, profileFeatures } from "../ml/accounts/profile.ts";
import { applyAccountEvent, profileFromStream } from "../ml/accounts/stream.ts";
import { twitterProfile } from "../ml/accounts/twitter.ts";
import { BOT_FEATURES, BOT_SIGNAL, type BotScorer, botDetector } from "./bot.ts";
import { windowsOf } from "./test-helpers.ts";
import type { DetectorContext } from "./types.ts";

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);
let seq = 0;
const ev = (type: BulwarkEvent["type"], actor: string, ts: number, data: unknown): BulwarkEvent =>
	({ id: `e${++seq}`, type, actor, ts, data }) as BulwarkEvent;

/** The detector's features computed straight from their specs over the events so far. */
function contextOf(events: readonly BulwarkEvent[]): DetectorContext {
	const values = windowsOf(events, BOT_FEATURES);
	return { feature: (name, id) => values.get(`${name}|${id}`), entity: () => undefined };
}

/** Flags an account that likes nothing; explains with one made-up contribution. */
const model: BotScorer = {
	name: "bot",
	threshold: 0.95,
	score: (p) => (p.favourites === 0 ? 0.99 : 0.2),
	explain: (p) => [{ feature: "favourites", value: p.favourites ?? Number.NaN, weight: 1.5 }],
};

const created = ev("account.created", "a1", T0, { handle: "anna_1987", displayName: "Anna", bio: "cats" });

describe("bot detector", () => {
	it("scores on signup and profile change, and as posts accumulate, with the account's counts", () => {
		const events: BulwarkEvent[] = [created];
		const d = botDetector(model);
		const [s] = d.detect(created, contextOf(events));
		assert.equal(s?.name, BOT_SIGNAL);
		assert.deepEqual(s?.entity, { kind: "account", id: "a1" });
		assert.equal(s?.score, 0.99);
		assert.equal(s?.evidence.flagged, 1);
		assert.equal(s?.evidence.age_days, 0);
		assert.equal(s?.evidence.top1, "favourites=0 (+1.5)");
		for (let i = 0; i < 7; i++) events.push(ev("post.created", "a1", T0 + DAY, { postId: `p${i}`, text: "hi" }));
		assert.deepEqual(d.detect(events[events.length - 1] as BulwarkEvent, contextOf(events)), []);
		events.push(ev("post.liked", "a1", T0 + DAY, { postId: "x", authorId: "b" }));
		const eighth = ev("post.created", "a1", T0 + 2 * DAY, { postId: "p8", text: "hi" });
		events.push(eighth);
		const [again] = d.detect(eighth, contextOf(events));
		assert.equal(again?.score, 0.2);
		assert.equal(again?.evidence.flagged, 0);
		assert.equal(again?.evidence.posts, 8);
		assert.equal(again?.evidence.top1, undefined);
		// An account the stream never saw created has nothing to score.
		assert.deepEqual(d.detect(ev("account.updated", "zz", T0, { changes: { bio: "x" } }), contextOf([])), []);
		assert.deepEqual(
			d.needs(created).map((r) => r.feature),
			BOT_FEATURES.map((f) => f.name),
		);
		assert.equal(s?.evidence.calibration, undefined);
		// Whose humans the score is a percentile of goes with it, where the scorer says.
		const [named] = botDetector({ ...model, calibration: "platform/sim-s11" }).detect(created, contextOf([created]));
		assert.equal(named?.evidence.calibration, "platform/sim-s11");
	});

	it("builds the same features from events as from the equivalent Twitter user object", () => {
		const events: BulwarkEvent[] = [
			created,
			ev("account.updated", "a1", T0 + DAY, { changes: { bio: "cats and dogs", location: "Rome", url: "" } }),
			ev("account.followed", "a1", T0 + DAY, { targetId: "b" }),
			ev("account.followed", "a1", T0 + DAY, { targetId: "c" }),
			ev("account.unfollowed", "a1", T0 + DAY, { targetId: "c" }),
			ev("account.followed", "b", T0 + DAY, { targetId: "a1" }),
			ev("post.created", "a1", T0 + 2 * DAY, { postId: "p1", text: "hello" }),
			ev("post.liked", "a1", T0 + 2 * DAY, { postId: "q", authorId: "b" }),
		];
		const ctx = contextOf(events);
		let account = applyAccountEvent(undefined, events[0] as BulwarkEvent);
		account = applyAccountEvent(account, events[1] as BulwarkEvent);
		const now = T0 + 10 * DAY;
		const fromStream = profileFromStream(
			account,
			{
				posts: ctx.feature("bot_posts_365d", "a1") as number,
				likes: ctx.feature("bot_likes_365d", "a1") as number,
				following: ctx.feature("bot_following_365d", "a1") as number,
				followers: ctx.feature("bot_followers_365d", "a1") as number,
			},
			now,
		);
		const fromTwitter = twitterProfile({
			screen_name: "anna_1987",
			name: "Anna",
			description: "cats and dogs",
			location: "Rome",
			url: "",
			statuses_count: "1",
			followers_count: "1",
			friends_count: "1",
			favourites_count: "1",
			created_at: new Date(T0).toUTCString().replace(/^(\w+), (\d+) (\w+) (\d+) (.*) GMT$/, "$1 $3 $2 $5 +0000 $4"),
			crawled_at: new Date(now).toISOString().replace("T", " ").slice(0, 19),
		});
		const a = profileFeatures(fromStream);
		const b = profileFeatures(fromTwitter);
		for (const f of [
			"age_days",
			"statuses",
			"followers",
			"friends",
			"favourites",
			"statuses_per_day",
			"followers_friends_ratio",
			"screen_name_length",
			"screen_name_digits",
			"name_length",
			"description_length",
			"has_url",
			"has_location",
		] as const)
			assert.equal(a[FEATURE_INDEX[f]], b[FEATURE_INDEX[f]], f);
		assert.equal(a[FEATURE_INDEX.age_days], 10);
		// What our platform does not have is unknown, not false.
		assert.ok(Number.isNaN(a[FEATURE_INDEX.listed] as number));
		assert.ok(Number.isNaN(a[FEATURE_INDEX.verified] as number));
		assert.equal(a[FEATURE_INDEX.default_profile_image], 1);
	});
});
