import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeTime } from "ulid";
import { newId } from "./ids.ts";

describe("newId", () => {
	it("is a 26-character Crockford ULID carrying its time", () => {
		const id = newId(1_700_000_000_123);
		assert.match(id, /^[0-9A-HJKMNP-TV-Z]{26}$/);
		assert.equal(decodeTime(id), 1_700_000_000_123);
	});
	it("is strictly increasing, also within one millisecond", () => {
		const ids = Array.from({ length: 10_000 }, () => newId(1_800_000_000_000));
		for (let i = 1; i < ids.length; i++) assert.ok((ids[i] as string) > (ids[i - 1] as string));
		assert.equal(new Set(ids).size, ids.length);
	});
	it("sorts by time across milliseconds", () => {
		const a = newId(1_800_000_000_001);
		const b = newId(1_800_000_000_002);
		assert.ok(b > a);
	});
});
