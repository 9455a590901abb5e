import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Signal } from "../detectors/types.ts";
import { type EntityState, emptyState } from "../enforcement/state.ts";
import type { BulwarkEvent } from "../events/index.ts";
import { FeatureCatalog } from "../features/spec.ts";
import { BUILTINS, type Builtin, BuiltinRegistry } from "./builtins/index.ts";
import { defaultEnv } from "./env.ts";
import { firedLines } from "./evaluate.ts";
import type { EvalEnv } from "./frame.ts";
import { MemoryListStore } from "./lists/memory.ts";
import { loadRules } from "./load.ts";
import { P, T } from "./types.ts";

const post = (data: Record<string, unknown> = {}, extra: Partial<BulwarkEvent> = {}): BulwarkEvent =>
	({
		id: "e1",
		type: "post.created",
		ts: 1_000_000,
		actor: "u1",
		data: { postId: "p1", text: "hi", ...data },
		...extra,
	}) as BulwarkEvent;

function pack(text: string, opts: Parameters<typeof loadRules>[2] = {}, env = defaultEnv()) {
	const r = loadRules([{ path: "t.rules", text }], env, opts);
	assert.ok(r.pack, r.diagnostics.map((d) => d.message).join("; "));
	return r.pack;
}

function env(
	over: Partial<{ features: Record<string, number>; states: EntityState[]; signals: Signal[] }> = {},
): EvalEnv {
	const states = new Map((over.states ?? []).map((s) => [s.key, s]));
	return {
		feature: (name, id) => over.features?.[`${name}:${id}`],
		entity: (ref) => states.get(`${ref.kind}:${ref.id}`),
		signals: over.signals ?? [],
	};
}

const labelled = (key: string, label: string, createdAt: number): EntityState => ({
	...emptyState(key),
	labels: [{ label, source: "human", reason: "", createdAt, expiresAt: null, by: "t", actionId: "a" }],
});

describe("the first pass", () => {
	const rules = `
		feature f = count post.created by event.actor over 10m
		rule en { on post.created when f[event.actor] > 3 and event.data.lang == "en" then block }
		rule any { on post.created when event.data.lang == "en" or f[event.actor] > 3 then block }
		rule dev { on post.created when has_label(event.context.deviceId, "bad") then block }
		rule liked { on post.liked when true then block }`;
	const p = pack(rules);

	it("rules out a rule whose event-only part is false, and fetches nothing for it", () => {
		const prep = p.prepare(post({ lang: "de" }));
		assert.deepEqual(prep.needs.features, [{ feature: "f", id: "u1" }]);
		assert.equal(prep.evaluate(env({ features: { "f:u1": 9 } })).evaluated, 2, "`any` and `dev` remain");
	});

	it("skips the lookup an `or` no longer needs", () => {
		const prep = p.prepare(post({ lang: "en" }));
		assert.deepEqual(prep.needs.features, [{ feature: "f", id: "u1" }]);
		const r = prep.evaluate(env({ features: { "f:u1": 9 } }));
		assert.deepEqual(
			r.hits.map((h) => h.rule),
			["en", "any"],
		);
	});

	it("asks for the entity states rules read, once each", () => {
		const prep = p.prepare(post({}, { context: { deviceId: "d1" } }));
		assert.deepEqual(prep.needs.entities, [{ kind: "device", id: "d1" }]);
		const r = prep.evaluate(env({ features: { "f:u1": 0 }, states: [labelled("device:d1", "bad", 0)] }));
		assert.deepEqual(
			r.hits.map((h) => [h.rule, h.seen]),
			[["dev", { 'has_label(event.context.deviceId, "bad")': true }]],
		);
	});

	it("applies only the rules of the event's type", () => {
		assert.equal(p.prepare(post()).evaluate(env()).considered, 3);
		assert.equal(p.rulesFor("post.liked").length, 1);
	});
});

describe("conditions", () => {
	const cases: [string, string, Partial<BulwarkEvent>, boolean | "errored"][] = [
		[
			"and with an errored side that another side decides",
			'label_age(event.actor, "x") < 1h and has_label(event.actor, "x")',
			{},
			false,
		],
		["the same, the other way round", 'has_label(event.actor, "x") and label_age(event.actor, "x") < 1h', {}, false],
		["or with an errored side and a true side", '1 / 0 > 1 or event.actor == "u1"', {}, true],
		["division by zero", "1 / 0 > 1", {}, "errored"],
		["an absent optional field reads as its zero value", 'event.data.lang == ""', {}, true],
		["an absent list field is empty", "len(event.data.urls) == 0", {}, true],
		["not in a list literal", 'event.actor not in ["u2", "u3"]', {}, true],
		["durations", "2 * 30m == 1h and 1h / 30m == 2", {}, true],
		["string concatenation", 'event.data.text + "!" == "hi!"', {}, true],
		["a feature on an absent entity is errored", "posts_5m[event.data.replyTo.authorId] > 1", {}, "errored"],
		["has() on an absent object", "has(event.data.replyTo)", {}, false],
		["has() on a present context field", "has(event.context.ip)", { context: { ip: "1.2.3.4" } }, true],
	];
	for (const [name, cond, extra, want] of cases)
		it(name, () => {
			const p = pack(`rule r { on post.created when ${cond} then block }`);
			const r = p.evaluate(post({}, extra), env(), { explain: true });
			const hit = r.hits[0];
			assert.equal(hit?.outcome === "errored" ? "errored" : hit?.outcome === "fired", want, JSON.stringify(hit));
		});

	it("reads account.updated changes as field names", () => {
		const p = pack('rule r { on account.updated when "bio" in event.data.changes then block }');
		const e = { id: "e", type: "account.updated", ts: 1, actor: "u1", data: { changes: { bio: "x" } } } as BulwarkEvent;
		assert.equal(p.evaluate(e, env()).hits[0]?.outcome, "fired");
	});
});

describe("failures are values", () => {
	it("records a missing feature value as errored and still evaluates the other rules", () => {
		const p = pack(`
			feature f = count post.created by event.actor over 10m
			rule needs_f { on post.created when f[event.actor] > 1 then block }
			rule other { on post.created when true then label "seen" }`);
		const r = p.evaluate(post(), env());
		assert.deepEqual(
			r.hits.map((h) => [h.rule, h.outcome]),
			[
				["needs_f", "errored"],
				["other", "fired"],
			],
		);
		assert.deepEqual(r.errors, ["rule needs_f: feature f of account:u1 is not available"]);
		assert.deepEqual(
			r.effects.map((e) => e.kind),
			["label.add"],
		);
	});

	it("turns a builtin that throws into an errored rule", () => {
		const boom: Builtin = {
			name: "boom",
			signature: { params: [P.text("x")], returns: T.bool },
			cost: 1,
			summary: "throws",
			example: "boom(x)",
			impl: () => {
				throw new Error("kaboom");
			},
		};
		const e = defaultEnv({ builtins: new BuiltinRegistry([...BUILTINS, boom]) });
		const p = pack("rule r { when boom(event.actor) then block }", {}, e);
		const r = p.evaluate(post(), env());
		assert.deepEqual([r.hits[0]?.outcome, r.hits[0]?.error], ["errored", "internal error: kaboom"]);
	});

	it("reads a list that is not loaded as errored", () => {
		const p = pack("list l: domains\nrule r { on post.created when any_in(event.data.urls, l) then block }");
		const r = p.evaluate(post({ urls: ["https://x.com"] }), env());
		assert.equal(r.hits[0]?.error, "list l is not loaded");
	});

	it("reads a regex over its budget as errored", () => {
		const p = pack('rule r { on post.created when matches(event.data.text, "[a-z]{0,1000}x") then block }');
		const r = p.evaluate(post({ text: `${"a".repeat(9_999)}x` }), env());
		assert.match(r.hits[0]?.error ?? "", /over its budget/);
	});
});

describe("lets and memoisation", () => {
	it("computes a let once per event however many rules read it, and records its value", () => {
		let calls = 0;
		const counted: Builtin = {
			name: "counted",
			signature: { params: [P.text("x")], returns: T.number },
			cost: 1,
			summary: "counts calls",
			example: "counted(x)",
			impl: () => ++calls,
		};
		const e = defaultEnv({ builtins: new BuiltinRegistry([...BUILTINS, counted]) });
		const p = pack(
			`let n = counted(event.actor)
			rule a { when n >= 1 then block }
			rule b { when n >= 1 then block }
			rule c { when n + 1 >= 2 then block }`,
			{},
			e,
		);
		const r = p.evaluate(post(), env());
		assert.equal(calls, 1);
		assert.deepEqual(
			r.hits.map((h) => h.seen),
			[{ n: 1 }, { n: 1 }, { n: 1 }],
		);
		p.evaluate(post(), env());
		assert.equal(calls, 2, "a new event computes it again");
	});
});

describe("shadow, rollout and effects", () => {
	it("records a shadow rule's hit and effects without applying them", () => {
		const p = pack('rule r { when true shadow then label "x" }');
		const r = p.evaluate(post(), env());
		assert.deepEqual([r.hits[0]?.outcome, r.hits[0]?.effects.length, r.effects.length], ["shadow", 1, 0]);
	});

	it("applies a rollout to the same entities every time, salted by rule", () => {
		const p = pack('rule half { when true rollout 50% then label "x" }');
		const fired = (actor: string) => p.evaluate(post({}, { actor }), env()).hits[0]?.outcome;
		const ids = Array.from({ length: 400 }, (_, i) => `acct${i}`);
		const first = ids.map(fired);
		assert.deepEqual(ids.map(fired), first, "deterministic");
		const share = first.filter((o) => o === "fired").length / ids.length;
		assert.ok(share > 0.4 && share < 0.6, `about half: ${share}`);
		assert.deepEqual(new Set(first), new Set(["fired", "held_back"]));
	});

	it("rolls out by another entity when told", () => {
		const p = pack('rule r { on post.created when true rollout 100% by event.data.replyTo.authorId then label "x" }');
		assert.equal(p.evaluate(post(), env()).hits[0]?.outcome, "held_back", "no such entity: held back");
		const reply = post({ replyTo: { postId: "p0", authorId: "a" } });
		assert.equal(p.evaluate(reply, env()).hits[0]?.outcome, "fired");
	});

	it("skips an effect whose target is absent and keeps the others", () => {
		const p = pack('rule r { on post.created when true then label event.data.replyTo.authorId "t" label "me" }');
		const r = p.evaluate(post(), env());
		assert.deepEqual(
			r.effects.map((e) => `${e.entity.kind}:${e.entity.id}`),
			["account:u1"],
		);
	});

	it("builds each kind of effect, with rule and effect reasons", () => {
		const p = pack(`rule r {
			on post.created
			reason "why"
			then
				label "l" for 1h
				unlabel "old" reason "own"
				limit event.data.postId in search, search, trends for 1d
				nudge "slow down"
				challenge "phone"
				block
				suspend for 7d
				unsuspend
				review in "q" severity score("velocity.posts") * 2
		}`);
		const r = p.evaluate(
			post(),
			env({
				signals: [
					{
						detector: "v",
						name: "velocity.posts",
						entity: { kind: "account", id: "u1" },
						score: 0.7,
						reason: "",
						evidence: {},
					},
				],
			}),
		);
		assert.deepEqual(r.effects, [
			{
				kind: "label.add",
				entity: { kind: "account", id: "u1" },
				label: "l",
				ttlMs: 3_600_000,
				reason: "r: why",
				source: "rule",
			},
			{ kind: "label.remove", entity: { kind: "account", id: "u1" }, label: "old", reason: "r: own", source: "rule" },
			{
				kind: "visibility.limit",
				entity: { kind: "post", id: "p1" },
				surfaces: ["search", "trends"],
				ttlMs: 86_400_000,
				reason: "r: why",
				source: "rule",
			},
			{ kind: "nudge", entity: { kind: "account", id: "u1" }, message: "slow down", reason: "r: why" },
			{ kind: "challenge", entity: { kind: "account", id: "u1" }, challenge: "phone", reason: "r: why" },
			{ kind: "block", entity: { kind: "account", id: "u1" }, reason: "r: why" },
			{ kind: "suspend", entity: { kind: "account", id: "u1" }, ttlMs: 604_800_000, reason: "r: why", source: "rule" },
			{ kind: "unsuspend", entity: { kind: "account", id: "u1" }, reason: "r: why", source: "rule" },
			{ kind: "review.open", entity: { kind: "account", id: "u1" }, queue: "q", severity: 1, reason: "r: why" },
		]);
	});

	it("explains rules that did not match, with what they saw", () => {
		const p = pack(`feature f = count post.created by event.actor over 1h
			rule r { on post.created when f[event.actor] > 5 then block }
			rule cheap { on post.created when event.data.lang == "xx" then block }`);
		const r = p.prepare(post()).evaluate(env({ features: { "f:u1": 2 } }), { explain: true });
		assert.deepEqual(
			r.hits.map((h) => [h.rule, h.outcome, h.seen]),
			[
				["r", "no_match", { "f[event.actor]": 2 }],
				["cheap", "no_match", {}],
			],
		);
	});
});

describe("features declared in rules", () => {
	const p = pack(`
		list tags: keywords = ["promo"]
		feature promo_posts = count post.created where count_in(event.data.hashtags, tags) > 0 by event.actor over 1h
		feature views = sum event.data.count of post.viewed by event.data.postId over 1h buckets 6
		feature repliers = distinct event.actor of post.created by event.data.replyTo.authorId over 10m`);
	const catalog = new FeatureCatalog(p.features);

	it("become FeatureSpecs with entity, window and buckets", () => {
		assert.deepEqual(
			p.features.map((f) => [f.name, f.entity, f.on, f.windowMs, f.buckets, f.agg.kind]),
			[
				["promo_posts", "account", ["post.created"], 3_600_000, 12, "count"],
				["views", "post", ["post.viewed"], 3_600_000, 6, "sum"],
				["repliers", "account", ["post.created"], 600_000, 12, "distinct"],
			],
		);
	});

	it("turn events into window ops, filtered and keyed as declared", () => {
		const ops = (e: BulwarkEvent) => catalog.opsFor(e).map((o) => `${o.key}:${o.agg}:${"value" in o ? o.value : ""}`);
		assert.deepEqual(ops(post({ hashtags: ["Promo"] })), ["promo_posts|account:u1:count:"]);
		assert.deepEqual(ops(post({ replyTo: { postId: "p0", authorId: "a9" } })), ["repliers|account:a9:distinct:u1"]);
		const view = {
			id: "v",
			type: "post.viewed",
			ts: 1,
			actor: "u1",
			data: { postId: "p7", count: 40 },
		} as BulwarkEvent;
		assert.deepEqual(ops(view), ["views|post:p7:sum:40"]);
	});
});

describe("lists from a store", () => {
	it("reads entries and their expiry at the event's time", () => {
		const lists = new MemoryListStore();
		lists.upsert("bad", "ip_ranges", [
			{ value: "185.7.0.0/16", expiresAt: null },
			{ value: "2001:db8::/32", expiresAt: 2_000_000 },
		]);
		const p = pack("list bad: ip_ranges\nrule r { when event.context.ip in bad then block }", { lists });
		const at = (ip: string, ts: number) => p.evaluate(post({}, { ts, context: { ip } }), env()).hits[0]?.outcome;
		assert.equal(at("185.7.13.9", 1), "fired");
		assert.equal(at("2001:db8::1", 1_500_000), "fired");
		assert.equal(at("2001:db8::1", 2_500_000), undefined, "expired");
		assert.equal(at("10.0.0.1", 1), undefined);
	});
});

describe("feature definitions", () => {
	it("are kept per name, whitespace-normalised, to compare pack versions", () => {
		const p = pack("## doc\nfeature f = count post.created\n\tby event.actor over 10m");
		assert.deepEqual([...p.featureDefinitions], [["f", "feature f = count post.created by event.actor over 10m"]]);
	});
});

describe("trace lines", () => {
	it("name each hit with its outcome", () => {
		const p = pack(`rule a { when true then block }
			rule b { when true shadow then block }
			rule c { when 1 / 0 > 1 then block }`);
		assert.deepEqual(firedLines(p.evaluate(post(), env())), ["a", "b (shadow)", "c (errored)"]);
	});
});

describe("per-rule cost", () => {
	it("counts every evaluation, times one event in 64, and carries totals to a new pack", () => {
		const text = `
			rule on_posts { on post.created when event.data.text == "x" then block }
			rule on_likes { on post.liked when event.actor == "u1" then block }`;
		const first = pack(text);
		for (let i = 0; i < 128; i++) first.evaluate(post(), env());
		const posts = first.costs.report("on_posts");
		assert.equal(posts.evaluations, 128);
		assert.ok(posts.seconds > 0 && posts.meanMicros !== null, JSON.stringify(posts));
		assert.equal(first.costs.report("on_likes").evaluations, 0, "not its event type");
		assert.equal(first.costs.report("on_likes").meanMicros, null);

		const next = pack(text);
		next.useCosts(first.costs);
		next.evaluate(post(), env());
		assert.equal(first.costs.report("on_posts").evaluations, 129);
	});
});
