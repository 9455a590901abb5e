import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { percentile, reviewPrecision, type ScoreAction, type ScoreCase, scorecard } from "./score.ts";
import type { Truth } from "./truth.ts";

const truth: Truth = {
	version: 1,
	seed: 1,
	prefix: "",
	start: 0,
	end: 100_000,
	totalAccounts: 14,
	organicAccounts: 10,
	accounts: {
		u1: { threat: "spam", role: "bot", group: 0, owner: null, firstBadTs: 1_000 },
		u2: { threat: "spam", role: "bot", group: 0, owner: null, firstBadTs: 2_000 },
		u3: { threat: "harassment", role: "harasser", group: 1, owner: null, firstBadTs: 5_000 },
		u4: { threat: "spam", role: "bot", group: 0, owner: null, firstBadTs: null },
	},
	posts: {
		p1: { threat: "spam", author: "u1", ts: 1_000 },
		p2: { threat: "spam", author: "u1", ts: 1_500 },
		p3: { threat: "harassment", author: "u3", ts: 5_000 },
	},
	beneficiaries: ["u9"],
	lookalikes: {},
	campaigns: [],
};

const rule = { source: "rule" };
const actions: ScoreAction[] = [
	{ entity: "account:u1", kind: "label.add", ts: 4_000, who: "policy:default", details: rule },
	{ entity: "account:u1", kind: "suspend", ts: 9_000, who: "policy:default", details: rule },
	{ entity: "account:u3", kind: "review.open", ts: 5_000, who: "policy:default", details: {} },
	{ entity: "account:u2", kind: "label.add", ts: 3_000, who: "apikey:ops", details: { source: "human" } },
	{ entity: "account:u2", kind: "label.remove", ts: 3_500, who: "policy:default", details: rule },
	{ entity: "account:u5", kind: "label.add", ts: 100, who: "policy:default", details: rule },
	{ entity: "account:u9", kind: "label.add", ts: 100, who: "policy:default", details: rule },
	{ entity: "account:u4", kind: "suspend", ts: 100, who: "policy:default", details: rule },
	{ entity: "post:p1", kind: "label.add", ts: 1_200, who: "policy:default", details: rule },
	{ entity: "post:p7", kind: "label.add", ts: 1_200, who: "policy:default", details: rule },
];
const cases: ScoreCase[] = [
	{ id: "c1", entity: "account:u3", severity: 0.9, openedAt: 5_000 },
	{ id: "c2", entity: "account:u5", severity: 0.95, openedAt: 100 },
	{ id: "c3", entity: "account:u4", severity: 0.5, openedAt: 100 },
	{ id: "c4", entity: "post:p3", severity: 0.9, openedAt: 6_000 },
];

describe("scorecard on a hand-made truth and actions", () => {
	const card = scorecard(truth, actions, cases);

	it("scores spam: one of two active bots caught, one organic account actioned", () => {
		const s = card.threats.spam!;
		assert.equal(s.accounts, 2, "the bot with no bad act is not a positive");
		assert.equal(s.actioned, 1, "a person's label does not count");
		assert.equal(s.precision, 0.5);
		assert.equal(s.recall, 0.5);
		assert.equal(s.f1, 0.5);
		assert.equal(s.medianTimeToActionMs, 3_000, "first counted action (4000) minus first bad act (1000)");
		assert.equal(s.p90TimeToActionMs, 3_000);
		assert.deepEqual(s.posts, { bad: 2, actioned: 1, precision: 0.5, recall: 0.5, f1: 0.5 });
	});

	it("scores harassment, with a case opened at the first bad act as zero delay", () => {
		const h = card.threats.harassment!;
		assert.equal(h.precision, 0.5);
		assert.equal(h.recall, 1);
		assert.ok(Math.abs((h.f1 as number) - 2 / 3) < 1e-12);
		assert.equal(h.medianTimeToActionMs, 0);
		assert.deepEqual(h.posts, { bad: 1, actioned: 0, precision: 0, recall: 0, f1: 0 });
	});

	it("gives null where there is nothing to measure", () => {
		const a = card.threats.amplification!;
		assert.equal(a.recall, null);
		assert.equal(a.f1, null);
		assert.equal(a.medianTimeToActionMs, null);
		assert.equal(a.precision, 0, "its only actioned account is organic");
	});

	it("counts collateral per 10k organic accounts, leaving farm customers out", () => {
		assert.equal(card.organicActioned, 1);
		assert.ok(Math.abs(card.collateralPer10k - 10_000 / 9) < 1e-9);
		assert.equal(card.overall.precision, 2 / 3);
		assert.equal(card.overall.recall, 2 / 3);
	});

	it("measures review precision on the top cases by severity, then age", () => {
		assert.equal(card.reviewPrecisionAt100, 0.75);
		assert.equal(reviewPrecision(truth, cases, 2), 0.5);
		assert.equal(reviewPrecision(truth, [], 100), null);
	});

	it("keeps the stable JSON keys", () => {
		assert.deepEqual(Object.keys(card).slice(0, 3), ["threats", "collateralPer10k", "reviewPrecisionAt100"]);
		for (const t of Object.values(card.threats))
			for (const k of ["precision", "recall", "f1", "medianTimeToActionMs", "p90TimeToActionMs"]) assert.ok(k in t);
	});

	it("takes nearest-rank percentiles", () => {
		const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
		assert.equal(percentile(xs, 0.5), 5);
		assert.equal(percentile(xs, 0.9), 9);
		assert.equal(percentile([7], 0.9), 7);
		assert.equal(percentile([], 0.5), null);
	});
});
