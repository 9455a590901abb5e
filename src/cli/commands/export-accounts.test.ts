import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { AUTOMATED_ROLES } from "../../app/behaviour-sim.ts";
import { loadLabelledAccounts } from "../../core/ml/accounts/data.ts";
import { USER_OBJECT_COLUMNS } from "../../core/ml/accounts/platform.ts";
import { packageRoot } from "../../core/ml/text/data.ts";
import { Simulation } from "../../simulator/index.ts";
import { COMMANDS } from "../main.ts";
import { exportAccounts } from "./export-accounts.ts";
import { loadPlatform } from "./train-accounts.ts";

const dir = mkdtempSync(join(tmpdir(), "bulwark-export-accounts-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const sim = new Simulation({ seed: 5, accounts: 200, durationMs: 4 * 3_600_000, prefix: "x-" });
const events = join(dir, "events.ndjson");
writeFileSync(events, `${[...sim.events()].map((e) => JSON.stringify(e)).join("\n")}\n`);
const truthFile = join(dir, "truth.json");
const truth = sim.truth();
writeFileSync(truthFile, JSON.stringify(truth));
const created = readFileSync(events, "utf8")
	.split("\n")
	.filter((l) => l.includes('"account.created"'))
	.map((l) => (JSON.parse(l) as { actor: string }).actor);
const quiet = () => {};

describe("bulwark export accounts", () => {
	it("labels every account from the simulator's truth: its automated accounts are the bots", async () => {
		const out = join(dir, "all.csv");
		const s = await exportAccounts({ events, out, labels: truthFile }, quiet);
		const text = readFileSync(out, "utf8");
		assert.equal(text.slice(0, text.indexOf("\n")), [...USER_OBJECT_COLUMNS, "label"].join(","));
		const rows = loadLabelledAccounts(out).rows;
		assert.equal(s.rows, rows.length);
		assert.ok(s.rows > s.accounts, "signup, updates, posts and end: several rows per account");
		assert.equal(s.events, readFileSync(events, "utf8").trim().split("\n").length);
		assert.equal(s.accounts, new Set(created).size);
		assert.deepEqual(new Set(rows.map((r) => r.group)), new Set(created));
		const bot = (id: string) => (AUTOMATED_ROLES.has(String(truth.accounts[id]?.role ?? "organic")) ? 1 : 0);
		assert.ok(rows.some((r) => r.label === 1) && rows.some((r) => r.label === 0));
		for (const r of rows) assert.equal(r.label, bot(r.group as string), r.group);
		assert.equal(s.bots, rows.filter((r) => r.label === 1).length);
		assert.equal(s.humans, rows.filter((r) => r.label === 0).length);
		assert.equal(s.moments, "scoring");
		// At the end only: one row per account.
		const end = await exportAccounts({ events, out: join(dir, "end.csv"), labels: truthFile, moments: "end" }, quiet);
		assert.equal(end.rows, end.accounts);
		assert.equal(end.accounts, s.accounts);
		assert.equal(end.bots, s.accounts - end.humans);
		const endRows = loadLabelledAccounts(join(dir, "end.csv")).rows;
		assert.equal(new Set(endRows.map((r) => r.group)).size, endRows.length);
	});

	it("writes only the accounts a labels file lists, with their labels", async () => {
		const [a, b] = created as [string, string];
		const labels = join(dir, "labels.csv");
		writeFileSync(labels, `kind,id,label\naccount,${a},1\naccount,${b},0\npost,p1,1\n`);
		const out = join(dir, "reviewed.csv");
		const s = await exportAccounts({ events, out, labels, moments: "end" }, quiet);
		const rows = loadLabelledAccounts(out).rows;
		assert.deepEqual(
			rows.map((r) => [r.group, r.label]),
			[
				[a, 1],
				[b, 0],
			],
		);
		assert.equal(s.bots, 1);
		assert.equal(s.humans, 1);
		writeFileSync(labels, "kind,id,label\npost,p1,1\n");
		await assert.rejects(exportAccounts({ events, out, labels }, quiet), /no account labels/);
	});

	it("without labels writes every account with no label column, which eval refuses", async () => {
		const out = join(dir, "unlabelled.csv");
		const s = await exportAccounts({ events, out }, quiet);
		assert.equal(s.humans + s.bots, 0);
		const labelled = await exportAccounts({ events, out: join(dir, "labelled.csv"), labels: truthFile }, quiet);
		assert.equal(s.rows, labelled.rows);
		assert.equal(s.accounts, labelled.accounts);
		assert.ok(!readFileSync(out, "utf8").split("\n")[0]?.includes("label"));
		assert.throws(() => loadLabelledAccounts(out), /"label" column/);
	});

	it("refuses bad event lines with their line and problem, writing nothing", async () => {
		const bad = join(dir, "bad.ndjson");
		const good = readFileSync(events, "utf8").split("\n").slice(0, 3);
		const invalid = JSON.stringify({ id: "e-x", type: "post.liked", ts: 1, actor: "u", data: {} });
		writeFileSync(bad, [...good, "{not json", invalid].join("\n"));
		const out = join(dir, "never.csv");
		await assert.rejects(exportAccounts({ events: bad, out }, quiet), (err: Error) => {
			assert.match(err.message, /2 bad event line/);
			assert.match(err.message, /bad\.ndjson:4: not JSON/);
			assert.match(err.message, /bad\.ndjson:5: \/data.*postId/);
			return true;
		});
		assert.equal(existsSync(out), false);
		await assert.rejects(exportAccounts({ events: join(dir, "none.ndjson"), out }, quiet), /not found/);
		await assert.rejects(exportAccounts({ events, out, moments: "hourly" }, quiet), /--moments is scoring or end/);
	});

	it("is a command: usage without --out, a JSON summary with --json", async () => {
		const write = process.stderr.write;
		process.stderr.write = (() => true) as typeof process.stderr.write;
		try {
			assert.equal(await COMMANDS.export?.run(["accounts"], { events }), 2);
		} finally {
			process.stderr.write = write;
		}
		const out = join(dir, "cli.csv");
		const r = spawnSync(
			process.execPath,
			[
				join(packageRoot(), "bin", "bulwark.js"),
				"export",
				"accounts",
				"--events",
				events,
				"--out",
				out,
				"--labels",
				truthFile,
				"--json",
			],
			{ cwd: packageRoot(), encoding: "utf8", env: { ...process.env, BULWARK_FROM_SOURCE: "1" } },
		);
		assert.equal(r.status, 0, r.stderr);
		const summary = JSON.parse(r.stdout);
		assert.deepEqual(Object.keys(summary), ["out", "events", "accounts", "rows", "humans", "bots", "moments"]);
		const rows = loadLabelledAccounts(out).rows;
		assert.equal(summary.rows, rows.length);
		assert.equal(summary.accounts, new Set(created).size);
		assert.equal(summary.bots, rows.filter((r) => r.label === 1).length);
		assert.equal(summary.humans, rows.filter((r) => r.label === 0).length);
		// The same file as the function writes.
		const again = join(dir, "again.csv");
		await exportAccounts({ events, out: again, labels: truthFile }, quiet);
		assert.equal(readFileSync(out, "utf8"), readFileSync(again, "utf8"));
	});

	it("feeds train accounts --platform: a file's rows as its part, each account's rows one group", async () => {
		const out = join(dir, "reviewed-all.csv");
		await exportAccounts({ events, out, labels: truthFile }, quiet);
		const notes: string[] = [];
		const [part] = loadPlatform(out, (m) => notes.push(m));
		assert.equal(part?.source, "platform/reviewed-all");
		assert.equal(part?.rows.length, loadLabelledAccounts(out).rows.length);
		assert.ok(part?.rows.every((r) => r.source === "platform/reviewed-all" && typeof r.group === "string"));
		assert.equal(part?.sha256, createHash("sha256").update(readFileSync(out)).digest("hex"));
		assert.match(notes[0] as string, /rows \(\d+ bot, \d+ human\) as platform\/reviewed-all/);
		assert.throws(() => loadPlatform("sim:eleven", quiet), /a simulated platform is sim:SEED/);
		assert.throws(() => loadPlatform(join(dir, "nope.csv"), quiet), /cannot read .*nope\.csv: no such file/);
		assert.deepEqual(loadPlatform(undefined, quiet), []);
	});
});
