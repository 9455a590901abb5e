// The default rule pack (rules/) checks clean and passes every rule test written beside it.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { MemoryStateStore } from "../src/adapters/state/memory/index.ts";
import { defaultEnv, formatDiagnostic, loadRules } from "../src/core/rules/index.ts";
import { type RuleTestFile, runTestFile, SwitchableLists, testFileProblems } from "../src/core/rules/testing/index.ts";
import { ROOT } from "./helpers.ts";

const dir = join(ROOT, "rules");
const names = readdirSync(dir).sort();
const sources = names
	.filter((n) => n.endsWith(".rules"))
	.map((n) => ({ path: `rules/${n}`, text: readFileSync(join(dir, n), "utf8") }));
const env = defaultEnv();
const lists = new SwitchableLists();
const loaded = loadRules(sources, env, { lists });

describe("the default rule pack", () => {
	it("checks without errors or warnings", () => assert.deepEqual(loaded.diagnostics.map(formatDiagnostic), []));

	it("covers every simulated threat", () => {
		for (const f of ["spam", "harassment", "amplification", "evasion", "misinfo"])
			assert.ok(sources.some((s) => s.path === `rules/${f}.rules`) && names.includes(`${f}.test.json`), f);
	});

	for (const name of names.filter((n) => n.endsWith(".test.json"))) {
		const file = JSON.parse(readFileSync(join(dir, name), "utf8")) as RuleTestFile;
		describe(name, () => {
			it("is well formed", () => assert.deepEqual(testFileProblems(file), []));
			for (const t of file.tests ?? [])
				it(t.name, async () => {
					assert.ok(loaded.pack);
					const [out] = await runTestFile(
						{ pack: loaded.pack, lists, external: env.features, newStore: () => new MemoryStateStore() },
						{ lists: file.lists, tests: [t] },
					);
					assert.deepEqual(out?.failures, []);
				});
		});
	}
});
