import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { BulwarkEvent } from "../events/index.ts";
import { velocityDetector } from "./velocity.ts";

const post: BulwarkEvent = { id: "e", type: "post.created", ts: 0, actor: "a1", data: { postId: "p", text: "t" } };

function run(values: Record<string, number>) {
	const d = velocityDetector();
	return d.detect(post, { feature: (name) => values[name], entity: () => undefined });
}

describe("velocity detector", () => {
	it("asks for the short and long windows of the actor", () => {
		assert.deepEqual(velocityDetector().needs(post), [
			{ feature: "posts_5m", id: "a1" },
			{ feature: "posts_24h", id: "a1" },
		]);
		assert.deepEqual(
			velocityDetector().needs({ ...post, type: "session.login", data: { success: true } } as BulwarkEvent),
			[],
		);
	});

	const cases: [string, Record<string, number>, number | null][] = [
		["quiet new account", { posts_5m: 3, posts_24h: 3 }, null],
		["new account at the floor", { posts_5m: 20, posts_24h: 20 }, 0.5],
		["new account at twice the floor", { posts_5m: 40, posts_24h: 40 }, 1],
		// 287 posts in the rest of the day = 1 per 5 minutes; 10x that is 10, under the floor of 20
		["steady account, a burst over the floor", { posts_5m: 30, posts_24h: 317 }, 0.792],
		// 5,740 in the rest of the day = 20 per 5 min; threshold 200
		["prolific steady account judged against itself", { posts_5m: 60, posts_24h: 5_800 }, null],
		["prolific account bursting 10x its rate", { posts_5m: 200, posts_24h: 5_940 }, 0.5],
	];
	for (const [name, values, score] of cases) {
		it(name, () => {
			const signals = run(values);
			if (score === null) assert.deepEqual(signals, []);
			else {
				assert.equal(signals.length, 1);
				assert.equal(signals[0]?.name, "velocity.posts");
				assert.equal(signals[0]?.score, score);
				assert.deepEqual(signals[0]?.entity, { kind: "account", id: "a1" });
			}
		});
	}

	it("emits nothing when a feature is missing (errored lookup)", () => {
		assert.deepEqual(run({ posts_5m: 100 }), []);
	});
});
