// docs/rules.md documents every diagnostic code and every builtin.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { BUILTINS, CODES } from "../src/core/rules/index.ts";
import { ROOT } from "./helpers.ts";

const doc = readFileSync(join(ROOT, "docs/rules.md"), "utf8");

describe("docs/rules.md", () => {
	it("lists every diagnostic code with its severity", () => {
		for (const [code, { severity }] of Object.entries(CODES))
			assert.match(doc, new RegExp(`\\| ${code} \\| ${severity} +\\|`), code);
	});
	it("documents every builtin", () => {
		for (const b of BUILTINS) assert.ok(doc.includes(`\`${b.name}(`), b.name);
	});
});
