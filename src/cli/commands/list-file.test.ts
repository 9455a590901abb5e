import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseListText } from "./list-file.ts";

describe("list files", () => {
	it("reads a value a line, or CSV value,expiry, skipping comments, blanks and a header", () => {
		const f = parseListText(
			[
				"value,expiresAt",
				"# a comment",
				"10.0.0.0/8",
				"",
				"1.2.3.4,1900000000000",
				"5.6.7.8,7d",
				"9.9.9.9,2030-01-02",
				"8.8.8.8,",
				'"a, b",2030-01-02T03:04:05Z',
				"a claim, with a comma",
				"x,2030-13-45",
			].join("\r\n"),
		);
		assert.deepEqual(f.entries, [
			"10.0.0.0/8",
			{ value: "1.2.3.4", expiresAt: 1_900_000_000_000 },
			{ value: "5.6.7.8", ttl: "7d" },
			{ value: "9.9.9.9", expiresAt: Date.parse("2030-01-02") },
			"8.8.8.8",
			{ value: "a, b", expiresAt: Date.parse("2030-01-02T03:04:05Z") },
			"a claim, with a comma",
		]);
		assert.deepEqual(f.lines, [3, 5, 6, 7, 8, 9, 10]);
		assert.deepEqual(f.problems, [{ line: 11, message: '"2030-13-45" is not a date' }]);
	});
});
