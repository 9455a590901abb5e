import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { lex } from "./lexer.ts";

const kinds = (text: string) => lex({ path: "t.rules", text }).tokens.map((t) => `${t.kind}:${t.value ?? t.text}`);
const codes = (text: string) => lex({ path: "t.rules", text }).diagnostics.items.map((d) => d.code);

describe("lexer", () => {
	const cases: [string, string, string[]][] = [
		["names and keywords", "rule spam when", ["keyword:rule", "ident:spam", "keyword:when", "eof:end of file"]],
		[
			"durations in ms",
			"10m 7d 1.5h 500ms",
			["duration:600000", "duration:604800000", "duration:5400000", "duration:500", "eof:end of file"],
		],
		["numbers with underscores and fractions", "1_000 0.45", ["number:1000", "number:0.45", "eof:end of file"]],
		["percentages", "rollout 25%", ["keyword:rollout", "percent:25", "eof:end of file"]],
		["strings with escapes", '"a\\"b\\n\\u{1F525}"', ['string:a"b\n🔥', "eof:end of file"]],
		[
			"two-character operators first",
			"a>=b!=c",
			["ident:a", "punct:>=", "ident:b", "punct:!=", "ident:c", "eof:end of file"],
		],
		["comments skipped", "a # not b\nc", ["ident:a", "ident:c", "eof:end of file"]],
	];
	for (const [name, text, want] of cases) it(name, () => assert.deepEqual(kinds(text), want));

	const errors: [string, string, string[]][] = [
		["an unknown character", "a & b", ["R1001"]],
		["an unterminated string", '"abc\nd', ["R1002"]],
		["an invalid escape", '"\\q"', ["R1003"]],
		["an unknown duration unit", "10min", ["R1004"]],
		["a year is not a unit", "1y", ["R1004"]],
	];
	for (const [name, text, want] of errors) it(`reports ${name}`, () => assert.deepEqual(codes(text), want));

	it("hints `and` for `&&`", () => {
		const d = lex({ path: "t.rules", text: "a && b" }).diagnostics.items[0];
		assert.equal(d?.hint, "write `and`, `or`");
	});

	it("gives 1-based line and column", () => {
		const t = lex({ path: "t.rules", text: "rule a {\n  when x\n}" }).tokens.find((x) => x.text === "x");
		assert.deepEqual([t?.span.line, t?.span.col, t?.span.start, t?.span.end], [2, 8, 16, 17]);
	});

	it("keeps ## doc comments by line", () => {
		const l = lex({ path: "t.rules", text: "## first\n## second\nrule r {}" });
		assert.deepEqual(
			[...l.docs],
			[
				[1, "first"],
				[2, "second"],
			],
		);
	});
});
