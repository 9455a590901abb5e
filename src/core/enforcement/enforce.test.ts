import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Effect } from "../decisions/index.ts";
import { enforce } from "./enforce.ts";
import type { EntityState } from "./state.ts";

const acct = { kind: "account" as const, id: "a1" };
const HOUR = 3_600_000;

function run(effects: Effect[], states = new Map<string, EntityState>(), ts = 1_000_000) {
	return { ...enforce(effects, { ts, who: "policy:test", eventId: "e1", states }), states };
}

describe("enforce", () => {
	it("adds a label once and audits it", () => {
		const add: Effect = { kind: "label.add", entity: acct, label: "spam", ttlMs: HOUR, reason: "r", source: "rule" };
		const first = run([add]);
		assert.equal(first.actions.length, 1);
		assert.equal(first.actions[0]?.kind, "label.add");
		assert.equal(first.states.get("account:a1")?.labels[0]?.expiresAt, 1_000_000 + HOUR);
		const again = run([add], first.states, 1_000_000 + 1_000);
		assert.equal(again.actions.length, 0, "a label in force for over half its TTL is not re-added");
		assert.equal(again.mutations.length, 0);
		const later = run([add], first.states, 1_000_000 + 0.6 * HOUR);
		assert.equal(later.actions.length, 1, "past half its TTL the label is extended");
		assert.equal(later.actions[0]?.details.extended, true);
	});

	it("treats an expired label as absent", () => {
		const add: Effect = { kind: "label.add", entity: acct, label: "spam", ttlMs: 1_000, reason: "r", source: "rule" };
		const first = run([add]);
		const after = run([add], first.states, 1_000_000 + 5_000);
		assert.equal(after.actions[0]?.details.extended, false);
	});

	it("removes only a label in force", () => {
		const states = run([
			{ kind: "label.add", entity: acct, label: "x", ttlMs: null, reason: "r", source: "human" },
		]).states;
		const rm: Effect = { kind: "label.remove", entity: acct, label: "x", reason: "appeal", source: "human" };
		const r1 = run([rm], states);
		assert.equal(r1.actions.length, 1);
		assert.equal(r1.states.get("account:a1")?.labels.length, 0);
		assert.equal(run([rm], r1.states).actions.length, 0);
	});

	it("suspends and unsuspends idempotently", () => {
		const s1 = run([{ kind: "suspend", entity: acct, ttlMs: null, reason: "ban evasion", source: "human" }]);
		assert.equal(s1.states.get("account:a1")?.status, "suspended");
		assert.deepEqual(
			s1.mutations.filter((m) => m.kind === "entity.status").map((m) => m.kind),
			["entity.status"],
		);
		assert.equal(
			run([{ kind: "suspend", entity: acct, ttlMs: HOUR, reason: "again", source: "rule" }], s1.states).actions.length,
			0,
		);
		const u = run([{ kind: "unsuspend", entity: acct, reason: "appeal", source: "human" }], s1.states);
		assert.equal(u.states.get("account:a1")?.status, "active");
		assert.equal(
			run([{ kind: "unsuspend", entity: acct, reason: "again", source: "human" }], u.states).actions.length,
			0,
		);
	});

	it("maps a visibility limit to one label per surface", () => {
		const r = run([
			{
				kind: "visibility.limit",
				entity: acct,
				surfaces: ["search", "trends"],
				ttlMs: HOUR,
				reason: "r",
				source: "rule",
			},
		]);
		assert.deepEqual(
			r.states
				.get("account:a1")
				?.labels.map((l) => l.label)
				.sort(),
			["limit:search", "limit:trends"],
		);
	});

	it("opens one review case per queue and bumps it after", () => {
		const open: Effect = { kind: "review.open", entity: acct, queue: "spam", severity: 0.7, reason: "r" };
		const r1 = run([open]);
		assert.equal(r1.mutations.filter((m) => m.kind === "review.open").length, 1);
		const r2 = run([{ ...open, severity: 0.9 }], r1.states);
		assert.deepEqual(
			r2.mutations.map((m) => m.kind),
			["review.bump"],
		);
		assert.equal(r2.actions.length, 0);
	});

	it("records nothing for verdict-only effects", () => {
		const r = run([
			{ kind: "nudge", entity: acct, message: "m", reason: "r" },
			{ kind: "challenge", entity: acct, challenge: "captcha", reason: "r" },
			{ kind: "block", entity: acct, reason: "r" },
		]);
		assert.equal(r.mutations.length, 0);
		assert.equal(r.changed.length, 0);
	});
});
