import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatDuration, parseDuration } from "./duration.ts";
import { entityKey, parseEntityKey } from "./entity.ts";

describe("durations", () => {
	const cases: [string, number][] = [
		["500ms", 500],
		["10s", 10_000],
		["10m", 600_000],
		["1.5h", 5_400_000],
		["7d", 604_800_000],
		["2w", 1_209_600_000],
	];
	for (const [text, ms] of cases) {
		it(`parses ${text}`, () => assert.equal(parseDuration(text), ms));
	}
	for (const bad of ["", "10", "m", "-1m", "10 minutes", "1y"]) {
		it(`refuses "${bad}"`, () => assert.throws(() => parseDuration(bad), /invalid duration/));
	}
	it("formats with the largest whole unit", () => {
		assert.equal(formatDuration(600_000), "10m");
		assert.equal(formatDuration(86_400_000), "1d");
		assert.equal(formatDuration(1_500), "1500ms");
	});
});

describe("entity keys", () => {
	it("round-trips and keeps colons in ids", () => {
		assert.deepEqual(parseEntityKey(entityKey({ kind: "ip", id: "::1" })), { kind: "ip", id: "::1" });
	});
	it("refuses an unknown kind", () => assert.throws(() => parseEntityKey("planet:x"), /invalid entity key/));
});
