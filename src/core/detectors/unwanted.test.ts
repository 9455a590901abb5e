import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { EntityState } from "../enforcement/index.ts";
import type { BulwarkEvent } from "../events/index.ts";
import type { WindowValue } from "../features/index.ts";
import { pairKey } from "../features/interactions.ts";
import { LEARNED_INPUTS } from "../ml/unwanted/inputs.ts";
import { encodeUnwantedModel, UnwantedModel } from "../ml/unwanted/model.ts";
import { interactionRequests, interactionTargets, readInteraction, unwantedDetector } from "./unwanted.ts";

const T = 1_800_000_000_000;
const DAY = 86_400_000;

const reply = (data: Partial<{ replyTo: { postId: string; authorId: string }; mentions: string[] }>, text = "hi") =>
	({
		id: "e1",
		type: "post.created",
		ts: T,
		actor: "a",
		data: { postId: "p1", text, ...data },
	}) as BulwarkEvent;

/** A context holding the given window values (by feature and id) and the author's state. */
function context(values: Record<string, WindowValue>, author?: EntityState) {
	return {
		feature: (name: string, id: string) => values[`${name} ${id}`],
		entity: (ref: { kind: string; id: string }) => (ref.id === "a" ? author : undefined),
	};
}

/** Every value the detector asks for about `a -> t`, zero unless given. */
function values(t: string, over: Record<string, WindowValue> = {}): Record<string, WindowValue> {
	const v: Record<string, WindowValue> = {};
	for (const r of interactionRequests(reply({ mentions: [t] }), [t])) v[`${r.feature} ${r.id}`] = 0;
	v["created_at a"] = [];
	return { ...v, ...over };
}

const model = new UnwantedModel(
	encodeUnwantedModel({
		learned: { ...Object.fromEntries(LEARNED_INPUTS.map((k) => [k, 0])), abuse: 1, pile_on: 1 } as never,
		bias: 0,
		threshold: 0.6,
	}),
);
const fixed = (name: string, p: number) => ({ name, threshold: 0.5, score: () => p });
const text = { abuse: fixed("abuse", 0.9), hate: fixed("hate", 0.1), targeted: fixed("targeted", 0.5) };

describe("unwanted detector: whom a post is aimed at", () => {
	it("the replied-to author first, then mentions; never the author, no repeats, at most max", () => {
		assert.deepEqual(
			interactionTargets(reply({ replyTo: { postId: "q", authorId: "t" }, mentions: ["a", "u", "t", "v"] })),
			["t", "u", "v"],
		);
		assert.deepEqual(interactionTargets(reply({ mentions: ["u", "v", "w", "x"] }), 2), ["u", "v"]);
		assert.deepEqual(interactionTargets(reply({})), [], "a post to nobody");
		assert.deepEqual(interactionTargets(reply({ replyTo: { postId: "q", authorId: "a" } })), [], "a thread");
		assert.deepEqual(interactionRequests(reply({}), []), []);
	});

	it("asks for the pair's follows and engagement both ways, the target's repliers, the author's reports and age", () => {
		const r = interactionRequests(reply({ mentions: ["t"] }), ["t"]).map((x) => `${x.feature} ${x.id}`);
		assert.deepEqual(r, [
			"reports_received_24h a",
			"created_at a",
			`follows_pair ${pairKey("t", "a")}`,
			`follows_pair ${pairKey("a", "t")}`,
			`engaged_pair_30d ${pairKey("t", "a")}`,
			`engaged_pair_30d ${pairKey("a", "t")}`,
			"repliers_15m t",
			"repliers_24h t",
		]);
	});
});

describe("unwanted detector: reading the context", () => {
	it("does not count this post as earlier contact or as another replier", () => {
		const e = reply({ replyTo: { postId: "q", authorId: "t" } });
		const x = readInteraction(
			e,
			"t",
			context(
				values("t", {
					[`engaged_pair_30d ${pairKey("a", "t")}`]: 3,
					[`engaged_pair_30d ${pairKey("t", "a")}`]: 1,
					[`follows_pair ${pairKey("a", "t")}`]: 1,
					"repliers_15m t": 7,
					"repliers_24h t": 20,
					"reports_received_24h a": 2,
					"created_at a": [{ ts: T - 2 * DAY, value: T - 2 * DAY }],
				}),
				{
					key: "account:a",
					status: "active",
					suspendedUntil: null,
					openCases: [],
					labels: [
						{ label: "harasser", source: "rule", reason: "r", createdAt: 0, expiresAt: null, by: "x", actionId: "1" },
						{ label: "old", source: "rule", reason: "r", createdAt: 0, expiresAt: T - 1, by: "x", actionId: "2" },
					],
				} as EntityState,
			),
			{ abuse: 0.9, hate: 0.1, targeted: 0.5 },
		);
		assert.equal(x.authorContactedTarget, 2);
		assert.equal(x.otherRepliers15m, 6);
		assert.equal(x.targetEngagedAuthor, 1);
		assert.equal(x.targetFollowsAuthor, false);
		assert.equal(x.authorFollowsTarget, true);
		assert.equal(x.repliers24h, 20);
		assert.equal(x.authorReports24h, 2);
		assert.equal(x.authorLabels, 1, "only the label still in force");
		assert.equal(x.authorAgeDays, 2);
		// A target only mentioned second: this post did not count towards it.
		const y = readInteraction(
			reply({ mentions: ["u", "t"] }),
			"t",
			context(values("t", { "repliers_15m t": 7 })),
			text as never,
		);
		assert.equal(y.otherRepliers15m, 7);
		assert.equal(y.authorAgeDays, undefined, "creation not seen");
	});

	it("throws when a value was not fetched (a failed lookup), rather than guess a stranger", () => {
		const v = values("t");
		delete v[`follows_pair ${pairKey("t", "a")}`];
		assert.throws(() => readInteraction(reply({ mentions: ["t"] }), "t", context(v), text as never), /follows_pair/);
		assert.throws(
			() =>
				readInteraction(reply({ mentions: ["t"] }), "t", context({ ...values("t"), "created_at a": 0 }), text as never),
			/created_at/,
		);
	});
});

describe("unwanted detector: the signal", () => {
	const d = unwantedDetector({ model, text });

	it("on replies and mentions only, as text.unwanted about the post, explained when flagged", () => {
		assert.equal(d.name, "text.unwanted");
		assert.deepEqual(d.on, ["post.created"]);
		assert.deepEqual(d.detect(reply({}), context({})), []);
		const e = reply({ mentions: ["t"] });
		const [s] = d.detect(e, context(values("t", { "repliers_15m t": 9 })));
		assert.ok(s);
		assert.equal(s.name, "text.unwanted");
		assert.deepEqual(s.entity, { kind: "post", id: "p1" });
		assert.ok(s.score >= 0.6);
		assert.equal(s.evidence.flagged, 1);
		assert.equal(s.evidence.target, "t");
		assert.equal(s.evidence.stranger, 1);
		assert.equal(s.evidence.otherRepliers15m, 8, "this post was one of the 9");
		assert.match(String(s.evidence.top1), /^(abuse|pile_on) \(\+\d/);
		assert.match(
			s.reason,
			/unwanted model: .* >= threshold 0\.6 \(to t, a stranger to them; 8 others replied in 15m\)/,
		);
		// A quiet reply from someone the target follows: under the threshold, no explanation.
		const calm = unwantedDetector({ model, text: { ...text, abuse: fixed("abuse", 0.3) } });
		const [q] = calm.detect(e, context(values("t", { [`follows_pair ${pairKey("t", "a")}`]: 1 })));
		assert.ok(q && q.score < 0.6 && q.evidence.flagged === 0 && !("top1" in q.evidence));
		assert.equal(q.evidence.stranger, 0);
	});

	it("judges a post to several accounts by its most exposed target", () => {
		const e = reply({ mentions: ["t", "u"] });
		const v = { ...values("t"), ...values("u", { "repliers_15m u": 30 }) };
		const [s] = d.detect(e, context(v));
		assert.equal(s?.evidence.target, "u");
	});

	it("scores the post's text with each of the three text models once", () => {
		const calls: string[] = [];
		const counted = (name: string, p: number) => ({
			name,
			threshold: 0.5,
			score: (t: string) => {
				calls.push(`${name}:${t}`);
				return p;
			},
		});
		const d2 = unwantedDetector({
			model,
			text: { abuse: counted("abuse", 0.9), hate: counted("hate", 0.1), targeted: counted("targeted", 0.5) },
		});
		d2.detect(reply({ mentions: ["t", "u"] }, "you"), context({ ...values("t"), ...values("u") }));
		assert.deepEqual(calls, ["abuse:you", "hate:you", "targeted:you"], "once, whatever the number of targets");
	});
});
