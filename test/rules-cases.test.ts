// Runs the rules language's golden cases: test/rules-cases/<area>/NNN.json, each
// { description, source, diagnostics?, lists?, tests? }. `source` (a string or lines) is loaded
// as case.rules; the printed diagnostics must equal `diagnostics` exactly (none when absent);
// `tests` run like a *.test.json beside a rules pack (events in, expected outcomes out).
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { MemoryStateStore } from "../src/adapters/state/memory/index.ts";
import { defaultEnv, formatDiagnostic, loadRules } from "../src/core/rules/index.ts";
import { type RuleTest, runTestFile, SwitchableLists } from "../src/core/rules/testing/index.ts";
import { ROOT } from "./helpers.ts";

interface Case {
	description: string;
	source: string | string[];
	diagnostics?: string[];
	lists?: Record<string, string[]>;
	tests?: RuleTest[];
}

const dir = join(ROOT, "test/rules-cases");

for (const area of readdirSync(dir).sort()) {
	describe(`rules cases: ${area}`, () => {
		for (const name of readdirSync(join(dir, area))
			.filter((n) => n.endsWith(".json"))
			.sort()) {
			const c = JSON.parse(readFileSync(join(dir, area, name), "utf8")) as Case;
			it(`${name}: ${c.description}`, async () => {
				const text = Array.isArray(c.source) ? `${c.source.join("\n")}\n` : c.source;
				const env = defaultEnv();
				const lists = new SwitchableLists();
				const loaded = loadRules([{ path: "case.rules", text }], env, { lists });
				assert.deepEqual(loaded.diagnostics.map(formatDiagnostic), c.diagnostics ?? []);
				if (!c.tests) return;
				assert.ok(loaded.pack, "a case with tests must compile");
				const outcomes = await runTestFile(
					{ pack: loaded.pack, lists, external: env.features, newStore: () => new MemoryStateStore() },
					{ lists: c.lists, tests: c.tests },
				);
				const failed = outcomes.filter((o) => !o.ok).map((o) => `${o.name}:\n  ${o.failures.join("\n  ")}`);
				assert.deepEqual(failed, []);
			});
		}
	});
}
