import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { BIN, tempDir } from "./helpers.ts";

const THREAT_ROWS = ["spam", "harassment", "amplification", "evasion", "misinfo", "all threats"];

/** `bulwark demo ARGS` as a child process, with its output collected as it comes. */
function demo(args: string[], env: Record<string, string> = {}) {
	const child = spawn(process.execPath, [BIN, "demo", ...args], {
		env: { ...process.env, LOG_LEVEL: "warn", ...env },
		stdio: ["ignore", "pipe", "pipe"],
	});
	let out = "";
	let err = "";
	child.stdout.on("data", (d) => {
		out += d;
	});
	child.stderr.on("data", (d) => {
		err += d;
	});
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
		child.once("exit", (code, signal) => resolve({ code, signal })),
	);
	return {
		child,
		out: () => out,
		err: () => err,
		exited,
		/** Resolves once stdout matches `re`; fails after `ms` or if the demo exits first. */
		async waitFor(re: RegExp, ms = 60_000): Promise<RegExpExecArray> {
			const t0 = Date.now();
			for (;;) {
				const m = re.exec(out);
				if (m) return m;
				if (child.exitCode !== null) assert.fail(`demo exited with ${child.exitCode} before ${re}:\n${out}\n${err}`);
				if (Date.now() - t0 > ms) assert.fail(`no ${re} in ${ms} ms:\n${out}\n${err}`);
				await new Promise((r) => setTimeout(r, 100));
			}
		},
	};
}

/** The rows of the last scorecard table printed after `heading`: threat -> [accounts, actioned]. */
function lastTable(out: string, heading: string): Map<string, [number, number]> {
	const section = out.slice(out.lastIndexOf(heading));
	const rows = new Map<string, [number, number]>();
	for (const name of THREAT_ROWS) {
		const m = new RegExp(`^${name}\\s+([\\d,]+)\\s+([\\d,]+)\\s`, "m").exec(section);
		if (m) rows.set(name, [Number(m[1]?.replace(/,/g, "")), Number(m[2]?.replace(/,/g, ""))]);
	}
	return rows;
}

describe("bulwark demo (npm run demo)", () => {
	const dir = tempDir();
	after(() => dir.remove());

	it("serves, streams and prints a live scorecard per threat; SIGINT stops it cleanly", async () => {
		// The demo's temporary data folder is made under TMPDIR: point it here to see it removed.
		const tmp = join(dir.path, "tmp");
		mkdirSync(tmp);
		const d = demo(["--accounts", "400", "--duration", "6h", "--rate", "400", "--refresh", "1s"], { TMPDIR: tmp });
		try {
			const [, url = "", data = "", key = ""] = await d.waitFor(
				/server (http:\/\/\S+) \(data (\S+), removed at the end\)\nAPI key for this run: (\S+)/,
			);
			assert.ok(data.startsWith(tmp), `the data folder ${data} is a temporary one`);
			await d.waitFor(/live scorecard: [^\n]*\n\n[\s\S]*?review queue: /);
			const live = lastTable(d.out(), "live scorecard");
			assert.deepEqual([...live.keys()], THREAT_ROWS, `one row per threat and one for all:\n${d.out()}`);
			// Live: a later refresh counts the adversaries as their first bad acts arrive.
			await d.waitFor(/^all threats +[1-9]/m);

			// The server is real: it answers with the key the demo printed and holds the events sent.
			const health = await fetch(`${url}/healthz`);
			assert.equal(health.status, 200);
			const acts = await fetch(`${url}/v1/actions?limit=1`, { headers: { authorization: `Bearer ${key}` } });
			assert.equal(acts.status, 200, "the printed API key is accepted");
			const noKey = await fetch(`${url}/v1/actions?limit=1`);
			assert.equal(noKey.status, 401);

			d.child.kill("SIGINT");
			const watchdog = setTimeout(() => d.child.kill("SIGKILL"), 30_000);
			const exit = await d.exited;
			clearTimeout(watchdog);
			assert.deepEqual(exit, { code: 0, signal: null }, d.err());
			assert.match(d.out(), /final scorecard: simulated 0[0-5]:\d\d of 06:00/, "stopped before the end, and said so");
			assert.deepEqual([...lastTable(d.out(), "final scorecard").keys()], THREAT_ROWS);
			assert.match(d.err(), /SIGINT: stopping/);
			assert.match(d.err(), /server stopped/);
			await assert.rejects(fetch(`${url}/healthz`), "the port is closed: the server stopped with the demo");
			assert.equal(existsSync(data), false, "the temporary data folder is removed");
			assert.deepEqual(
				readdirSync(tmp).filter((f) => f.startsWith("bulwark-")),
				[],
			);
		} finally {
			if (d.child.exitCode === null && d.child.signalCode === null) d.child.kill("SIGKILL");
		}
	});

	it("runs to the end of the simulated time; with --data the folder is kept and scores the same", async () => {
		const data = join(dir.path, "kept");
		const d = demo(["--accounts", "300", "--duration", "40m", "--rate", "0", "--seed", "5", "--data", data]);
		const exit = await d.exited;
		assert.deepEqual(exit, { code: 0, signal: null }, d.err());
		assert.match(d.out(), /final scorecard: simulated 00:40 of 00:40/);
		const final = lastTable(d.out(), "final scorecard");
		assert.deepEqual([...final.keys()], THREAT_ROWS);
		assert.ok(existsSync(join(data, "truth.json")), "the ground truth is written beside the data");
		assert.ok(!existsSync(join(data, "bulwark.pid")), "the data folder's lock is released");

		// Reopened from disk after the server closed, the folder gives the scorecard shown at the end.
		const sc = spawnSync(
			process.execPath,
			[BIN, "scorecard", "--truth", join(data, "truth.json"), "--data", data, "--json"],
			{ encoding: "utf8", timeout: 60_000 },
		);
		assert.equal(sc.status, 0, sc.stderr);
		const card = JSON.parse(sc.stdout) as {
			threats: Record<string, { accounts: number; actioned: number }>;
			overall: { accounts: number; actioned: number };
		};
		for (const [name, [accounts, actioned]] of final) {
			const t = name === "all threats" ? card.overall : card.threats[name];
			assert.deepEqual([t?.accounts, t?.actioned], [accounts, actioned], name);
		}

		const again = demo(["--accounts", "300", "--duration", "10m", "--data", data]);
		assert.equal((await again.exited).code, 1);
		assert.match(again.err(), /already holds files/, "a used folder is refused: the run's ids would collide");
	});
});
