import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { inRollout, rolloutBucket } from "./rollout.ts";

describe("rollout", () => {
	const ids = Array.from({ length: 20_000 }, (_, i) => `u${i}`);

	it("puts an entity in the same bucket every time", () => {
		assert.equal(rolloutBucket("r", "u42"), rolloutBucket("r", "u42"));
		assert.deepEqual(
			["u1", "u2", "u3"].map((id) => rolloutBucket("new_spam_rule", id)),
			["u1", "u2", "u3"].map((id) => rolloutBucket("new_spam_rule", id)),
		);
	});

	for (const pct of [1, 10, 25, 50, 90])
		it(`admits about ${pct}% of entities`, () => {
			const share = ids.filter((id) => inRollout("rule_a", id, pct)).length / ids.length;
			assert.ok(Math.abs(share - pct / 100) < 0.015, `${(share * 100).toFixed(2)}%`);
		});

	it("admits everyone at 100% and nobody at 0%", () => {
		assert.ok(ids.every((id) => inRollout("r", id, 100)));
		assert.ok(!ids.some((id) => inRollout("r", id, 0)));
	});

	it("grows the same cohort as the percentage rises", () => {
		const at10 = ids.filter((id) => inRollout("r", id, 10));
		assert.ok(at10.every((id) => inRollout("r", id, 30)));
	});

	it("picks different entities for different rules", () => {
		const a = new Set(ids.filter((id) => inRollout("rule_a", id, 10)));
		const both = ids.filter((id) => a.has(id) && inRollout("rule_b", id, 10)).length;
		assert.ok(both < a.size * 0.2, `${both} of ${a.size} in both`);
	});
});
