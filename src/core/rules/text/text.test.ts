import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { editSimilarity, similarity } from "./similarity.ts";
import { hostAndPath } from "./url.ts";
import { words } from "./words.ts";

describe("words", () => {
	const cases: [string, string[]][] = [
		["FREE iPhone!! Claim now 👉", ["free", "iphone", "claim", "now"]],
		["Ünïcode ÇAFÉ", ["ünïcode", "çafé"]],
		["follow4follow #promo", ["follow4follow", "promo"]],
		["", []],
	];
	for (const [text, want] of cases) it(JSON.stringify(text), () => assert.deepEqual(words(text), want));
});

describe("similarity", () => {
	const cases: [string, string, number, number][] = [
		["same text", "Same, text!", 1, 1],
		["abc", "xyz", 0, 0],
		["the moon landing was filmed in a studio", "the moon landing was filmed in nevada", 0.5, 0.9],
		["", "", 1, 1],
	];
	for (const [a, b, lo, hi] of cases)
		it(`${a} ~ ${b}`, () => {
			const s = similarity(a, b);
			assert.ok(s >= lo && s <= hi, String(s));
		});
	it("edit similarity is 1 - distance / length", () =>
		assert.ok(Math.abs(editSimilarity("kitten", "sitting") - 4 / 7) < 1e-9));
	it("edit similarity reads at most 500 characters", () =>
		assert.equal(editSimilarity("a".repeat(5_000), "a".repeat(500)), 1));
});

describe("hosts and paths of URLs", () => {
	const cases: [string, { host: string; path: string } | undefined][] = [
		["https://Bit.ly/3xq/abc?x=1#f", { host: "bit.ly", path: "/3xq/abc" }],
		["bit.ly/3xq/", { host: "bit.ly", path: "/3xq" }],
		["http://user:pw@example.com:8080", { host: "example.com", path: "" }],
		["http://[2001:db8::1]:80/x", { host: "2001:db8::1", path: "/x" }],
		["//cdn.example.org/a", { host: "cdn.example.org", path: "/a" }],
		["example.com.", { host: "example.com", path: "" }],
		["not a url", undefined],
		["", undefined],
	];
	for (const [url, want] of cases) it(JSON.stringify(url), () => assert.deepEqual(hostAndPath(url), want));
});
