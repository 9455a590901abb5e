import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadConfig } from "../../app/config.ts";
import { acquireLock } from "../../app/lock.ts";
import { type Running, serve } from "../../app/serve.ts";
import { generateKey } from "../../core/access/index.ts";
import { formatDuration, parseDuration } from "../../core/shared/index.ts";
import { corpusText } from "../../simulator/corpus.ts";
import { Simulation, scorecard } from "../../simulator/index.ts";
import { BulwarkClient } from "../client.ts";
import type { Command, Flags } from "../main.ts";
import { formatScorecard, readFromServer } from "./scorecard.ts";
import { type DriveStats, drive, num, targetSink } from "./simulate.ts";

/** What `npm run demo` runs: small enough to start at once, long enough to watch. */
const DEFAULTS = { accounts: 2_000, duration: "2h", rate: 500, seed: 1, refresh: "3s", port: 0 };

export const demoCommand: Command = {
	usage: `demo [--accounts ${DEFAULTS.accounts}] [--duration ${DEFAULTS.duration}] [--rate ${DEFAULTS.rate}] [--seed ${DEFAULTS.seed}] [--port N] [--refresh ${DEFAULTS.refresh}] [--data DIR] [--corpus DIR]`,
	summary: "start the embedded server, stream a simulation into it over HTTP and print the live scorecard until Ctrl-C",
	options: {
		accounts: { type: "string" },
		duration: { type: "string" },
		rate: { type: "string" },
		seed: { type: "string" },
		port: { type: "string" },
		refresh: { type: "string" },
		data: { type: "string" },
		corpus: { type: "string" },
		"feedback-every": { type: "string" },
	},
	async run(_pos, flags) {
		const refreshMs = parseDuration(String(flags.refresh ?? DEFAULTS.refresh));
		const rate = num(flags, "rate", DEFAULTS.rate);
		const sim = new Simulation(
			{
				seed: num(flags, "seed", DEFAULTS.seed),
				accounts: num(flags, "accounts", DEFAULTS.accounts),
				durationMs: parseDuration(String(flags.duration ?? DEFAULTS.duration)),
			},
			typeof flags.corpus === "string" ? corpusText(flags.corpus) : undefined,
		);
		const folder = dataFolder(flags);
		// A key made for this run and given to the server as a configured key: hashed in memory, never stored.
		const key = generateKey();
		const stop = new AbortController();
		let stoppedAt = 0;
		const onSignal = (signal: string) => {
			// A terminal's Ctrl-C reaches npm and this process both, and npm forwards it: the
			// second copy must not cut the clean shutdown short. A later Ctrl-C quits at once.
			if (stoppedAt && performance.now() - stoppedAt > 1_000) process.exit(130);
			if (stoppedAt) return;
			stoppedAt = performance.now();
			process.stderr.write(`\n${signal}: stopping the simulation, then the server (Ctrl-C again to quit at once)\n`);
			stop.abort();
		};
		process.on("SIGINT", onSignal);
		process.on("SIGTERM", onSignal);
		let release: (() => void) | undefined;
		let running: Running | undefined;
		try {
			const cfg = loadConfig({ port: String(num(flags, "port", DEFAULTS.port)), data: folder.path, "api-keys": key });
			release = acquireLock(cfg.dataDir);
			running = await serve(cfg);
			const client = new BulwarkClient(running.url, key);
			const tty = !!process.stdout.isTTY;
			const banner = [
				`Bulwark demo: server ${running.url} (data ${cfg.dataDir}${folder.keep ? "" : ", removed at the end"})`,
				`API key for this run: ${key}`,
				`simulating ${sim.opts.accounts.toLocaleString("en-US")} accounts for ${formatDuration(sim.opts.durationMs)} of simulated time at ${rate > 0 ? `${rate} events/s` : "full speed"}, seed ${sim.opts.seed}; Ctrl-C to stop`,
			];
			process.stdout.write(`${banner.join("\n")}\n`);
			const show = async (s: DriveStats, simNow: number, final: boolean) => {
				const { actions, cases } = await readFromServer(client);
				const card = formatScorecard(scorecard(sim.truth(), actions, cases));
				const text = `${final ? "final scorecard" : "live scorecard"}: ${status(s, simNow, sim)}\n\n${card}\n`;
				process.stdout.write(tty && !final ? `\x1b[H\x1b[2J${banner.join("\n")}\n\n${text}` : `\n${text}`);
			};
			let shown = performance.now();
			const stats = await drive(sim, targetSink(client), {
				rate,
				feedbackMs: parseDuration(String(flags["feedback-every"] ?? "5m")),
				signal: stop.signal,
				progress: false,
				onBatch: async (s, simNow) => {
					if (performance.now() - shown < refreshMs) return;
					await show(s, simNow, false);
					shown = performance.now();
				},
			});
			await show(stats, stop.signal.aborted ? sim.now : sim.end, true);
			if (folder.keep) {
				const truth = join(cfg.dataDir, "truth.json");
				writeFileSync(truth, JSON.stringify(sim.truth()));
				process.stdout.write(
					`\nThe data folder is kept; score it again with:\n  npx bulwark scorecard --truth ${truth} --data ${cfg.dataDir}\n`,
				);
			}
			return stats.rejected > 0 ? 1 : 0;
		} finally {
			if (running) {
				await running.close();
				process.stderr.write("demo: server stopped\n");
			}
			release?.();
			folder.done();
			process.off("SIGINT", onSignal);
			process.off("SIGTERM", onSignal);
		}
	},
};

/** `--data DIR` (kept, must be new or empty, so ids cannot collide with an earlier run) or a temporary folder. */
function dataFolder(flags: Flags): { path: string; keep: boolean; done(): void } {
	if (typeof flags.data === "string") {
		const path = resolve(flags.data);
		if (existsSync(path) && readdirSync(path).length > 0)
			throw new Error(
				`--data ${path} already holds files: give a new or empty folder (an earlier run's ids would collide)`,
			);
		return { path, keep: true, done: () => {} };
	}
	const path = mkdtempSync(join(tmpdir(), "bulwark-demo-"));
	return { path, keep: false, done: () => rmSync(path, { recursive: true, force: true }) };
}

const hhmm = (ms: number) =>
	`${String(Math.floor(ms / 3_600_000)).padStart(2, "0")}:${String(Math.floor(ms / 60_000) % 60).padStart(2, "0")}`;

function status(s: DriveStats, simNow: number, sim: Simulation): string {
	const done = Math.max(0, Math.min(simNow, sim.end) - sim.opts.start);
	const verdicts = Object.entries(s.verdicts)
		.map(([v, n]) => `${v} ${n.toLocaleString("en-US")}`)
		.join(", ");
	const reactions =
		s.templatesRotated || s.adversariesSuspended
			? `; adversaries reacting to Bulwark: ${s.templatesRotated} template rotations, ${s.adversariesSuspended} stopped by a suspension`
			: "";
	return `simulated ${hhmm(done)} of ${hhmm(sim.opts.durationMs)}, ${s.events.toLocaleString("en-US")} events sent (${verdicts || "no verdicts yet"})${reactions}`;
}
