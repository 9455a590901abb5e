// The synchronous write path: POST /v1/events against a `bulwark serve` child process, and
// the same requests against a no-op fastify child (the framework's ceiling), in one run.
import { BENCH_KEY, type Child, startBulwark, startNoop, tempDir } from "./lib/children.ts";
import { eventSource } from "./lib/events.ts";
import { maxThroughput, type Target } from "./lib/load.ts";
import { machine } from "./lib/machine.ts";
import { fixedRateLatency } from "./lib/pacer.ts";
import { counterSum } from "./lib/prom.ts";
import {
	type Args,
	type Benchmark,
	type BenchResult,
	metricValue,
	numArg,
	progress,
	type Result,
} from "./lib/types.ts";

const BASELINE = "noop-fastify";
const TARGET_RATE = 2_000;

interface Subject {
	name: string;
	child: Child;
	target: Target;
}

/**
 * Phase by phase (warm-up, latency, throughput), each phase on both subjects one after the
 * other, so that a change in the machine's other load hits both alike.
 */
async function measure(subjects: Subject[], args: Args): Promise<Result[]> {
	const seconds = numArg(args, "duration", 15);
	const warmup = numArg(args, "warmup", 3);
	const rate = numArg(args, "rate", TARGET_RATE);
	const connections = numArg(args, "connections", 50);
	const out: Result[] = [];
	for (const s of subjects) {
		progress(`${s.name}: warm-up, ${warmup} s at ${rate} req/s`);
		await fixedRateLatency(s.target, rate, warmup);
	}
	for (const s of subjects) {
		progress(`${s.name}: latency, ${seconds} s at ${rate} req/s`);
		const lat = await fixedRateLatency(s.target, rate, seconds);
		s.child.assertAlive();
		out.push(
			{ subject: s.name, metric: "p50Ms", value: lat.p50Ms, unit: "ms" },
			{ subject: s.name, metric: "p99Ms", value: lat.p99Ms, unit: "ms" },
			{ subject: s.name, metric: "p999Ms", value: lat.p999Ms, unit: "ms" },
		);
	}
	for (const s of subjects) {
		progress(`${s.name}: throughput, ${seconds} s with ${connections} connections`);
		const max = await maxThroughput(s.target, connections, seconds);
		s.child.assertAlive();
		out.push({ subject: s.name, metric: "maxReqPerSec", value: max, unit: "req/s" });
	}
	return out.sort((a, b) => Number(a.subject !== BASELINE) - Number(b.subject !== BASELINE));
}

function subject(name: string, child: Child): Subject {
	const target = {
		url: child.url,
		path: "/v1/events",
		headers: { "content-type": "application/json", authorization: `Bearer ${BENCH_KEY}` },
		body: eventSource({ prefix: `bench-${Date.now().toString(36)}-${name}` }),
	};
	return { name, child, target };
}

async function run(args: Args): Promise<BenchResult> {
	numArg(args, "duration", 15); // bad flags fail before any server starts
	const data = tempDir("bulwark-bench-http-");
	const children: Child[] = [];
	try {
		const noop = await startNoop();
		children.push(noop);
		const bulwark = await startBulwark(data.path);
		children.push(bulwark);
		const results = await measure([subject(BASELINE, noop), subject("bulwark", bulwark)], args);
		const duplicates = await counterSum(bulwark.url, "bulwark_events_duplicate_total");
		const rejected = await counterSum(bulwark.url, "bulwark_events_rejected_total");
		if (duplicates || rejected) throw new Error(`bulwark saw ${duplicates} duplicates and ${rejected} rejected events`);
		const ratio = metricValue(results, "bulwark", "maxReqPerSec") / metricValue(results, BASELINE, "maxReqPerSec");
		results.push({ subject: "bulwark", metric: "ratioToCeiling", value: ratio, unit: "ratio" });
		return { name: "http", machine: machine(), baseline: BASELINE, results };
	} finally {
		await Promise.allSettled(children.map((c) => c.stop()));
		data.remove();
	}
}

export default {
	name: "http",
	description: "POST /v1/events: latency at a fixed rate and max req/s, against a no-op fastify server",
	run,
	targets: (r) => [
		{
			text: `p99 ≤ 5 ms at ${TARGET_RATE.toLocaleString("en-US")} req/s (measured ${metricValue(r, "bulwark", "p99Ms").toFixed(2)} ms)`,
			met: metricValue(r, "bulwark", "p99Ms") <= 5,
		},
		{
			text: `max req/s ≥ 0.5 of the no-op ceiling (measured ${metricValue(r, "bulwark", "ratioToCeiling").toFixed(2)})`,
			met: metricValue(r, "bulwark", "ratioToCeiling") >= 0.5,
		},
	],
} satisfies Benchmark;
