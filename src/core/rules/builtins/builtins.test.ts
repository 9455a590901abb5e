import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { EntityState } from "../../enforcement/state.ts";
import { emptyState } from "../../enforcement/state.ts";
import type { BulwarkEvent } from "../../events/index.ts";
import type { EntityKind } from "../../shared/entity.ts";
import { MemoryListStore } from "../lists/memory.ts";
import type { CallSite, Runtime } from "../runtime.ts";
import { Err, type Value } from "../values.ts";
import { BUILTINS, BuiltinRegistry, DEFAULT_BUILTINS } from "./index.ts";

const NOW = 1_000_000;
const lists = new MemoryListStore();
lists.upsert("words", "keywords", [
	{ value: "free", expiresAt: null },
	{ value: "claim now", expiresAt: null },
	{ value: "old", expiresAt: NOW - 1 },
]);
lists.upsert("domains", "domains", [{ value: "spam.example", expiresAt: null }]);
lists.upsert("claims", "strings", [{ value: "the moon landing was filmed in a studio", expiresAt: null }]);
lists.upsert("nets", "ip_ranges", [{ value: "10.0.0.0/8", expiresAt: null }]);

const states = new Map<string, EntityState>([
	[
		"account:u1",
		{
			...emptyState("account:u1"),
			status: "suspended",
			openCases: ["spam"],
			labels: [
				{
					label: "spam",
					source: "rule",
					reason: "",
					createdAt: NOW - 7_200_000,
					expiresAt: null,
					by: "t",
					actionId: "a",
				},
				{ label: "gone", source: "rule", reason: "", createdAt: 0, expiresAt: NOW - 1, by: "t", actionId: "b" },
			],
		},
	],
]);

const rt: Runtime = {
	event: { id: "e", type: "post.created", ts: NOW, actor: "u1", data: { postId: "p", text: "" } } as BulwarkEvent,
	at: NOW,
	list: (name) => lists.list(name) ?? new Err(`list ${name} is not loaded`),
	entity: (kind, id) => states.get(`${kind}:${id}`),
	signalScore: (name) => (name === "velocity.posts" ? 0.8 : 0),
};

function call(name: string, args: Value[], kinds: (EntityKind | undefined)[] = []): Value {
	const b = DEFAULT_BUILTINS.get(name);
	assert.ok(b, `no builtin ${name}`);
	const site: CallSite = { prepared: b.prepare?.(args), kinds };
	const v = b.impl(args, rt, site);
	return v instanceof Err ? `errored: ${v.message}` : v;
}

describe("builtins", () => {
	const cases: [string, Value[], Value, (EntityKind | undefined)[]?][] = [
		["len", ["héllo"], 5],
		["len", [["a", "b"]], 2],
		["lower", ["FREE Stuff"], "free stuff"],
		["contains", ["free stuff", "stuff"], true],
		["contains", ["free stuff", "Stuff"], false],
		["starts_with", ["promo_bot", "promo"], true],
		["ends_with", ["a@mailinator.com", "@mailinator.com"], true],
		["matches", ["FREE  iPhone!!", "free\\s+(iphone|ps5)", "i"], true],
		["matches", ["free ipad", "free\\s+(iphone|ps5)", "i"], false],
		["matches", ["line one\nline two", "^line two$", "m"], true],
		["caps_ratio", ["ABC def"], 0.5],
		["caps_ratio", ["123 !!"], 0],
		["similarity", ["FREE iPhone, claim now!", "free iphone claim now"], 1],
		["similarity", ["abc", "xyz"], 0],
		["edit_similarity", ["kitten", "kitten"], 1],
		["edit_similarity", ["", ""], 1],
		["max_similarity", ["The moon landing was FILMED in a studio!!", "claims"], 1],
		["max_similarity", ["hello", "nope"], "errored: list nope is not loaded"],
		["url_domain", ["https://User@Sub.Spam.Example:8080/x?y#z"], "sub.spam.example"],
		["url_domain", ["not a url at all"], ""],
		["url_domains", [["https://a.com/x", "nonsense here", "http://b.org"]], ["a.com", "b.org"]],
		["in_cidr", ["10.1.2.3", "10.0.0.0/8"], true],
		["in_cidr", ["11.1.2.3", "10.0.0.0/8"], false],
		["in_cidr", ["2001:db8::5", "2001:db8::/32"], true],
		["in_cidr", ["::ffff:10.9.9.9", "10.0.0.0/8"], true],
		["in_cidr", ["not-an-ip", "10.0.0.0/8"], false],
		["ip_prefix", ["185.7.13.200", 24], "185.7.13.0/24"],
		["ip_prefix", ["2001:db8:aa:bb::1", 48], "2001:db8:aa:0:0:0:0:0/48"],
		["ip_prefix", ["garbage", 24], ""],
		["in_list", ["https://x.spam.example/a", "domains"], true],
		["in_list", ["10.200.0.1", "nets"], true],
		["in_list", ["FREE", "words"], true],
		["in_list", ["old", "words"], false],
		["any_in", [["https://ok.com", "https://spam.example/x"], "domains"], true],
		["any_in", [[], "domains"], false],
		["count_in", [["free", "x", "claim now"], "words"], 2],
		["keyword_count", ["FREE stuff, claim now! free free", "words"], 2],
		["keyword_count", ["freedom", "words"], 0],
		["keyword_count", ["an old word", "words"], 0],
		["has_label", ["u1", "spam"], true, ["account"]],
		["has_label", ["u1", "gone"], false, ["account"]],
		["has_label", ["u2", "spam"], false, ["account"]],
		["label_age", ["u1", "spam"], 7_200_000, ["account"]],
		["label_age", ["u1", "gone"], "errored: account:u1 has no label gone", ["account"]],
		["is_suspended", ["u1"], true, ["account"]],
		["is_suspended", ["u2"], false, ["account"]],
		["has_open_case", ["u1", "spam"], true, ["account"]],
		["has_open_case", ["u1", "harassment"], false, ["account"]],
		["score", ["velocity.posts"], 0.8],
		["score", ["velocity.follows"], 0],
		["account", ["u9"], "u9"],
		["post", ["p9"], "p9"],
		["ip", ["1.2.3.4"], "1.2.3.4"],
		["device", ["d1"], "d1"],
		["min", [3, 5], 3],
		["max", [3, 5], 5],
	];
	for (const [name, args, want, kinds] of cases)
		it(`${name}(${args.map((a) => JSON.stringify(a)).join(", ")}) = ${JSON.stringify(want)}`, () => {
			const got = call(name, args, kinds);
			if (typeof want === "number" && typeof got === "number") assert.ok(Math.abs(got - want) < 1e-9, `${got}`);
			else assert.deepEqual(got, want);
		});

	it("each has a name, a summary, an example and a non-negative cost", () => {
		for (const b of BUILTINS) {
			assert.match(b.name, /^[a-z][a-z0-9_]*$/);
			assert.ok(b.summary && b.example, b.name);
			assert.ok(b.cost >= 0, b.name);
		}
	});

	it("a registry refuses two builtins with one name", () => {
		const lower = DEFAULT_BUILTINS.get("lower");
		assert.ok(lower);
		assert.throws(() => new BuiltinRegistry([lower, lower]), /builtin "lower" is registered twice/);
	});

	it("validates literal arguments at check time", () => {
		const problem = (name: string, lits: Value[]) =>
			DEFAULT_BUILTINS.get(name)?.validate?.(lits, { signals: ["velocity.posts"] })?.code;
		assert.equal(problem("matches", ["x", "(a"]), "R3009");
		assert.equal(problem("matches", ["x", "a", "g"]), "R3009");
		assert.equal(problem("matches", ["x", "a+"]), undefined);
		assert.equal(problem("in_cidr", ["x", "10.0.0.0/40"]), "R3011");
		assert.equal(problem("ip_prefix", ["x", 200]), "R3011");
		assert.equal(problem("score", ["velocity.post"]), "R2007");
		assert.equal(problem("score", ["velocity.posts"]), undefined);
	});
});
