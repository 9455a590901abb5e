import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { BIN, tempDir } from "./helpers.ts";

function cli(args: string[]) {
	const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", timeout: 120_000 });
	return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("bulwark simulate and scorecard", () => {
	const dir = tempDir();
	after(() => dir.remove());

	it("writes an NDJSON file and the ground truth", () => {
		const out = join(dir.path, "sim.ndjson");
		const truth = join(dir.path, "truth.json");
		const r = cli([
			"simulate",
			"--accounts",
			"300",
			"--duration",
			"20m",
			"--seed",
			"4",
			"--out",
			out,
			"--truth",
			truth,
			"--json",
		]);
		assert.equal(r.code, 0, r.err);
		const s = JSON.parse(r.out) as { events: number };
		assert.equal(readFileSync(out, "utf8").trim().split("\n").length, s.events);
		const t = JSON.parse(readFileSync(truth, "utf8")) as { accounts: object; seed: number };
		assert.equal(t.seed, 4);
		assert.ok(Object.keys(t.accounts).length > 0);
	});

	it("runs in-process into a data folder and scores it with the stable JSON shape", () => {
		const data = join(dir.path, "data");
		const truth = join(dir.path, "truth2.json");
		const r = cli(["simulate", "--accounts", "400", "--duration", "30m", "--data", data, "--truth", truth, "--json"]);
		assert.equal(r.code, 0, r.err);
		assert.ok((JSON.parse(r.out) as { accepted: number }).accepted > 1000);
		const sc = cli(["scorecard", "--truth", truth, "--data", data, "--json"]);
		assert.equal(sc.code, 0, sc.err);
		const card = JSON.parse(sc.out) as Record<string, unknown> & { threats: Record<string, Record<string, unknown>> };
		assert.deepEqual(Object.keys(card.threats), ["spam", "harassment", "amplification", "evasion", "misinfo"]);
		for (const k of ["collateralPer10k", "reviewPrecisionAt100"]) assert.ok(k in card);
		assert.ok("medianTimeToActionMs" in (card.threats.spam ?? {}));
		assert.match(cli(["scorecard", "--truth", truth, "--data", data]).out, /precision/);
	});
});
