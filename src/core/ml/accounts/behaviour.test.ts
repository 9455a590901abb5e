import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { BulwarkEvent } from "../../events/index.ts";
import {
	type ActivityItem,
	BEHAVIOUR_FEATURE_NAMES,
	behaviourFeatures,
	burstiness,
	coefficientOfVariation,
	entropyBits,
	KIND,
	normaliseForDuplicates,
	packActivity,
	quietShare,
	unpackActivity,
} from "./behaviour.ts";

const T0 = Date.UTC(2027, 0, 15);
const MIN = 60_000;
const HOUR = 60 * MIN;
let seq = 0;
const ev = (type: BulwarkEvent["type"], ts: number, data: unknown, device = "d1"): BulwarkEvent =>
	({ id: `e${++seq}`, type, actor: "a", ts, data, context: { deviceId: device } }) as BulwarkEvent;
const post = (ts: number, text: string, extra: Record<string, unknown> = {}, device = "d1") =>
	ev("post.created", ts, { postId: `p${++seq}`, text, ...extra }, device);
const like = (ts: number, device = "d1") => ev("post.liked", ts, { postId: "x", authorId: "b" }, device);

/** The ring as a `last` window reads it: newest first. */
const ring = (events: readonly BulwarkEvent[]): ActivityItem[] =>
	events.map((e) => ({ ts: e.ts, value: packActivity(e) as number })).reverse();
const feature = (x: Float64Array, name: (typeof BEHAVIOUR_FEATURE_NAMES)[number]) =>
	x[BEHAVIOUR_FEATURE_NAMES.indexOf(name)] as number;

describe("behaviour features", () => {
	it("packs an activity into one number and back", () => {
		const p = unpackActivity(packActivity(post(T0, "hi there", { urls: ["https://x.y/1"] })) as number);
		assert.equal(p.kind, KIND.post);
		assert.equal(p.url, true);
		assert.ok(p.device > 0 && p.text > 0);
		const r = unpackActivity(packActivity(post(T0, "re", { replyTo: { postId: "q", authorId: "b" } })) as number);
		assert.equal(r.kind, KIND.reply);
		assert.equal(r.url, false);
		assert.equal(unpackActivity(packActivity(like(T0)) as number).kind, KIND.like);
		assert.equal(
			unpackActivity(packActivity(ev("account.unfollowed", T0, { targetId: "b" })) as number).kind,
			KIND.unfollow,
		);
		assert.equal(packActivity(ev("session.login", T0, { success: true })), undefined);
		const noDevice = { ...like(T0), context: undefined } as BulwarkEvent;
		assert.equal(unpackActivity(packActivity(noDevice) as number).device, 0);
		for (const e of [
			post(T0, "x".repeat(280), { urls: ["u"] }, "dev-ffff"),
			ev("account.followed", T0, { targetId: "b" }),
		]) {
			const v = packActivity(e) as number;
			assert.ok(Number.isSafeInteger(v) && v >= 0 && v < 2 ** 30);
		}
	});

	it("tells regular, Poisson-like and bursty timing apart", () => {
		const regular = Array.from({ length: 20 }, () => 60_000);
		assert.equal(coefficientOfVariation(regular), 0);
		assert.equal(burstiness(regular), -1);
		// Bursts of 5 events a second apart, separated by 6 hours.
		const bursty = Array.from({ length: 20 }, (_, i) => (i % 5 === 4 ? 6 * HOUR : 1_000));
		assert.ok(coefficientOfVariation(bursty) > 1.5);
		assert.ok(burstiness(bursty) > 0.3);
		assert.ok(Number.isNaN(burstiness([5])));
		assert.equal(entropyBits([4, 0, 0]), 0);
		assert.equal(entropyBits([1, 1, 1, 1]), 2);

		const every = (gap: (i: number) => number, n = 20) => {
			let t = T0;
			return Array.from({ length: n }, (_, i) => {
				t += gap(i);
				return like(t);
			});
		};
		const reg = behaviourFeatures(ring(every(() => 5 * MIN)), 20);
		const bur = behaviourFeatures(ring(every((i) => (i % 5 === 4 ? 6 * HOUR : 1_000))), 20);
		assert.equal(feature(reg, "gap_cv"), 0);
		assert.equal(feature(reg, "burstiness"), -1);
		assert.equal(feature(reg, "gap_entropy"), 0, "every gap in one bucket");
		assert.equal(feature(reg, "gap_median_s"), 300);
		assert.equal(feature(reg, "events_per_hour"), 12);
		assert.ok(feature(bur, "burstiness") > 0.3);
		assert.ok(feature(bur, "gap_entropy") > 0.5);
		assert.equal(feature(bur, "gap_min_s"), 1);
	});

	it("reads duplicates, links, the action mix, churn, devices and the day-night pattern", () => {
		const events: BulwarkEvent[] = [];
		let t = T0;
		const next = () => {
			t += HOUR;
			return t;
		};
		// Six posts, four of them one template with a new link and counter each; three with links.
		for (let i = 0; i < 4; i++)
			events.push(
				post(next(), `WIN a prize #${i} now https://spam.example/${i}`, { urls: [`https://spam.example/${i}`] }),
			);
		events.push(post(next(), "lovely walk by the river today"));
		events.push(post(next(), "reply here", { replyTo: { postId: "q", authorId: "b" } }, "d2"));
		events.push(like(next(), "d3"), like(next()));
		events.push(ev("account.followed", next(), { targetId: "b" }), ev("account.followed", next(), { targetId: "c" }));
		events.push(ev("account.followed", next(), { targetId: "d" }), ev("account.unfollowed", next(), { targetId: "b" }));
		const x = behaviourFeatures(ring(events), 100);
		assert.equal(feature(x, "activity_total"), 100);
		assert.equal(feature(x, "recent_events"), 12);
		assert.equal(feature(x, "duplicate_ratio"), 3 / 6, "the template counts once among six posts");
		assert.equal(feature(x, "url_share"), 4 / 6);
		assert.equal(feature(x, "share_posts"), 5 / 12);
		assert.equal(feature(x, "share_replies"), 1 / 12);
		assert.equal(feature(x, "share_likes"), 2 / 12);
		assert.equal(feature(x, "share_follows"), 4 / 12);
		assert.equal(feature(x, "follow_churn"), 1 / 4);
		assert.equal(feature(x, "devices"), 3);
		assert.equal(feature(x, "span_hours"), 11);
		assert.equal(
			normaliseForDuplicates("WIN a prize #1 now https://a.b/1 @bob"),
			normaliseForDuplicates("win A prize #22 now"),
		);

		// Day-night: active 08:00-20:00 only, against round the clock.
		const day = Array.from({ length: 24 }, (_, i) => like(T0 + Math.floor(i / 12) * 24 * HOUR + (8 + (i % 12)) * HOUR));
		const clock = Array.from({ length: 24 }, (_, i) => like(T0 + i * HOUR));
		assert.equal(feature(behaviourFeatures(ring(day), 24), "quiet8_share"), 0);
		assert.equal(feature(behaviourFeatures(ring(clock), 24), "quiet8_share"), 8 / 24);
		assert.equal(feature(behaviourFeatures(ring(clock), 24), "hour_entropy"), 1);
		assert.equal(quietShare(new Float64Array(24), 0), Number.NaN);
	});

	it("leaves undefined features NaN and ignores values that are not ours", () => {
		const x = behaviourFeatures([{ ts: T0, value: "junk" }], 0);
		assert.equal(feature(x, "recent_events"), 0);
		assert.ok(Number.isNaN(feature(x, "gap_cv")));
		const one = behaviourFeatures(ring([like(T0)]), 1);
		assert.equal(feature(one, "recent_events"), 1);
		assert.ok(Number.isNaN(feature(one, "burstiness")));
		assert.ok(Number.isNaN(feature(one, "url_share")), "no posts: no link share");
		assert.ok(Number.isNaN(feature(one, "duplicate_ratio")));
	});
});
