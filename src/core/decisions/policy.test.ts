import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Signal } from "../detectors/index.ts";
import { emptyState } from "../enforcement/index.ts";
import type { BulwarkEvent } from "../events/index.ts";
import { DEFAULT_POLICY, evaluatePolicy } from "./policy.ts";
import { verdictOf } from "./verdict.ts";

const event: BulwarkEvent = { id: "e", type: "post.created", ts: 1_000, actor: "a1", data: { postId: "p", text: "t" } };
const sig = (score: number): Signal => ({
	detector: "velocity",
	name: "velocity.posts",
	entity: { kind: "account", id: "a1" },
	score,
	reason: "fast",
	evidence: {},
});

describe("default policy", () => {
	const cases: [string, Signal[], boolean, string, string[]][] = [
		["no signals", [], false, "allow", []],
		["low velocity", [sig(0.3)], false, "allow", []],
		["velocity at the threshold", [sig(0.5)], false, "nudge", ["velocity-nudge(velocity.posts)"]],
		[
			"velocity far over",
			[sig(0.95)],
			false,
			"challenge",
			["velocity-nudge(velocity.posts)", "velocity-challenge(velocity.posts)"],
		],
		["suspended actor", [], true, "deny", ["suspended-actor-denied"]],
	];
	for (const [name, signals, suspended, verdict, fired] of cases) {
		it(name, () => {
			const state = suspended ? { ...emptyState("account:a1"), status: "suspended" as const } : undefined;
			const r = evaluatePolicy(DEFAULT_POLICY, { event, signals, entity: () => state });
			assert.deepEqual(r.fired, fired);
			assert.equal(verdictOf(r.effects, "account:a1"), verdict);
		});
	}

	it("ignores a suspension that has run out", () => {
		const state = { ...emptyState("account:a1"), status: "suspended" as const, suspendedUntil: 500 };
		assert.deepEqual(evaluatePolicy(DEFAULT_POLICY, { event, signals: [], entity: () => state }).fired, []);
	});

	it("takes the verdict of effects aimed at the actor only", () => {
		assert.equal(
			verdictOf([{ kind: "block", entity: { kind: "account", id: "other" }, reason: "r" }], "account:a1"),
			"allow",
		);
	});
});
