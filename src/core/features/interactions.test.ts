import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { BulwarkEvent } from "../events/index.ts";
import { DEFAULT_FEATURES } from "./catalog.ts";
import { INTERACTION_FEATURES, pairKey, recipientOf } from "./interactions.ts";
import { FeatureCatalog } from "./spec.ts";

const ev = (type: string, actor: string, data: object): BulwarkEvent =>
	({ id: "e", type, ts: 1_000, actor, data }) as BulwarkEvent;

describe("interaction features", () => {
	const catalog = new FeatureCatalog([...DEFAULT_FEATURES, ...INTERACTION_FEATURES]);
	const ops = (e: BulwarkEvent) =>
		catalog
			.opsFor(e)
			.filter((o) => INTERACTION_FEATURES.some((s) => o.key.startsWith(`${s.name}|`)))
			.map((o) => `${o.key}${"value" in o ? ` = ${o.value}` : ""}`);

	it("sit beside the built-in features without a clash", () => {
		assert.equal(catalog.all().length, DEFAULT_FEATURES.length + INTERACTION_FEATURES.length);
	});

	it("pair keys cannot be confused by ids holding >", () => {
		assert.equal(pairKey("u1", "u2"), "2:u1>u2");
		assert.notEqual(pairKey("a>b", "c"), pairKey("a", "b>c"));
	});

	it("a follow adds 1 and an unfollow takes 1 from the follower>followee pair", () => {
		assert.deepEqual(ops(ev("account.followed", "a", { targetId: "b" })), [
			`follows_pair|account:${pairKey("a", "b")} = 1`,
		]);
		assert.deepEqual(ops(ev("account.unfollowed", "a", { targetId: "b" })), [
			`follows_pair|account:${pairKey("a", "b")} = -1`,
		]);
	});

	it("a reply counts for the pair and the target's repliers; likes and reposts for the pair only", () => {
		const r = ev("post.created", "a", {
			postId: "p",
			text: "x",
			replyTo: { postId: "q", authorId: "t" },
			mentions: ["u"],
		});
		assert.equal(recipientOf(r), "t");
		assert.deepEqual(ops(r), [
			`engaged_pair_30d|account:${pairKey("a", "t")}`,
			"repliers_15m|account:t = a",
			"repliers_24h|account:t = a",
		]);
		const m = ev("post.created", "a", { postId: "p", text: "x", mentions: ["u", "v"] });
		assert.equal(recipientOf(m), "u", "a mention-only post is aimed at its first mention");
		assert.deepEqual(ops(ev("post.liked", "a", { postId: "q", authorId: "t" })), [
			`engaged_pair_30d|account:${pairKey("a", "t")}`,
		]);
		assert.deepEqual(ops(ev("post.reposted", "a", { postId: "q", authorId: "a" })), [], "one's own post");
		assert.deepEqual(ops(ev("post.created", "a", { postId: "p", text: "x" })), [], "a post to nobody");
		const thread = ev("post.created", "a", { postId: "p", text: "x", replyTo: { postId: "q", authorId: "a" } });
		assert.equal(recipientOf(thread), undefined);
	});

	it("an account's creation time is kept", () => {
		assert.deepEqual(ops(ev("account.created", "a", { handle: "h" })), ["created_at|account:a = 1000"]);
	});
});
