import { once } from "node:events";
import { createWriteStream, writeFileSync } from "node:fs";
import { parseDuration } from "../../core/shared/index.ts";
import { corpusText } from "../../simulator/corpus.ts";
import { type ObservedAction, Simulation, THREATS, type Threat } from "../../simulator/index.ts";
import { BulwarkClient } from "../client.ts";
import { openDataFolderForWriting } from "../local.ts";
import type { Command, Flags } from "../main.ts";
import { Progress } from "../progress.ts";
import { table } from "../table.ts";

type LineResult = { status: string; verdict?: string };
/** Where a simulation's events go: a file, a running server or a data folder opened in-process. */
export interface Sink {
	send(lines: string[]): Promise<LineResult[]>;
	/** Actions newer than `after` (ids are time-ordered), newest first. */
	actionsAfter?(after: string): Promise<(ObservedAction & { id: string })[]>;
	close(): Promise<void>;
}

/** A numeric flag, or `dflt` when it is absent. */
export const num = (flags: Flags, name: string, dflt: number): number => {
	const v = flags[name];
	if (v === undefined) return dflt;
	const n = Number(v);
	if (!Number.isFinite(n))
		throw new Error(`--${name} needs a number${name === "evasion" ? " (a share; the mode is --evasion-mode)" : ""}`);
	return n;
};

export const simulateCommand: Command = {
	usage:
		"simulate [--seed N] [--accounts N] [--duration 1h] [--rate N] [--target URL --api-key K | --data DIR | --out FILE] [--truth FILE] [--corpus DIR] [--evasion-mode scripted|feedback]",
	summary: "generate a synthetic platform's events with ground truth (see README: The simulator)",
	options: {
		seed: { type: "string" },
		accounts: { type: "string" },
		duration: { type: "string" },
		start: { type: "string" },
		rate: { type: "string" },
		fast: { type: "boolean" },
		target: { type: "string" },
		"api-key": { type: "string" },
		data: { type: "string" },
		out: { type: "string" },
		truth: { type: "string" },
		corpus: { type: "string" },
		prefix: { type: "string" },
		camouflage: { type: "string" },
		// Not `--evasion`: that is the share of ban evaders, like `--spam` is the share of spam bots.
		"evasion-mode": { type: "string" },
		"feedback-every": { type: "string" },
		...Object.fromEntries(THREATS.map((t) => [t, { type: "string" as const }])),
	},
	async run(_pos, flags) {
		const shares: Partial<Record<Threat, number>> = {};
		for (const t of THREATS) if (flags[t] !== undefined) shares[t] = num(flags, t, 0);
		const evasion = (flags["evasion-mode"] as string | undefined) ?? "scripted";
		if (evasion !== "scripted" && evasion !== "feedback") throw new Error("--evasion-mode is scripted or feedback");
		const start = flags.start === undefined ? undefined : Date.parse(String(flags.start)) || Number(flags.start);
		const sim = new Simulation(
			{
				seed: num(flags, "seed", 1),
				accounts: num(flags, "accounts", 10_000),
				durationMs: parseDuration(String(flags.duration ?? "1h")),
				...(start ? { start } : {}),
				shares,
				...(flags.camouflage !== undefined ? { camouflage: num(flags, "camouflage", 0.3) } : {}),
				prefix: (flags.prefix as string | undefined) ?? "",
				evasion,
			},
			typeof flags.corpus === "string" ? corpusText(flags.corpus) : undefined,
		);
		const sink = await openSink(flags);
		try {
			const summary = await drive(sim, sink, {
				rate: flags.fast ? 0 : num(flags, "rate", 0),
				feedbackMs: parseDuration(String(flags["feedback-every"] ?? "5m")),
			});
			if (typeof flags.truth === "string") writeFileSync(flags.truth, JSON.stringify(sim.truth()));
			if (flags.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
			else
				process.stdout.write(
					`${table(
						["", "value"],
						Object.entries(summary).map(([k, v]) => [k, v]),
					)}\n`,
				);
			return summary.rejected > 0 ? 1 : 0;
		} finally {
			await sink.close();
		}
	},
};

async function openSink(flags: Flags): Promise<Sink> {
	if (typeof flags.out === "string") {
		const out = createWriteStream(flags.out);
		return {
			async send(lines) {
				if (!out.write(`${lines.join("\n")}\n`)) await once(out, "drain");
				return lines.map(() => ({ status: "accepted" }));
			},
			close: () => new Promise((resolve) => out.end(resolve)),
		};
	}
	if (typeof flags.target === "string") {
		const key = (flags["api-key"] as string | undefined) ?? process.env.BULWARK_API_KEY;
		if (!key) throw new Error("--target needs --api-key KEY (or BULWARK_API_KEY)");
		return targetSink(new BulwarkClient(flags.target, key));
	}
	if (typeof flags.data !== "string") throw new Error("give where events go: --target URL, --data DIR or --out FILE");
	const { bw, close } = await openDataFolderForWriting(flags.data);
	return {
		send: async (lines) =>
			(await bw.processor.submit(lines, { source: "simulate" })).map((o) =>
				o.status === "rejected" ? { status: o.status } : { status: o.status, verdict: o.decision.verdict },
			),
		actionsAfter: (after) => newest(after, (before) => bw.storage.listActions({ limit: 1000, before })),
		close,
	};
}

/**
 * Sends to a running server: NDJSON batches to `POST /v1/events/batch`, and reads enforcement
 * back from the audit log (`GET /v1/actions`) for the adversaries' feedback.
 */
export function targetSink(client: BulwarkClient): Sink {
	return {
		send: async (lines) =>
			(
				await client.request<{ results: LineResult[] }>(
					"POST",
					"/v1/events/batch",
					lines.join("\n"),
					"application/x-ndjson",
				)
			).results,
		actionsAfter: (after) =>
			newest(after, async (before) => {
				const q = before ? `&before=${encodeURIComponent(before)}` : "";
				const r = await client.request<{ actions: (ObservedAction & { id: string })[]; next: string | null }>(
					"GET",
					`/v1/actions?limit=1000${q}`,
				);
				return r.actions;
			}),
		close: async () => {},
	};
}

/** Pages the audit log newest first until an id at or before `after`. */
async function newest<T extends { id: string }>(after: string, page: (before?: string) => Promise<T[]>): Promise<T[]> {
	const out: T[] = [];
	let before: string | undefined;
	for (;;) {
		const rows = await page(before);
		for (const r of rows) {
			if (r.id <= after) return out;
			out.push(r);
		}
		if (rows.length < 1000) return out;
		before = rows[rows.length - 1]?.id;
	}
}

export interface DriveOptions {
	/** Events per second of wall time; 0 = as fast as the sink takes them. */
	rate: number;
	/** How often (simulated time) adversaries read back Bulwark's new actions. */
	feedbackMs: number;
	/** Stops after the batch in flight (Ctrl-C in `bulwark demo`). */
	signal?: AbortSignal;
	/** Called between batches with the running totals and the simulated time reached. */
	onBatch?: (stats: DriveStats, simNow: number) => Promise<void> | void;
	/** Draw the progress bar on stderr (default true). */
	progress?: boolean;
}

/** The running totals of a run; `bulwark simulate --json` prints them at the end. */
export type DriveStats = ReturnType<typeof newStats>;

function newStats(sim: Simulation) {
	return {
		seed: sim.opts.seed,
		accounts: sim.opts.accounts,
		events: 0,
		accepted: 0,
		duplicates: 0,
		rejected: 0,
		verdicts: {} as Record<string, number>,
		simulatedFrom: new Date(sim.opts.start).toISOString(),
		simulatedTo: new Date(sim.end).toISOString(),
		seconds: 0,
		eventsPerSec: 0,
		evadersBannedByBulwark: 0,
		templatesRotated: 0,
		adversariesSuspended: 0,
	};
}

/** Paced runs send small batches, so a watchable rate is a steady stream rather than bursts. */
const batchSizeFor = (rate: number): number => (rate > 0 ? Math.max(10, Math.min(1000, Math.round(rate / 4))) : 1000);

/** Resolves after `ms`, or at once when `signal` aborts. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
	if (signal?.aborted) return Promise.resolve();
	return new Promise((resolve) => {
		const done = () => {
			clearTimeout(timer);
			signal?.removeEventListener("abort", done);
			resolve();
		};
		const timer = setTimeout(done, ms);
		signal?.addEventListener("abort", done, { once: true });
	});
}

/**
 * Streams a simulation into a sink in batches (one in flight while the next is generated),
 * paced to `rate`, applying enforcement feedback every `feedbackMs` of simulated time.
 */
export async function drive(sim: Simulation, sink: Sink, o: DriveOptions): Promise<DriveStats> {
	const s = newStats(sim);
	const progress = o.progress === false ? undefined : new Progress(sim.opts.durationMs, "events");
	const size = batchSizeFor(o.rate);
	const t0 = performance.now();
	let inFlight: Promise<void> = Promise.resolve();
	let batch: string[] = [];
	let lastAction = "";
	let nextFeedback = sim.opts.start + o.feedbackMs;
	const flush = async (lines: string[]) => {
		for (const r of await sink.send(lines)) {
			if (r.status === "accepted") s.accepted++;
			else if (r.status === "duplicate") s.duplicates++;
			else s.rejected++;
			if (r.verdict) s.verdicts[r.verdict] = (s.verdicts[r.verdict] ?? 0) + 1;
		}
	};
	for (const e of sim.events()) {
		batch.push(JSON.stringify(e));
		s.events++;
		if (batch.length < size) continue;
		const lines = batch;
		batch = [];
		await inFlight;
		inFlight = flush(lines);
		inFlight.catch(() => {});
		if (o.rate > 0) {
			const ahead = s.events / o.rate - (performance.now() - t0) / 1000;
			if (ahead > 0) await pause(ahead * 1000, o.signal);
		}
		if (sink.actionsAfter && e.ts >= nextFeedback) {
			await inFlight;
			nextFeedback = e.ts + o.feedbackMs;
			const actions = await sink.actionsAfter(lastAction);
			if (actions[0]) lastAction = actions[0].id;
			const f = sim.applyFeedback(actions);
			s.evadersBannedByBulwark += f.evadersBanned;
			s.templatesRotated += f.templatesRotated;
			s.adversariesSuspended += f.suspended;
		}
		progress?.update(e.ts - sim.opts.start, s.events, `simulated ${new Date(e.ts).toISOString().slice(0, 19)}`);
		if (o.onBatch) await o.onBatch(s, e.ts);
		if (o.signal?.aborted) break;
	}
	await inFlight;
	if (batch.length) await flush(batch);
	s.seconds = Math.round((performance.now() - t0) / 10) / 100;
	s.eventsPerSec = s.seconds > 0 ? Math.round(s.events / s.seconds) : 0;
	progress?.finish(sim.opts.durationMs, s.events, s.rejected ? `${s.rejected} rejected` : "");
	return s;
}
