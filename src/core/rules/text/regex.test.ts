import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compileRegex, RegexSyntaxError, STEP_BUDGET } from "./regex.ts";

describe("the linear-time regex matcher agrees with JavaScript's RegExp", () => {
	const patterns: [string, string][] = [
		["free", ""],
		["free\\s+(iphone|ps5)", "i"],
		["^hello$", ""],
		["^line two$", "m"],
		["a.c", ""],
		["a.c", "s"],
		["colou?r", ""],
		["\\bcat\\b", ""],
		["\\Bcat", ""],
		["[0-9]{3}-[0-9]{4}", ""],
		["x{2,}", ""],
		["(ab)+c", ""],
		["(?:a|b)*c", ""],
		["[^aeiou ]+ing", ""],
		["[A-Z]+", "i"],
		["\\$\\d+(\\.\\d\\d)?", ""],
		["(a|ab)(c|bcd)(d*)", ""],
		["(?<tag>\\w+)@example\\.com", ""],
		["\\u0041\\x42", ""],
		["[\\w.-]+\\.(club|biz|top)\\b", ""],
		["a{0}b", ""],
		["(a*)*b", ""],
		["^$", ""],
		["é+", "i"],
		["💀{2}", ""],
	];
	const inputs = [
		"",
		"free iphone",
		"FREE   PS5 now",
		"hello",
		"line one\nline two",
		"abc",
		"a\nc",
		"color colour",
		"a cat sat",
		"concatenate",
		"call 555-1234",
		"xxx",
		"ababc",
		"aabbc",
		"thinking singing",
		"$5 and $10.99",
		"abcd",
		"bob@example.com",
		"AB",
		"go to win-prize.club now",
		"b",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab",
		"ÉÉé",
		"no cap 💀💀",
	];
	for (const [p, flags] of patterns)
		it(`/${p}/${flags}`, () => {
			const ours = compileRegex(p, flags);
			// Astral characters repeat as a whole, as JavaScript does with the `u` flag.
			const js = new RegExp(p, flags + (/[\u{10000}-\u{10FFFF}]/u.test(p) ? "u" : ""));
			for (const s of inputs) assert.equal(ours.match(s), js.test(s), JSON.stringify(s));
		});
});

describe("what the matcher refuses", () => {
	const refused: [string, string, RegExp][] = [
		["(a)\\1", "", /backreferences/],
		["(?=a)", "", /lookaround/],
		["(?<!a)b", "", /lookaround/],
		["\\p{L}", "", /not supported/],
		["(a", "", /missing `\)`/],
		["a)", "", /unmatched/],
		["*a", "", /nothing to repeat/],
		["[z-a]", "", /out of order/],
		["a{5,2}", "", /out of order/],
		["a{1001}", "", /above 1000/],
		["\\q", "", /unknown escape/],
		["a", "g", /unsupported flags/],
		["(a{1000}){1000}", "", /too large|expands/],
	];
	for (const [p, flags, why] of refused)
		it(`/${p}/${flags}`, () =>
			assert.throws(
				() => compileRegex(p, flags),
				(err: unknown) => err instanceof RegexSyntaxError && why.test(err.message),
			));
});

describe("cost on adversarial input", () => {
	it("stays linear where backtracking would explode", () => {
		const evil = `${"a".repeat(9_000)}!`;
		for (const p of ["(a+)+$", "(a|a)+$", "(a|aa)+$", "(.*a){12}$", "(\\w+\\s?)+$"]) {
			const t0 = performance.now();
			const got = compileRegex(p).match(evil);
			const ms = performance.now() - t0;
			assert.ok(got === false || got === "budget", p);
			assert.ok(ms < 500, `/${p}/ took ${ms.toFixed(0)} ms`);
		}
	});

	it("gives up past its step budget instead of running long", () => {
		const r = compileRegex("[a-z]{0,1000}x");
		assert.equal(r.match(`${"a".repeat(9_999)}x`), "budget");
		assert.ok(STEP_BUDGET > 0);
	});

	it("does not let `$` match where a long text was cut", () => {
		assert.equal(compileRegex("a+$").match(`${"a".repeat(10_000)}!`), false);
		assert.equal(compileRegex("a+$").match("a".repeat(10_000)), true);
	});

	it("rejects early when a required literal is missing", () => {
		const r = compileRegex("free.*prize");
		assert.equal(r.match("x".repeat(10_000)), false);
	});
});
