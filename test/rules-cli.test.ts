import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { BIN, ROOT, tempDir } from "./helpers.ts";

function cli(args: string[]) {
	const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", cwd: ROOT, timeout: 60_000 });
	return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("bulwark rules", () => {
	const dir = tempDir("bulwark-rules-");
	after(() => dir.remove());
	const broken = join(dir.path, "broken");
	mkdirSync(join(broken, "sub"), { recursive: true });
	writeFileSync(join(broken, "a.rules"), "feature login_failures_1h = count session.login by event.actor over 1h\n");
	writeFileSync(join(broken, "sub", "b.rules"), "rule r {\n\twhen login_fails_1h[event.actor] > 5\n\tthen block\n}\n");
	const failing = join(dir.path, "failing");
	mkdirSync(failing);
	writeFileSync(
		join(failing, "r.rules"),
		'rule r { on post.created when contains(event.data.text, "x") then block }\n',
	);
	writeFileSync(
		join(failing, "r.test.json"),
		JSON.stringify({
			tests: [
				{
					name: "passes",
					events: [{ type: "post.created", actor: "u", data: { postId: "p", text: "x" } }],
					expect: { fired: ["r"] },
				},
				{
					name: "fails",
					events: [{ type: "post.created", actor: "u", data: { postId: "p", text: "y" } }],
					expect: { fired: ["r"] },
				},
			],
		}),
	);

	it("checks the default pack: exit 0, a summary", () => {
		const r = cli(["rules", "check", "rules"]);
		assert.equal(r.code, 0, r.out + r.err);
		assert.match(r.out, /^ok: 7 files, \d+ rules, \d+ features, \d+ lists; 0 warnings$/m);
	});

	it("prints each diagnostic with its place, the source line and a caret; exit 1", () => {
		const r = cli(["rules", "check", broken]);
		assert.equal(r.code, 1);
		const file = join(broken, "sub", "b.rules");
		assert.ok(
			r.out.includes(
				`${file}:2:7 error R2003: unknown feature \`login_fails_1h\` (did you mean \`login_failures_1h\`?)`,
			),
			r.out,
		);
		assert.match(r.out, /\n {4}2 \| {2}when login_fails_1h\[event\.actor\] > 5\n {6}\| {7}\^{14}\n/);
		assert.match(r.out, /1 error, 0 warnings in 2 files/);
	});

	it("gives the diagnostics as JSON", () => {
		const r = cli(["rules", "check", broken, "--json"]);
		assert.equal(r.code, 1);
		const j = JSON.parse(r.out) as {
			ok: boolean;
			errors: number;
			diagnostics: { code: string; line: number; col: number; hint: string }[];
		};
		assert.equal(j.ok, false);
		assert.equal(j.errors, 1);
		assert.deepEqual(
			j.diagnostics.map((d) => [d.code, d.line, d.col, d.hint]),
			[["R2003", 2, 7, "did you mean `login_failures_1h`?"]],
		);
	});

	it("runs the default pack's rule tests", () => {
		const r = cli(["rules", "test", "rules", "--json"]);
		assert.equal(r.code, 0, r.out + r.err);
		const j = JSON.parse(r.out) as { ok: boolean; passed: number; failed: number; files: { file: string }[] };
		assert.equal(j.ok, true);
		assert.equal(j.failed, 0);
		assert.ok(j.passed >= 25);
		assert.ok(j.files.some((f) => f.file === "rules/spam.test.json"));
	});

	it("reports a failing rule test with the reason; exit 1", () => {
		const r = cli(["rules", "test", failing]);
		assert.equal(r.code, 1);
		assert.match(r.out, /PASS {2}.*r\.test\.json {2}passes/);
		assert.match(
			r.out,
			/FAIL {2}.*r\.test\.json {2}fails \(1 events\)\n {6}last event: expected rule `r` to fire; its event-only conditions were false/,
		);
		assert.match(r.out, /1 passed, 1 failed/);
	});

	it("refuses to test a pack that does not check", () => {
		const r = cli(["rules", "test", broken]);
		assert.equal(r.code, 1);
		assert.match(r.out, /the rules do not check, so no test ran/);
	});

	it("explains its usage", () => {
		assert.equal(cli(["rules"]).code, 2);
		assert.equal(cli(["rules", "lint", "rules"]).code, 2);
		const missing = cli(["rules", "check", join(dir.path, "nope")]);
		assert.equal(missing.code, 1);
		assert.match(missing.err, /is not a directory/);
	});
});
