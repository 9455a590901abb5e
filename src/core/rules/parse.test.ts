import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Expr, FeatureDecl, RuleDecl } from "./ast.ts";
import { parse } from "./parse.ts";

const parseOne = (text: string) => parse({ path: "t.rules", text });

/** An expression as a Lisp-like string: shows the tree the precedence made. */
function show(e: Expr): string {
	switch (e.kind) {
		case "binary":
			return `(${e.op} ${show(e.left)} ${show(e.right)})`;
		case "unary":
			return `(${e.op} ${show(e.operand)})`;
		case "member":
			return `${show(e.object)}.${e.name}`;
		case "index":
			return `${show(e.object)}[${show(e.index)}]`;
		case "call":
			return `${e.callee}(${e.args.map(show).join(", ")})`;
		case "list":
			return `[${e.items.map(show).join(", ")}]`;
		case "name":
			return e.name;
		case "num":
			return String(e.value);
		case "dur":
			return e.text;
		case "str":
			return JSON.stringify(e.value);
		case "bool":
			return String(e.value);
		default:
			return "?";
	}
}

const whenOf = (cond: string) => {
	const r = parseOne(`rule r { when ${cond} }`);
	assert.deepEqual(r.diagnostics, [], `parse errors in ${cond}`);
	return show((r.file.decls[0] as RuleDecl).when[0] as Expr);
};

describe("parser: expressions", () => {
	const cases: [string, string][] = [
		["a and b or c", "(or (and a b) c)"],
		["a or b and c", "(or a (and b c))"],
		["not a and b", "(and (not a) b)"],
		["x not in l", "(not in x l)"],
		["not x in l", "(not (in x l))"],
		["a + b * c > 2", "(> (+ a (* b c)) 2)"],
		["-x < -1", "(< (- x) -1)"],
		["f[event.actor] >= 5", "(>= f[event.actor] 5)"],
		["event.data.replyTo.authorId == event.actor", "(== event.data.replyTo.authorId event.actor)"],
		['matches(event.data.text, "a|b", "i")', 'matches(event.data.text, "a|b", "i")'],
		['label_age(event.actor, "x") < 1h', '(< label_age(event.actor, "x") 1h)'],
		['"a" in ["a", "b"]', '(in "a" ["a", "b"])'],
		["(a or b) and c", "(and (or a b) c)"],
		["event.data.count > 3", "(> event.data.count 3)"],
	];
	for (const [src, want] of cases) it(src, () => assert.equal(whenOf(src), want));
});

describe("parser: declarations", () => {
	it("reads a feature with every clause", () => {
		const r = parseOne(
			"## doc\nfeature f = distinct event.actor of post.created, post.liked where true by event.actor over 10m buckets 5",
		);
		assert.deepEqual(r.diagnostics, []);
		const f = r.file.decls[0] as FeatureDecl;
		assert.equal(f.agg.kind, "distinct");
		assert.deepEqual(
			f.on.map((t) => t.name),
			["post.created", "post.liked"],
		);
		assert.equal(f.over.ms, 600_000);
		assert.equal(f.buckets?.value, 5);
		assert.equal(f.doc, "doc");
	});

	it("reads effects with and without targets and modifiers", () => {
		const r = parseOne(`rule r {
			on post.created
			when true
			then
				label "spam" for 1d reason "why"
				label event.data.postId "spam"
				limit in search, replies for 1h
				review event.data.replyTo.authorId in "q" severity 0.5
				challenge "captcha"
				block
				suspend for 7d
			shadow
			rollout 10% by event.actor
		}`);
		assert.deepEqual(r.diagnostics, []);
		const rule = r.file.decls[0] as RuleDecl;
		assert.deepEqual(
			rule.effects.map((e) => [e.verb, e.target ? show(e.target) : "-", e.text?.value ?? "-", e.ttl?.text ?? "-"]),
			[
				["label", "-", "spam", "1d"],
				["label", "event.data.postId", "spam", "-"],
				["limit", "-", "-", "1h"],
				["review", "event.data.replyTo.authorId", "q", "-"],
				["challenge", "-", "captcha", "-"],
				["block", "-", "-", "-"],
				["suspend", "-", "-", "7d"],
			],
		);
		assert.equal(rule.effects[0]?.reason?.value, "why");
		assert.deepEqual(
			rule.effects[2]?.surfaces?.map((s) => s.name),
			["search", "replies"],
		);
		assert.equal(rule.rollout?.percent, 10);
		assert.ok(rule.shadow);
	});

	const errors: [string, string, string[]][] = [
		["a missing `then` effect", "rule r { when true then }", ["R1101"]],
		["chained comparisons", "rule r { when 1 < 2 < 3 }", ["R1101"]],
		["a stray token at top level", "when true", ["R1102"]],
		["a clause given twice", "rule r { on post.created on post.liked }", ["R1103"]],
		["a feature without over", "feature f = count post.created by event.actor", ["R1104"]],
		["a keyword as a name", "let count = 1", ["R2013"]],
		["`for` on an effect that has no duration", "rule r { then block for 1d }", ["R1101"]],
		["a percentage outside rollout", "rule r { when 5% > 1 }", ["R1101"]],
	];
	for (const [name, text, want] of errors)
		it(`reports ${name}`, () =>
			assert.deepEqual(
				parseOne(text).diagnostics.map((d) => d.code),
				want,
			));

	it("recovers and reports every broken declaration", () => {
		const r = parseOne("rule a { when ) }\nrule b { when true then label }\nrule c { when true then block }");
		assert.deepEqual(
			r.diagnostics.map((d) => `${d.span.line}:${d.code}`),
			["1:R1101", "2:R1101"],
		);
		assert.deepEqual(
			r.file.decls.map((d) => d.name.name),
			["a", "b", "c"],
		);
	});

	it("reports an unclosed rule once and keeps going", () => {
		const r = parseOne("rule a { when true\nrule b { then block }");
		assert.deepEqual(
			r.diagnostics.map((d) => d.message),
			["expected `}` to close rule `a`, found `rule`"],
		);
		assert.equal(r.file.decls.length, 2);
	});
});
