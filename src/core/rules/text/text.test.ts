import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GramIndex } from "./gram-index.ts";
import { editSimilarity, normalizeText, similarity } from "./similarity.ts";
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
	it("is the exact Jaccard of distinct 3-gram sets", () => {
		// "abcab": abc, bca, cab; "abcd": abc, bcd -> 1 shared of 4 distinct.
		assert.equal(similarity("abcab", "abcd"), 1 / 4);
		// Repeated 3-grams count once: "aaaa" and "aaa" are both {aaa}.
		assert.equal(similarity("aaaa", "aaa"), 1);
		// A short text is its own shingle, distinct from any 3-gram.
		assert.equal(similarity("ab", "ab"), 1);
		assert.equal(similarity("ab", "abc"), 0);
		assert.equal(similarity("a", "ab"), 0);
		// Code units past the Latin range pack without collisions.
		assert.equal(similarity("日本語の文", "日本語の本"), 2 / 4);
	});
	it("the 3-gram index finds the same best similarity as comparing every entry", () => {
		let seed = 7;
		const rand = () => {
			seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
			return seed / 2 ** 31;
		};
		const alphabet = ["a", "b", "c", " ", "é", "日", "本", "z", "!"];
		const text = (len: number) => Array.from({ length: len }, () => alphabet[Math.floor(rand() * 9)]).join("");
		const entries = [...Array.from({ length: 30 }, () => text(Math.floor(rand() * 12))), "", "ab", "日"];
		const ix = new GramIndex(entries);
		for (let t = 0; t < 500; t++) {
			const q = text(Math.floor(rand() * 14));
			const live = (k: number) => k % 5 !== 3;
			const want = Math.max(0, ...entries.map((e, k) => (live(k) ? similarity(q, e) : 0)));
			assert.equal(ix.best(normalizeText(q), live), want, JSON.stringify(q));
		}
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
