import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { eventJsonSchema, validateEvent } from "./index.ts";

const base = { id: "e1", ts: 1_700_000_000_000, actor: "a1" };

describe("validateEvent", () => {
	const valid: [string, object][] = [
		["account.created", { handle: "alice", bio: "hi", email: "a@example.com" }],
		["account.updated", { changes: { bio: "new" } }],
		["session.login", { success: false }],
		[
			"post.created",
			{
				postId: "p1",
				text: "hello",
				replyTo: { postId: "p0", authorId: "a0" },
				mentions: ["a2"],
				urls: ["https://x.y"],
				hashtags: ["h"],
			},
		],
		["post.deleted", { postId: "p1" }],
		["post.liked", { postId: "p1", authorId: "a0" }],
		["post.reposted", { postId: "p1", authorId: "a0" }],
		["post.viewed", { postId: "p1", count: 12 }],
		["account.followed", { targetId: "a2" }],
		["account.unfollowed", { targetId: "a2" }],
		["report.filed", { subject: { kind: "post", id: "p1" }, reason: "spam", text: "bot" }],
	];
	for (const [type, data] of valid) {
		it(`accepts a valid ${type}`, () => {
			const r = validateEvent({ ...base, type, data, context: { ip: "10.0.0.1", country: "DE" } });
			assert.equal(r.ok, true, JSON.stringify(r));
		});
	}

	const invalid: [string, unknown, [string, string][]][] = [
		["not an object", [1, 2], [["", "type"]]],
		[
			"missing envelope fields",
			{ type: "post.liked", data: { postId: "p", authorId: "a" } },
			[
				["/id", "required"],
				["/ts", "required"],
				["/actor", "required"],
			],
		],
		["unknown type", { ...base, type: "post.exploded", data: {} }, [["/type", "unknown_type"]]],
		[
			"unknown top-level field",
			{ ...base, type: "session.login", data: { success: true }, extra: 1 },
			[["/extra", "unknown_field"]],
		],
		[
			"wrong type deep inside",
			{ ...base, type: "post.created", data: { postId: "p", text: "t", replyTo: { postId: 5, authorId: "a" } } },
			[["/data/replyTo/postId", "type"]],
		],
		["missing data field", { ...base, type: "post.viewed", data: { postId: "p" } }, [["/data/count", "required"]]],
		[
			"bad enum",
			{ ...base, type: "report.filed", data: { subject: { kind: "planet", id: "x" }, reason: "spam" } },
			[["/data/subject/kind", "enum"]],
		],
		[
			"negative ts and a string count",
			{ ...base, ts: -5, type: "post.viewed", data: { postId: "p", count: "3" } },
			[
				["/ts", "minimum"],
				["/data/count", "type"],
			],
		],
		["bad contract version", { ...base, v: 2, type: "session.login", data: { success: true } }, [["/v", "const"]]],
		[
			"pointer escaping",
			{ ...base, type: "session.login", data: { success: true, "a/b~c": 1 } },
			[["/data/a~1b~0c", "unknown_field"]],
		],
	];
	for (const [name, value, expected] of invalid) {
		it(`rejects ${name} with every problem located`, () => {
			const r = validateEvent(value);
			assert.equal(r.ok, false);
			if (r.ok) return;
			const got = r.problems.map((p) => [p.pointer, p.code]);
			for (const e of expected)
				assert.ok(
					got.some((g) => g[0] === e[0] && g[1] === e[1]),
					`expected ${e} in ${JSON.stringify(got)}`,
				);
			assert.equal(r.problems.length, expected.length, JSON.stringify(r.problems));
		});
	}

	it("rejects text over the size limit", () => {
		const r = validateEvent({ ...base, type: "post.created", data: { postId: "p", text: "x".repeat(10_001) } });
		assert.equal(r.ok, false);
	});

	it("publishes one JSON Schema with a branch per type", () => {
		const s = eventJsonSchema() as { oneOf: { title: string }[] };
		assert.equal(s.oneOf.length, 11);
		assert.ok(s.oneOf.some((b) => b.title === "report.filed"));
	});
});
