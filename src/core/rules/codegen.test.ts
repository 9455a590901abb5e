import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { BulwarkEvent } from "../events/index.ts";
import { BUILTINS, type Builtin, BuiltinRegistry } from "./builtins/index.ts";
import { defaultEnv } from "./env.ts";
import type { EvalEnv } from "./frame.ts";
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

const env = (features: Record<string, number> = {}): EvalEnv => ({
	feature: (name, id) => features[`${name}:${id}`],
	entity: () => undefined,
	signals: [],
});

/** A pack with `counted(x)`, a builtin of the given cost that counts its calls. */
function counting(text: string, cost: number) {
	const calls = { n: 0 };
	const counted: Builtin = {
		name: "counted",
		signature: { params: [P.text("x")], returns: T.number },
		cost,
		summary: "counts calls",
		example: "counted(x)",
		impl: () => ++calls.n,
	};
	const r = loadRules(
		[{ path: "t.rules", text }],
		defaultEnv({ builtins: new BuiltinRegistry([...BUILTINS, counted]) }),
	);
	assert.ok(r.pack, r.diagnostics.map((d) => d.message).join("; "));
	return { pack: r.pack, calls };
}

describe("compiled rules", () => {
	it("computes an event-only call once per event for every rule that makes it", () => {
		const { pack, calls } = counting(
			`rule a { when counted(event.actor) >= 1 then block }
			rule b { on post.created when counted(event.actor) >= 1 and event.data.lang == "" then block }
			rule c { on post.created when counted(event.data.postId) >= 1 then block }`,
			5,
		);
		const r = pack.evaluate(post(), env());
		assert.deepEqual(
			r.hits.map((h) => h.rule),
			["a", "b", "c"],
		);
		assert.equal(calls.n, 2, "one call for event.actor, one for event.data.postId");
	});

	it("decides in the first pass a rule that reads nothing to fetch, and evaluates it once", () => {
		const { pack, calls } = counting(
			`feature f = count post.created by event.actor over 10m
			rule cheap { when counted(event.actor) >= 1 then block }
			rule needs_f { when counted(event.actor) >= 1 and f[event.actor] > 2 then block }`,
			1,
		);
		const prepared = pack.prepare(post());
		assert.equal(calls.n, 2, "both rules in the first pass");
		const r = prepared.evaluate(env({ "f:u1": 3 }));
		assert.equal(calls.n, 3, "only the rule waiting for f again");
		assert.deepEqual(
			r.hits.map((h) => [h.rule, h.outcome, h.seen]),
			[
				["cheap", "fired", {}],
				["needs_f", "fired", { "f[event.actor]": 3 }],
			],
		);
	});

	it("records the lets a let reads, however early it was computed", () => {
		const { pack } = counting(
			`let n = counted(event.actor)
			let many = n >= 1 and event.data.lang == ""
			rule r { on post.created when many then block }`,
			1,
		);
		assert.deepEqual(pack.evaluate(post(), env()).hits[0]?.seen, { n: 1, many: true });
	});

	it("reads strings of any content as values, never as code", () => {
		const texts = [
			'say "hi"',
			"back\\slash",
			// biome-ignore lint/suspicious/noTemplateCurlyInString: a placeholder as data, on purpose
			"${process.exit(1)}",
			"`tick`",
			"line\nbreak",
			"</script>",
			"'); x('",
		];
		for (const text of texts) {
			const r = loadRules([
				{
					path: "t.rules",
					text: `rule r { on post.created when event.data.text == ${JSON.stringify(text)} then block }`,
				},
			]);
			assert.ok(r.pack, r.diagnostics.map((d) => d.message).join("; "));
			assert.equal(r.pack.evaluate(post({ text }), env()).hits[0]?.outcome, "fired", text);
			assert.equal(r.pack.evaluate(post({ text: `${text}!` }), env()).hits.length, 0, text);
		}
	});

	it("keeps a trace label that is also an object's special key as a plain key", () => {
		const r = loadRules([
			{
				path: "t.rules",
				text: 'let __proto__ = event.data.lang == ""\nrule r { on post.created when __proto__ then block }',
			},
		]);
		assert.ok(r.pack, r.diagnostics.map((d) => d.message).join("; "));
		const seen = r.pack.evaluate(post(), env()).hits[0]?.seen as Record<string, unknown>;
		assert.deepEqual(Object.keys(seen), ["__proto__"]);
		assert.equal(Object.getPrototypeOf(seen), Object.prototype);
	});

	it("forgets entity states between evaluations with different values", () => {
		const r = loadRules([{ path: "t.rules", text: 'rule r { when has_label(event.actor, "x") then block }' }]);
		assert.ok(r.pack);
		const prepared = r.pack.prepare(post());
		const none = prepared.evaluate(env());
		const labelled: EvalEnv = {
			...env(),
			entity: () => ({
				key: "account:u1",
				status: "active",
				suspendedUntil: null,
				labels: [{ label: "x", source: "human", reason: "", createdAt: 0, expiresAt: null, by: "t", actionId: "a" }],
				openCases: [],
			}),
		};
		assert.deepEqual([none.hits.length, prepared.evaluate(labelled).hits.length], [0, 1]);
	});
});
