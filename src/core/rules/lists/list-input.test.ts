import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Problem } from "../../shared/errors.ts";
import { checkPut, checkRemove } from "./list-input.ts";
import { matchKeys } from "./match-keys.ts";

const AT = 1_000;

describe("checking a list put", () => {
	const cases: [string, unknown, string[]][] = [
		["a bare string and an object", { entries: ["a", { value: "b", ttl: "1s" }] }, []],
		["not an object", [], [""]],
		["no entries", { kind: "domains" }, ["/entries"]],
		["an unknown kind and field", { kind: "ips", entries: [], extra: 1 }, ["/extra", "/kind"]],
		["expiresAt and ttl together", { entries: [{ value: "a", expiresAt: 5, ttl: "1h" }] }, ["/entries/0"]],
		[
			"a bad ttl, expiry and value",
			{
				entries: [
					{ value: "", ttl: "soon" },
					{ value: "x", expiresAt: 1.5 },
				],
			},
			["/entries/0/ttl", "/entries/0/value", "/entries/1/expiresAt"],
		],
		["a field of an entry", { entries: [{ value: "a", note: "x" }, 7] }, ["/entries/0/note", "/entries/1"]],
		["a bad default ttl and replace", { entries: [], ttl: "0s", replace: 1 }, ["/replace", "/ttl"]],
		["a long reason", { entries: [], reason: "x".repeat(501) }, ["/reason"]],
	];
	for (const [name, body, pointers] of cases)
		it(name, () => {
			const problems: Problem[] = [];
			checkPut(body, AT, problems);
			assert.deepEqual(problems.map((p) => p.pointer).sort(), pointers);
		});

	it("turns TTLs into expiry times, the request's as the default", () => {
		const c = checkPut(
			{ ttl: "1s", entries: ["a", { value: "b", ttl: "1m" }, { value: "c", expiresAt: null }] },
			AT,
			[],
		);
		assert.deepEqual(
			c.entries.map((e) => [e.value, e.expiresAt, e.pointer]),
			[
				["a", AT + 1_000, "/entries/0"],
				["b", AT + 60_000, "/entries/1/value"],
				["c", null, "/entries/2/value"],
			],
		);
	});

	it("checks a removal", () => {
		const problems: Problem[] = [];
		assert.deepEqual(checkRemove({ values: ["a", 3] }, problems).values, ["a"]);
		assert.deepEqual(
			problems.map((p) => p.pointer),
			["/values/1"],
		);
	});
});

describe("the keys a value can match", () => {
	it("every network of an address, most specific first", () => {
		const keys = matchKeys("ip_ranges", "10.1.2.3");
		assert.equal(keys.length, 33);
		assert.deepEqual(keys.slice(0, 2), ["10.1.2.3/32", "10.1.2.2/31"]);
		assert.ok(keys.includes("10.0.0.0/8"));
		assert.equal(matchKeys("ip_ranges", "2001:db8::1").length, 129);
		assert.deepEqual(matchKeys("ip_ranges", "nope"), []);
	});
	it("every parent domain with every leading part of the path", () => {
		assert.deepEqual(matchKeys("domains", "https://a.Bit.ly/x/y?q=1"), [
			"a.bit.ly",
			"a.bit.ly/x",
			"a.bit.ly/x/y",
			"bit.ly",
			"bit.ly/x",
			"bit.ly/x/y",
			"ly",
			"ly/x",
			"ly/x/y",
		]);
	});
	it("the normalised value for the other kinds", () => {
		assert.deepEqual(matchKeys("keywords", "Claim NOW!"), ["claim now"]);
		assert.deepEqual(matchKeys("hashes", " ABC "), ["abc"]);
		assert.deepEqual(matchKeys("strings", "As Is"), ["As Is"]);
	});
});
