import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { BulwarkEvent } from "../events/index.ts";
import type { WindowValue } from "../features/index.ts";
import { BEHAVIOUR_FEATURE_NAMES } from "../ml/accounts/behaviour.ts";
import {
	BEHAVIOUR_FEATURES,
	BEHAVIOUR_SIGNAL,
	type BehaviourScorer,
	behaviourDetector,
	behaviourSchedule,
} from "./behaviour.ts";
import { BOT_FEATURES, type BotScorer, botDetector } from "./bot.ts";
import { windowsOf } from "./test-helpers.ts";
import type { DetectorContext } from "./types.ts";

const T0 = Date.UTC(2027, 0, 15);
let seq = 0;
const ev = (type: BulwarkEvent["type"], ts: number, data: unknown): BulwarkEvent =>
	({ id: `e${++seq}`, type, actor: "a1", ts, data, context: { deviceId: "d1" } }) as BulwarkEvent;

/** What the processor does: `needs` fetched, then `more` asked with those values and what is new in it fetched. */
function run(
	d: ReturnType<typeof behaviourDetector>,
	events: readonly BulwarkEvent[],
	specs: typeof BEHAVIOUR_FEATURES,
) {
	const e = events[events.length - 1] as BulwarkEvent;
	const all = windowsOf(events, specs);
	const fetched = new Map<string, WindowValue | undefined>();
	const ctx: DetectorContext = { feature: (n, id) => fetched.get(`${n}|${id}`), entity: () => undefined };
	const requested: string[] = [];
	for (const r of d.needs(e)) {
		requested.push(r.feature);
		fetched.set(`${r.feature}|${r.id}`, all.get(`${r.feature}|${r.id}`));
	}
	for (const r of d.more?.(e, ctx) ?? []) {
		if (fetched.has(`${r.feature}|${r.id}`)) continue; // the processor reads a value once
		requested.push(r.feature);
		fetched.set(`${r.feature}|${r.id}`, all.get(`${r.feature}|${r.id}`));
	}
	return { signals: d.detect(e, ctx), requested };
}

/** Flags an account whose posts all carry links; explains with its link share. */
const model: BehaviourScorer = {
	name: "behaviour",
	threshold: 0.5,
	score: (x) => ((x[BEHAVIOUR_FEATURE_NAMES.indexOf("url_share")] as number) === 1 ? 0.9 : 0.1),
	explain: (x) => [
		{ feature: "url_share", value: x[BEHAVIOUR_FEATURE_NAMES.indexOf("url_share")] as number, weight: 2 },
	],
};

describe("behaviour detector", () => {
	it("schedules at the 8th, 16th, 32nd and 64th activity, then every 64th", () => {
		const at = Array.from({ length: 300 }, (_, i) => i + 1).filter(behaviourSchedule);
		assert.deepEqual(at, [8, 16, 32, 64, 128, 192, 256]);
	});

	it("reads the count on every activity, the ring and a score only on the scheduled ones", () => {
		const d = behaviourDetector(model);
		const events: BulwarkEvent[] = [];
		const scored: number[] = [];
		for (let i = 1; i <= 20; i++) {
			events.push(
				i % 2
					? ev("post.created", T0 + i * 60_000, { postId: `p${i}`, text: `buy ${i}`, urls: ["https://x.y"] })
					: ev("post.liked", T0 + i * 60_000, { postId: "q", authorId: "b" }),
			);
			const { signals, requested } = run(d, events, BEHAVIOUR_FEATURES);
			if (behaviourSchedule(i)) assert.deepEqual(requested, ["bhv_activity_365d", "bhv_recent"], `activity ${i}`);
			else assert.deepEqual(requested, ["bhv_activity_365d"], `activity ${i}`);
			if (signals.length) {
				scored.push(i);
				const [s] = signals;
				assert.equal(s?.name, BEHAVIOUR_SIGNAL);
				assert.deepEqual(s?.entity, { kind: "account", id: "a1" });
				assert.equal(s?.score, 0.9);
				assert.equal(s?.evidence.flagged, 1);
				assert.equal(s?.evidence.activity, i);
				assert.equal(s?.evidence.top1, "url_share=1 (+2)");
			}
		}
		assert.deepEqual(scored, [8, 16]);
		// A login is not activity: the detector is not even asked.
		assert.ok(!d.on.includes("session.login"));
	});

	it("scores nothing when the count was not fetched (a failed window read)", () => {
		const d = behaviourDetector(model);
		const e = ev("post.liked", T0, { postId: "q", authorId: "b" });
		const ctx: DetectorContext = { feature: () => undefined, entity: () => undefined };
		assert.deepEqual(d.more?.(e, ctx), []);
		assert.deepEqual(d.detect(e, ctx), []);
	});
});

describe("bot detector read cost", () => {
	it("a post reads only its count; the profile and the other counts only on the posts it rescores", () => {
		const bot: BotScorer = { name: "bot", threshold: 0.95, score: () => 0.5 };
		const d = botDetector(bot);
		const events: BulwarkEvent[] = [ev("account.created", T0, { handle: "anna_1987" })];
		const created = run(d, events, BOT_FEATURES);
		assert.deepEqual(
			created.requested,
			BOT_FEATURES.map((f) => f.name),
		);
		assert.equal(created.signals.length, 1);
		const scored: number[] = [];
		for (let i = 1; i <= 9; i++) {
			events.push(ev("post.created", T0 + i, { postId: `p${i}`, text: "hi" }));
			const { signals, requested } = run(d, events, BOT_FEATURES);
			if (i === 8)
				assert.deepEqual(requested, [
					"bot_posts_365d",
					...BOT_FEATURES.map((f) => f.name).filter((n) => n !== "bot_posts_365d"),
				]);
			else assert.deepEqual(requested, ["bot_posts_365d"], `post ${i}`);
			if (signals.length) scored.push(i);
		}
		assert.deepEqual(scored, [8]);
	});
});
