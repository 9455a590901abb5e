// The rules engine, in process: a 64-rule pack (bench/rules-pack) over windowed features, lists
// and signals, on a recorded stream of simulated events, decided by Bulwark, by GoRules
// zen-engine and by json-rules-engine with the same facts; events/s per core for each, after
// checking that all three find the same rules holding on every event. Then the deploy of a
// generated 1,000-rule pack: compile time and the pause of the swap.

import { setFlagsFromString } from "node:v8";
import { machine } from "./lib/machine.ts";
import { measureDeploy } from "./lib/rules-deploy.ts";
import { bulwarkDecide, bulwarkRun, JreSubject, ZenSubject } from "./lib/rules-engines.ts";
import { loadBenchPack, type Recorded, recordStream } from "./lib/rules-stream.ts";
import {
	type Args,
	type Benchmark,
	type BenchResult,
	metricValue,
	numArg,
	progress,
	type Result,
} from "./lib/types.ts";

const BASELINE = "bulwark";
const ZEN = "zen-engine";
const JRE = "json-rules-engine";
const DEPLOY = "deploy-1000-rules";

/** Thrown when an engine disagrees with the pack's decision of an event. */
export class DisagreementError extends Error {
	override name = "DisagreementError";
}

export function compare(subject: string, i: number, rec: Recorded, got: readonly string[]): void {
	const want = new Set(rec.expected);
	const have = new Set(got);
	const missing = [...want].filter((r) => !have.has(r));
	const extra = [...have].filter((r) => !want.has(r));
	if (!missing.length && !extra.length && have.size === got.length) return;
	const rule = missing[0] ?? extra[0] ?? got.find((r, k) => got.indexOf(r) !== k);
	throw new DisagreementError(
		`${subject} disagrees with the pack on recorded event ${i} (${rec.event.id}, ${rec.event.type}): rule ${rule} ` +
			`${missing.includes(rule as string) ? "held for the pack but not for" : "held for"} ${subject}` +
			` (pack: [${[...want].join(", ")}], ${subject}: [${got.join(", ")}])\nevent: ${JSON.stringify(rec.event)}`,
	);
}

interface Runner {
	subject: string;
	metric: string;
	fn: () => unknown;
}

/** One timed pass: events per second of wall time, or of CPU time when the process used more than one core. */
interface Pass {
	perSec: number;
	wallS: number;
	cpuS: number;
}

async function timed(events: number, fn: () => unknown): Promise<Pass> {
	const c0 = process.cpuUsage();
	const t0 = performance.now();
	await fn();
	const wallS = (performance.now() - t0) / 1000;
	const c = process.cpuUsage(c0);
	const cpuS = (c.user + c.system) / 1e6;
	return { perSec: events / Math.max(wallS, cpuS), wallS, cpuS };
}

const fmt = (x: number) => Math.round(x).toLocaleString("en-US");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function run(args: Args): Promise<BenchResult> {
	// The subjects share one heap, so V8's allocation-site pretenuring can carry one subject's
	// survival feedback into another's timing: in about half the runs it began allocating
	// json-rules-engine's short-lived objects in old space, whose scavenges then kept its garbage
	// alive (2.2-3k events/s instead of 6.5-7k, 2.5 s of GC in a 20,000-event pass; seen with the
	// earlier engine too, and a 26-35x ratio that flattered Bulwark). Off, each subject is timed on
	// its own allocations and json-rules-engine runs at its fast figure every time.
	setFlagsFromString("--no-allocation-site-pretenuring");
	const events = Math.round(numArg(args, "events", 20_000));
	const runs = Math.round(numArg(args, "runs", 5));
	const deployRules = Math.round(numArg(args, "deploy-rules", 1_000));
	progress("compiling bench/rules-pack and filling its lists");
	const bp = loadBenchPack();
	progress(`${bp.pack.rules.length} rules, ${bp.pack.features.length} features, ${bp.pack.lists.length} lists`);
	progress(`simulating and recording ${events.toLocaleString("en-US")} events (window, state and signal pass)`);
	const stream = recordStream(bp, {
		seed: Math.round(numArg(args, "seed", 42)),
		accounts: Math.round(numArg(args, "accounts", 10_000)),
		events,
		warmMs: numArg(args, "warm-minutes", 60) * 60_000,
	});
	const { recs } = stream;
	const held = [...stream.held].sort((a, b) => b[1] - a[1]);
	progress(
		`recorded after ${stream.warmEvents.toLocaleString("en-US")} warm-up events; ${[...stream.byType].map(([t, n]) => `${t} ${n}`).join(", ")}`,
	);
	progress(
		`${held.length} of ${bp.pack.rules.length} rules held at least once: ${held.map(([r, n]) => `${r} ${n}`).join(", ")}`,
	);

	const zen = new ZenSubject(bp.lists);
	const jre = new JreSubject(bp.lists);
	progress("checking that every engine finds the same rules holding on every event");
	for (const [i, rec] of recs.entries()) {
		compare(BASELINE, i, rec, bulwarkDecide(bp.pack, rec));
		compare(ZEN, i, rec, await zen.decide(rec));
		compare(JRE, i, rec, await jre.decide(rec));
	}
	const holds = recs.reduce((n, r) => n + r.expected.length, 0);
	progress(`all agree: ${holds.toLocaleString("en-US")} rule hits on ${recs.length.toLocaleString("en-US")} events`);

	// zen-engine evaluates on its own worker threads: `zenInFlight` evaluations overlap (its
	// fastest use per core), and one at a time (each awaited) is reported beside it.
	const zenInFlight = Math.round(numArg(args, "zen-in-flight", 16));
	const runners: Runner[] = [
		{ subject: BASELINE, metric: "eventsPerSec", fn: () => bulwarkRun(bp.pack, recs) },
		{ subject: ZEN, metric: "eventsPerSec", fn: () => zen.run(recs, zenInFlight) },
		{ subject: ZEN, metric: "eventsPerSecOneInFlight", fn: () => zen.run(recs, 1) },
		{ subject: JRE, metric: "eventsPerSec", fn: () => jre.run(recs) },
	];
	for (const r of runners) {
		progress(`${r.subject} ${r.metric}: warm-up pass`);
		await r.fn();
	}
	// Subjects take turns, so that a change in the machine's load reaches each of them alike.
	const passes = new Map<Runner, Pass[]>(runners.map((r) => [r, []]));
	for (let k = 0; k < runs; k++) {
		for (const r of runners) {
			const p = await timed(recs.length, r.fn);
			(passes.get(r) as Pass[]).push(p);
			progress(
				`${r.subject} ${r.metric}: pass ${k + 1}/${runs}: ${fmt(p.perSec)} events/s (wall ${p.wallS.toFixed(2)} s, cpu ${p.cpuS.toFixed(2)} s)`,
			);
		}
	}
	const results: Result[] = [];
	const eps = (subject: string, metric: string, value: number) =>
		results.push({ subject, metric, value, unit: "events/s" });
	for (const r of runners) eps(r.subject, r.metric, median((passes.get(r) as Pass[]).map((p) => p.perSec)));
	for (const r of runners.filter((x) => x.metric === "eventsPerSec")) {
		const ps = passes.get(r) as Pass[];
		eps(r.subject, "eventsPerCpuSec", median(ps.map((p) => recs.length / p.cpuS)));
		results.push({
			subject: r.subject,
			metric: "coresUsed",
			value: median(ps.map((p) => p.cpuS / p.wallS)),
			unit: "cores",
		});
	}
	results.push(
		{ subject: BASELINE, metric: "events", value: recs.length, unit: "events" },
		{ subject: BASELINE, metric: "rules", value: bp.pack.rules.length, unit: "rules" },
		{ subject: BASELINE, metric: "ruleHits", value: holds, unit: "hits" },
	);

	progress(`deploy: compiling a generated ${deployRules.toLocaleString("en-US")}-rule pack`);
	const d = measureDeploy(deployRules, Math.max(3, runs));
	progress(
		`deploy: ${d.rules} rules, compile ${d.compileMs.toFixed(0)} ms (first ${d.compileMsCold.toFixed(0)} ms), swap ${d.pauseMs.toFixed(3)} ms`,
	);
	results.push(
		{ subject: DEPLOY, metric: "compileMs", value: d.compileMs, unit: "ms" },
		{ subject: DEPLOY, metric: "compileMsFirst", value: d.compileMsCold, unit: "ms" },
		{ subject: DEPLOY, metric: "pauseMs", value: d.pauseMs, unit: "ms" },
	);
	return { name: "rules", machine: machine(), baseline: BASELINE, results };
}

export default {
	name: "rules",
	description: "rules engine in process: events/s per core vs zen-engine and json-rules-engine; 1,000-rule deploy",
	run,
	targets: (r) => {
		const b = metricValue(r, BASELINE, "eventsPerSec");
		const z = metricValue(r, ZEN, "eventsPerSec");
		const j = metricValue(r, JRE, "eventsPerSec");
		// Per CPU-second: the ratio to read when other processes share the cores.
		const perCpu = (s: string) =>
			(metricValue(r, BASELINE, "eventsPerCpuSec") / metricValue(r, s, "eventsPerCpuSec")).toFixed(1);
		const c = metricValue(r, DEPLOY, "compileMs");
		const p = metricValue(r, DEPLOY, "pauseMs");
		return [
			{
				text: `≥ 2× zen-engine's events/s per core (measured ${(b / z).toFixed(1)}×: ${fmt(b)} vs ${fmt(z)}; per CPU-second ${perCpu(ZEN)}×)`,
				met: b >= 2 * z,
			},
			{
				text: `≥ 10× json-rules-engine's events/s per core (measured ${(b / j).toFixed(1)}×: ${fmt(b)} vs ${fmt(j)}; per CPU-second ${perCpu(JRE)}×)`,
				met: b >= 10 * j,
			},
			{
				text: `deploying a 1,000-rule pack: compile and swap pause < 1 s (compile ${c.toFixed(0)} ms, swap ${p.toFixed(2)} ms)`,
				met: c + p < 1_000,
			},
		];
	},
} satisfies Benchmark;
