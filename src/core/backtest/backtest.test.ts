import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Decision, Effect, RuleHitSeen } from "../decisions/index.ts";
import type { BulwarkEvent } from "../events/index.ts";
import { backtestReport, type ReplayStats } from "./report.ts";
import { f1Of, scoreTargets } from "./score.ts";
import { BacktestTally, effectKey } from "./tally.ts";
import { parseTruth, TruthFormatError } from "./truth.ts";

const labelAcct = (id: string, label = "x"): Effect => ({
	kind: "label.add",
	entity: { kind: "account", id },
	label,
	ttlMs: null,
	reason: "r: x",
	source: "rule",
});
const labelPost = (id: string): Effect => ({ ...labelAcct("", "spam"), entity: { kind: "post", id } }) as Effect;

describe("parseTruth", () => {
	it("reads the simulator's truth: adversaries with a bad act are bad, the rest of them and farm customers left out", () => {
		const t = parseTruth(
			JSON.stringify({
				version: 1,
				accounts: {
					u1: { threat: "spam", role: "bot", firstBadTs: 10 },
					u2: { threat: "harassment", role: "harasser", firstBadTs: null },
				},
				posts: { p1: { threat: "spam", author: "u1", ts: 10 } },
				beneficiaries: ["u9"],
			}),
		);
		assert.equal(t.source, "simulator");
		assert.deepEqual([...t.badAccounts], [["u1", "spam"]]);
		assert.deepEqual([...t.ignoredAccounts].sort(), ["u2", "u9"]);
		assert.deepEqual([...t.badPosts], [["p1", "spam"]]);
		assert.equal(t.postAuthors.get("p1"), "u1");
		assert.deepEqual(t.threats, ["spam"]);
	});

	it("reads NDJSON and CSV labels; 0 and unlisted are good; threats optional", () => {
		const nd = parseTruth(
			'{"kind":"account","id":"u1","label":1,"threat":"spam"}\n\n{"kind":"post","id":"p1","label":1}\n{"kind":"account","id":"u2","label":0}\n',
		);
		assert.equal(nd.source, "labels");
		assert.deepEqual([...nd.badAccounts], [["u1", "spam"]]);
		assert.deepEqual([...nd.badPosts], [["p1", ""]]);
		assert.deepEqual(nd.threats, ["spam"]);
		const csv = parseTruth("kind,id,label,threat\n# a comment\naccount,u1,1,spam\naccount,u2,0\npost,p7,1\n");
		assert.deepEqual([...csv.badAccounts], [["u1", "spam"]]);
		assert.deepEqual([...csv.badPosts], [["p7", ""]]);
		// One line of NDJSON is labels too, not a simulator file.
		assert.equal(parseTruth('{"kind":"account","id":"u1","label":1}').badAccounts.size, 1);
	});

	it("refuses bad lines, listing each with its number", () => {
		assert.throws(
			() => parseTruth('{"kind":"user","id":"u1","label":1}\naccount,u2,yes\n{"kind":"account","id":"u3"'),
			(err: unknown) =>
				err instanceof TruthFormatError &&
				err.problems.length === 3 &&
				/^line 1: kind/.test(err.problems[0] ?? "") &&
				/^line 2: label must be 1 or 0/.test(err.problems[1] ?? "") &&
				/^line 3: not valid JSON/.test(err.problems[2] ?? ""),
		);
		assert.throws(() => parseTruth("account,u1,1\naccount,u1,0\n"), /listed before with the other label/);
		assert.throws(() => parseTruth("\n\n"), /no labels/);
	});
});

describe("scoreTargets", () => {
	// Bad: accounts b1, b2 (spam), b3 (abuse); post bp (by b3). Good: everyone else.
	const truth = parseTruth(
		["account,b1,1,spam", "account,b2,1,spam", "account,b3,1,abuse", "post,bp,1,abuse", "account,g1,0"].join("\n"),
	);
	const authors = new Map([
		["bp", "b3"],
		["gp", "g2"],
	]);

	it("counts accounts hit plus the authors of posts hit, and posts on their own", () => {
		// Hits: b1 directly, g1 directly, post bp (author b3), post gp (author g2), a device (not scored).
		const s = scoreTargets(truth, ["account:b1", "account:g1", "post:bp", "post:gp", "device:d1"], (p) =>
			authors.get(p),
		);
		assert.deepEqual(s.accounts, {
			hit: 4,
			truePositives: 2,
			bad: 3,
			precision: 0.5,
			recall: 2 / 3,
			f1: f1Of(0.5, 2 / 3),
		});
		assert.equal(s.posts?.precision, 0.5);
		assert.equal(s.posts?.recall, 1);
		assert.deepEqual(s.threats, { abuse: { bad: 1, hit: 1, recall: 1 }, spam: { bad: 2, hit: 1, recall: 0.5 } });
		assert.equal(s.topThreat, "abuse"); // a tie goes to the first threat, in name order
	});

	it("gives null precision for no hits, and no posts score unless asked", () => {
		const s = scoreTargets(truth, [], () => undefined);
		assert.equal(s.accounts.precision, null);
		assert.equal(s.accounts.recall, 0);
		assert.equal(s.accounts.f1, null);
		assert.equal(s.posts, null);
		assert.equal(scoreTargets(truth, [], () => undefined, { posts: true }).posts?.recall, 0);
		assert.equal(f1Of(0, 0), 0);
	});
});

describe("BacktestTally", () => {
	const event = (ts: number, actor = "a1", postId = `p${ts}`): BulwarkEvent =>
		({ id: `e${ts}`, type: "post.created", ts, actor, data: { postId, text: "t" } }) as BulwarkEvent;
	const hit = (rule: string, outcome: RuleHitSeen["outcome"], effects: Effect[] = [], error?: string): RuleHitSeen => ({
		rule,
		at: "t.rules:1",
		outcome,
		effects,
		seen: {},
		...(error ? { error } : {}),
	});
	const decision = (hits: RuleHitSeen[]): Decision => ({
		eventId: "",
		verdict: "allow",
		labels: [],
		effects: hits.filter((h) => h.outcome === "fired").flatMap((h) => h.effects),
		reasons: [],
		traceId: "",
		tookMs: 0,
		decidedAt: 0,
		trace: { features: [], signals: [], fired: [], errors: [], rules: hits },
	});
	const rules = [
		{ name: "a", at: "t.rules:1", on: null, shadow: false, rolloutPercent: null },
		{ name: "s", at: "t.rules:5", on: null, shadow: true, rolloutPercent: null },
		{ name: "r", at: "t.rules:9", on: null, shadow: false, rolloutPercent: 25 },
		{ name: "never", at: "t.rules:12", on: null, shadow: false, rolloutPercent: null },
	];

	it("counts outcomes, targets, effects, actions and first/last hit per rule, and the pack's fired effects", () => {
		const t = new BacktestTally(rules);
		t.add(event(1), decision([hit("a", "fired", [labelAcct("a1")]), hit("s", "shadow", [labelPost("p1")])]), false);
		t.add(event(2), decision([hit("a", "fired", [labelAcct("a1")]), hit("s", "shadow", [labelPost("p2")])]));
		t.add(event(3, "a2"), decision([hit("r", "held_back", [labelAcct("a2")]), hit("a", "errored", [], "boom")]));
		t.add(event(4, "a3"), decision([hit("a", "fired", [labelAcct("a3")]), hit("r", "fired", [labelAcct("a3")])]));
		t.addActions([
			{
				id: "1",
				ts: 2,
				who: "rules:v",
				kind: "label.add",
				entity: "account:a1",
				reason: "a: x",
				details: {},
				eventId: null,
			},
			{
				id: "2",
				ts: 4,
				who: "rules:v",
				kind: "label.add",
				entity: "account:a3",
				reason: "r: x",
				details: {},
				eventId: null,
			},
			{
				id: "3",
				ts: 4,
				who: "apikey:ops",
				kind: "label.add",
				entity: "account:a3",
				reason: "x",
				details: {},
				eventId: null,
			},
		]);
		const by = Object.fromEntries(t.rules().map((r) => [r.rule, r]));
		assert.equal(t.events, 3, "the warm-up event is not counted");
		assert.deepEqual(
			{
				hits: by.a?.hits,
				errors: by.a?.errors,
				entities: by.a?.entities,
				first: by.a?.firstHitTs,
				last: by.a?.lastHitTs,
			},
			{ hits: 2, errors: 1, entities: 2, first: 2, last: 4 },
		);
		assert.equal(by.a?.firstError, "boom");
		assert.equal(by.a?.actions, 1);
		assert.deepEqual(
			{ mode: by.s?.mode, shadow: by.s?.shadowHits, hits: by.s?.hits, effects: by.s?.effects },
			{ mode: "shadow", shadow: 1, hits: 0, effects: { "label.add:spam@post": 1 } },
		);
		assert.deepEqual([by.r?.mode, by.r?.hits, by.r?.heldBack, by.r?.entities], ["rollout 25%", 1, 1, 2]);
		assert.deepEqual([by.never?.hits, by.never?.firstHitTs, by.never?.mode], [0, null, "live"]);
		assert.deepEqual(t.pack(), {
			hits: 2,
			shadowHits: 1,
			heldBack: 1,
			errors: 1,
			entities: 2,
			entitiesByKind: { account: 2 },
			effects: { "label.add:x@account": 3 },
			actions: 2,
		});
		assert.equal(t.authorOf("p1"), "a1", "warm-up posts keep their author");
	});

	it("reports sorted by matches, with precision and recall per rule over every match and for the pack over what fired", () => {
		const t = new BacktestTally(rules);
		t.add(event(1, "b1"), decision([hit("s", "shadow", [labelAcct("b1")])]));
		t.add(event(2, "g1"), decision([hit("s", "shadow", [labelAcct("g1")]), hit("a", "fired", [labelAcct("g1")])]));
		t.add(event(3, "b1"), decision([hit("s", "shadow", [labelAcct("b1")])]));
		const truth = parseTruth("account,b1,1\naccount,b2,1\n");
		const stats = { events: 3 } as ReplayStats;
		const r = backtestReport(stats, t, { dir: "rules", version: "v" }, truth);
		assert.deepEqual(
			r.rules.map((x) => x.rule),
			["s", "a", "never", "r"],
		);
		const s = r.rules[0];
		assert.deepEqual([s?.precision, s?.recall], [0.5, 0.5]);
		assert.deepEqual([r.pack.precision, r.pack.recall, r.pack.f1], [0, 0, 0]);
		assert.deepEqual(r.truth, { source: "labels", badAccounts: 2, badPosts: 0, ignoredAccounts: 0, threats: [] });
		const only = backtestReport(stats, t, { dir: "rules", version: "v" }, undefined, new Set(["a"]));
		assert.deepEqual(
			only.rules.map((x) => x.rule),
			["a"],
		);
		assert.equal(only.rules[0]?.precision, undefined);
	});

	it("keys effects by kind, detail and target kind", () => {
		const acct = { kind: "account", id: "a" } as const;
		assert.equal(effectKey(labelAcct("a", "spam")), "label.add:spam@account");
		assert.equal(
			effectKey({
				kind: "visibility.limit",
				entity: acct,
				surfaces: ["search", "trends"],
				ttlMs: 1,
				reason: "",
				source: "rule",
			}),
			"visibility.limit:search,trends@account",
		);
		assert.equal(
			effectKey({ kind: "review.open", entity: { kind: "post", id: "p" }, queue: "spam", severity: 1, reason: "" }),
			"review.open:spam@post",
		);
		assert.equal(
			effectKey({ kind: "challenge", entity: acct, challenge: "captcha", reason: "" }),
			"challenge:captcha@account",
		);
		assert.equal(effectKey({ kind: "nudge", entity: acct, message: "m", reason: "" }), "nudge@account");
	});
});
