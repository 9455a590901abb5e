import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { MemoryStateStore } from "../adapters/state/memory/index.ts";
import type { BulwarkEvent } from "../core/events/index.ts";
import { DEFAULT_FEATURES, FeatureCatalog } from "../core/features/index.ts";
import { loadConfig } from "./config.ts";
import { compileRuleFiles, loadRulesDir, PACKAGE_RULES_DIR, RulesLoadError, versionOf } from "./rules.ts";

const dirs: string[] = [];
after(() => {
	for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function pack(files: Record<string, string>): string {
	const dir = mkdtempSync(join(tmpdir(), "bulwark-rules-"));
	dirs.push(dir);
	for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
	return dir;
}

const RULE = 'rule r { on post.created when links_1h[event.actor] >= 2 then nudge "slow" }\n';
const event = (ts: number, urls: string[]): BulwarkEvent =>
	({ id: `e${ts}`, type: "post.created", ts, actor: "a", data: { postId: `p${ts}`, text: "x", urls } }) as BulwarkEvent;

describe("loadRulesDir", () => {
	it("versions a pack by its content", () => {
		const a = loadRulesDir(pack({ "a.rules": RULE.replace("links_1h", "posts_5m") }));
		const b = loadRulesDir(pack({ "a.rules": RULE.replace("links_1h", "posts_5m") }));
		const c = loadRulesDir(pack({ "a.rules": RULE.replace("links_1h", "posts_5m").replace("slow", "slower") }));
		assert.match(a.version, /^[0-9a-f]{12}$/);
		assert.equal(a.version, b.version);
		assert.notEqual(a.version, c.version);
	});

	it("keeps a feature's windows while its definition stays, and starts fresh ones when it changes", async () => {
		const v1 = "feature links_1h = count post.created where len(event.data.urls) > 0 by event.actor over 1h\n";
		const same = "feature   links_1h = count post.created where len(event.data.urls) > 0   by event.actor over 1h\n";
		const v2 = "feature links_1h = count post.created by event.actor over 1h\n";
		const [f1, f1b, f2] = [v1, same, v2].map((f) => loadRulesDir(pack({ "a.rules": f + RULE })).features[0]);
		assert.ok(f1?.version && f1b?.version && f2?.version);
		assert.equal(f1.version, f1b.version, "whitespace is not a change");
		assert.notEqual(f1.version, f2.version);

		// One store across "restarts": v1 counted two link posts; v1 again reads them, v2 does not.
		const store = new MemoryStateStore();
		const read = async (spec: typeof f1, ts: number) => {
			const catalog = new FeatureCatalog([...DEFAULT_FEATURES, spec]);
			const [v] = await store.update(catalog.opsFor(event(ts, ["https://x.test"])), [
				catalog.query("links_1h", "a", ts),
			]);
			return v;
		};
		assert.equal(await read(f1, 1_000), 1);
		assert.equal(await read(f1b, 2_000), 2);
		assert.equal(await read(f2, 3_000), 1, "a changed definition does not inherit the old counts");
	});

	it("creates the lists declared without entries, empty", () => {
		const r = loadRulesDir(
			pack({
				"a.rules": "list bad: domains\nrule r { on post.created when any_in(event.data.urls, bad) then block }\n",
			}),
		);
		assert.equal(r.lists.list("bad")?.size, 0);
		assert.equal(r.lists.list("bad")?.kind, "domains");
	});

	it("refuses a pack with errors, with every diagnostic as file:line:col error CODE: message", () => {
		const dir = pack({ "a.rules": "rule r {\n\twhen nope[event.actor] > 1\n\tthen block\n}\nrule r { then block }\n" });
		assert.throws(
			() => loadRulesDir(dir),
			(err: unknown) => {
				assert.ok(err instanceof RulesLoadError);
				assert.ok(err.diagnostics.length >= 2, err.message);
				for (const d of err.diagnostics) assert.match(d, /a\.rules:\d+:\d+ error R\d{4}: /);
				assert.match(err.message, /do not compile \(\d+ errors\)/);
				return true;
			},
		);
	});

	it("refuses a folder that is missing or holds no rules", () => {
		assert.throws(() => loadRulesDir(join(tmpdir(), "no-such-rules-dir")), /not a directory.*--rules none/);
		assert.throws(() => loadRulesDir(pack({ "notes.txt": "x" })), /no \.rules files/);
	});
});

describe("compileRuleFiles", () => {
	it("gives files in memory the same version and pack as the same folder", () => {
		const files = { "a.rules": RULE.replace("links_1h", "posts_5m"), "b.rules": "list bad: domains\n" };
		const dir = loadRulesDir(pack(files));
		const mem = compileRuleFiles(Object.entries(files).map(([path, text]) => ({ path, text })));
		assert.equal(mem.version, dir.version);
		assert.equal(versionOf(dir.sources), dir.version);
		assert.deepEqual(
			dir.sources.map((s) => s.path),
			["a.rules", "b.rules"],
		);
		assert.deepEqual(
			mem.pack.rules.map((r) => r.at),
			["a.rules:1"],
		);
		assert.equal(mem.lists.list("bad")?.size, 0);
	});

	it("refuses a pack with errors with every diagnostic, as data too", () => {
		assert.throws(
			() => compileRuleFiles([{ path: "x.rules", text: "rule r { when nope > 1 then block }\n" }]),
			(err: unknown) => {
				assert.ok(err instanceof RulesLoadError);
				assert.match(err.dir, /^version [0-9a-f]{12}$/);
				assert.equal(err.found[0]?.code, "R2001");
				assert.match(err.diagnostics[0] ?? "", /^x\.rules:1:15 error R2001: /);
				return true;
			},
		);
	});
});

describe("the --rules setting", () => {
	it("defaults to the package's rules/ whatever the working directory; none turns rules off", () => {
		assert.equal(loadConfig({}, {}).rulesDir, PACKAGE_RULES_DIR);
		assert.ok(PACKAGE_RULES_DIR.endsWith("/rules"));
		assert.equal(loadConfig({ rules: "none" }, {}).rulesDir, null);
		assert.equal(loadConfig({}, { BULWARK_RULES: "none" }).rulesDir, null);
		assert.equal(loadConfig({}, { BULWARK_RULES: "/srv/rules" }).rulesDir, "/srv/rules");
		assert.throws(() => loadConfig({ rules: "" }, {}), /--rules/);
		assert.equal(loadConfig({}, {}).rulesExplicit, false, "the default gives way to a deployed version");
		assert.equal(loadConfig({ rules: "/srv/rules" }, {}).rulesExplicit, true);
		assert.equal(loadConfig({}, { BULWARK_RULES: "/srv/rules" }).rulesExplicit, true);
		assert.equal(loadConfig({ rules: "none" }, {}).rulesExplicit, false);
	});
});
