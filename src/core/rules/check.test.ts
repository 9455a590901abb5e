import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { check } from "./check.ts";
import { formatDiagnostic } from "./diagnostics.ts";
import { defaultEnv } from "./env.ts";
import { parse } from "./parse.ts";

function diagnose(text: string): string[] {
	const p = parse({ path: "t.rules", text });
	const c = check([p.file], defaultEnv());
	return [...p.diagnostics, ...c.diagnostics].map((d) => d.code);
}

const rule = (body: string) => `rule r { on post.created ${body} then block }`;

describe("checker", () => {
	const ok: [string, string][] = [
		[
			"a feature and a rule reading it",
			`feature f = count post.created by event.actor over 10m\n${rule("when f[event.actor] > 3")}`,
		],
		["a built-in feature", rule("when posts_5m[event.actor] >= 20")],
		["an entity compared with a string", rule('when event.actor == "u1"')],
		["durations compared", rule('when has_label(event.actor, "x") and label_age(event.actor, "x") < 1h')],
		["a duration times a number", rule('when has_label(event.actor, "x") and label_age(event.actor, "x") > 2 * 30m')],
		["a list field with in", rule('when "promo" in event.data.hashtags')],
		["mentions hold accounts", rule("when event.data.replyTo.authorId in event.data.mentions")],
		["a named list with not in", `list l: strings = ["a"]\n${rule("when event.data.lang not in l")}`],
		[
			"a let used in two rules on different types",
			`let a = event.actor == "x"\nrule r1 { on post.liked when a then block }\nrule r2 { when a then block }`,
		],
		[
			"fields common to every type of the rule",
			"rule r { on post.liked, post.reposted when event.data.authorId == event.actor then block }",
		],
		[
			"a report subject as an account",
			'rule r { on report.filed when reports_received_24h[account(event.data.subject.id)] > 2 then review account(event.data.subject.id) in "q" }',
		],
		[
			"a feature keyed by subnet",
			"feature f = count post.created by ip_prefix(event.context.ip, 24) over 1h\nrule r { when f[ip_prefix(event.context.ip, 24)] > 1 then block }",
		],
		["has on an optional object", rule("when has(event.data.replyTo)")],
		["a signal", rule('when score("velocity.posts") > 0.5')],
	];
	for (const [name, src] of ok) it(`accepts ${name}`, () => assert.deepEqual(diagnose(src), []));

	const bad: [string, string, string[]][] = [
		["an unknown name", rule("when nope"), ["R2001"]],
		["an unknown event type", "rule r { on post.create when true then block }", ["R2002"]],
		["an unknown feature", rule("when nope[event.actor] > 1"), ["R2003"]],
		["an unknown list", rule('when "a" in nolist'), ["R2004"]],
		["an unknown function", rule("when lenght(event.data.text) > 1"), ["R2005"]],
		["an unknown field", rule('when event.data.txt == ""'), ["R2006"]],
		["an unknown signal", rule('when score("velocity.post") > 0'), ["R2007"]],
		["a name declared twice", "let a = 1\nlet a = 2", ["R4002", "R2008"]],
		["a feature named like a built-in one", "feature posts_5m = count post.created by event.actor over 5m", ["R2008"]],
		["a let cycle", "let a = b\nlet b = a\n" + rule("when a"), ["R2009"]],
		["an unknown list kind", 'list l: domain = ["x.com"]', ["R4002", "R2010"]],
		["an unknown surface", "rule r { then limit in serch }", ["R2011"]],
		["an unknown challenge", 'rule r { then challenge "captha" }', ["R2012"]],
		["a builtin's name", "let lower = 1", ["R2013"]],
		["a string plus a number", rule('when "a" + 1 == "a1"'), ["R3001"]],
		["a count compared with a duration", rule("when posts_5m[event.actor] > 10m"), ["R3001"]],
		["an argument of the wrong type", rule("when contains(event.data.text, 3)"), ["R3002"]],
		["a wrong argument count", rule('when lower() == ""'), ["R3003"]],
		["a non-bool condition", rule("when 3"), ["R3004"]],
		["suspending a post", "rule r { on post.created then suspend event.data.postId }", ["R3005"]],
		["a feature read for the wrong kind", rule("when posts_5m[event.data.postId] > 1"), ["R3006"]],
		[
			"keyword_count over a domains list",
			`list l: domains\n${rule("when keyword_count(event.data.text, l) > 1")}`,
			["R3007"],
		],
		["a pattern that is not a literal", rule("when matches(event.data.text, event.data.text)"), ["R3008"]],
		["an invalid regex", rule('when matches(event.data.text, "(a")'), ["R3009"]],
		["a backreference", rule('when matches(event.data.text, "(a)\\\\1")'), ["R3009"]],
		[
			"a feature filter reading a feature",
			"feature f = count post.created where posts_5m[event.actor] > 1 by event.actor over 1h",
			["R3010"],
		],
		[
			"a feature filter reading state",
			'feature f = count post.created where has_label(event.actor, "x") by event.actor over 1h',
			["R3010"],
		],
		["a rollout over 100%", "rule r { rollout 150% then block }", ["R3011"]],
		["a severity over 1", 'rule r { then review in "q" severity 2 }', ["R3011"]],
		["a window over 30 days", "feature f = count post.created by event.actor over 31d", ["R3011"]],
		["a feature keyed by a string", "feature f = count post.created by event.data.text over 1h", ["R3012"]],
		["has() on a required field", rule("when has(event.data.text)"), ["R3013"]],
		["event.data without on", 'rule r { when event.data.text == "" then block }', ["R3014"]],
		[
			"a field missing on one of the types",
			'rule r { on post.created, post.liked when event.data.text == "" then block }',
			["R3015"],
		],
		["an invalid inline list entry", 'list l: ip_ranges = ["10.0.0.0/33"]\n' + rule('when "1.2.3.4" in l'), ["R3016"]],
		[
			"a let with two types",
			"let x = event.data.postId\nrule a { on post.created when x == x then block }\nrule b { on account.followed when x == x then block }",
			["R2006"],
		],
		["a feature without its entity", rule("when posts_5m > 1"), ["R3018"]],
		["`event` alone", rule("when event == event"), ["R3019", "R3019"]],
		["reading a `last` feature", rule("when recent_texts[event.actor] > 1"), ["R3019"]],
		["a rule with no effects", "rule r { when true }", ["R4001"]],
		["an unused list", 'list l: strings = ["a"]', ["R4002"]],
		["rollout on a shadow rule", "rule r { shadow rollout 5% then block }", ["R4003"]],
	];
	for (const [name, src, want] of bad) it(`reports ${name}`, () => assert.deepEqual(diagnose(src), want));

	it("gives no program when there are errors, and one with only warnings", () => {
		const p = parse({ path: "t.rules", text: "rule r { when true }" });
		assert.ok(check([p.file], defaultEnv()).program);
		const q = parse({ path: "t.rules", text: "rule r { when nope then block }" });
		assert.equal(check([q.file], defaultEnv()).program, undefined);
	});

	it("shares one namespace across the files of a pack", () => {
		const a = parse({ path: "a.rules", text: "feature f = count post.created by event.actor over 1h" });
		const b = parse({ path: "b.rules", text: "rule r { when f[event.actor] > 1 then block }\nlet f = 1" });
		const c = check([a.file, b.file], defaultEnv());
		assert.deepEqual(c.diagnostics.map(formatDiagnostic), [
			"b.rules:2:5 error R2008: `f` is already a feature declared at a.rules:1",
		]);
	});
});
