import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { closest, distance } from "./suggest.ts";

describe("closest-name suggestions", () => {
	const names = ["login_failures_1h", "posts_5m", "posts_24h", "link_posts_1h", "spam_phrases"];
	const cases: [string, string | undefined][] = [
		["login_fails_1h", "login_failures_1h"],
		["post_5m", "posts_5m"],
		["posts_24", "posts_24h"],
		["spam_phrase", "spam_phrases"],
		["lnik_posts_1h", "link_posts_1h"],
		["completely_different", undefined],
		["x", undefined],
	];
	for (const [typo, want] of cases) it(`${typo} -> ${want}`, () => assert.equal(closest(typo, names), want));

	it("counts an adjacent swap as one edit", () => assert.equal(distance("abcd", "abdc"), 1));
	it("never suggests the name itself", () => assert.equal(closest("posts_5m", ["posts_5m"]), undefined));
});
