// Batch ingest: NDJSON batches of 1,000 events, 2 requests in flight, into a `bulwark serve`
// child; the same bodies into a no-op fastify child (the transport ceiling) and straight into
// `processor.submit` in this process (Bulwark without HTTP).

import { ndjsonBodies, postBatches } from "./lib/batches.ts";
import { BENCH_KEY, type Child, startBulwark, startNoop, tempDir } from "./lib/children.ts";
import { machine } from "./lib/machine.ts";
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

const BASELINE = "noop-batch";
const BATCH = 1_000;
const IN_FLIGHT = 2;
const WARMUP_BATCHES = 5;

async function overHttp(child: Child, warm: string[], timed: string[]): Promise<number> {
	await postBatches(child.url, BENCH_KEY, warm, IN_FLIGHT);
	const seconds = await postBatches(child.url, BENCH_KEY, timed, IN_FLIGHT);
	child.assertAlive();
	return seconds;
}

async function inProcess(warm: string[], timed: string[]): Promise<number> {
	const { openBulwark } = await import("../src/app/bulwark.ts");
	const dir = tempDir("bulwark-bench-ingest-inproc-");
	const b = await openBulwark({ dataDir: dir.path, retentionMs: 30 * 86_400_000, snapshotIntervalMs: 30_000 });
	try {
		const submitAll = async (all: string[][]): Promise<number> => {
			let i = 0;
			const worker = async () => {
				while (i < all.length) {
					const lines = all[i++] as string[];
					const outs = await b.processor.submit(lines, { source: "bench" });
					const bad = outs.find((o) => o.status !== "accepted");
					if (bad) throw new Error(`in-process submit: ${JSON.stringify(bad).slice(0, 500)}`);
				}
			};
			const t0 = performance.now();
			await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
			return (performance.now() - t0) / 1000;
		};
		await submitAll(warm.map((x) => x.split("\n")));
		return await submitAll(timed.map((x) => x.split("\n")));
	} finally {
		await b.close();
		dir.remove();
	}
}

async function run(args: Args): Promise<BenchResult> {
	const events = Math.round(numArg(args, "events", 200_000));
	const id = `bench-${Date.now().toString(36)}`;
	progress(`generating ${events.toLocaleString("en-US")} events`);
	const warm = ndjsonBodies(WARMUP_BATCHES * BATCH, BATCH, `${id}-warm`);
	const timed = ndjsonBodies(events, BATCH, id);
	const results: Result[] = [];
	const add = (subject: string, seconds: number) => {
		results.push({ subject, metric: "eventsPerSec", value: events / seconds, unit: "events/s" });
		progress(`${subject}: ${Math.round(events / seconds).toLocaleString("en-US")} events/s`);
	};

	progress(`${BASELINE}: posting`);
	const noop = await startNoop();
	try {
		add(BASELINE, await overHttp(noop, warm, timed));
	} finally {
		await noop.stop();
	}

	progress("bulwark: posting");
	const data = tempDir("bulwark-bench-ingest-");
	try {
		const bulwark = await startBulwark(data.path);
		try {
			add("bulwark", await overHttp(bulwark, warm, timed));
			const stored = await counterSum(bulwark.url, "bulwark_events_total");
			const expected = events + WARMUP_BATCHES * BATCH;
			if (stored !== expected) throw new Error(`bulwark counted ${stored} accepted events, expected ${expected}`);
			const sample = JSON.parse((timed.at(-1) as string).split("\n")[0] as string) as { actor: string };
			const res = await fetch(`${bulwark.url}/v1/entities/account/${sample.actor}`, {
				headers: { authorization: `Bearer ${BENCH_KEY}` },
			});
			if (!res.ok) throw new Error(`GET /v1/entities/account/${sample.actor} answered ${res.status}`);
		} finally {
			await bulwark.stop();
		}
	} finally {
		data.remove();
	}

	progress("bulwark-in-process: submitting");
	add("bulwark-in-process", await inProcess(warm, timed));
	return { name: "ingest", machine: machine(), baseline: BASELINE, results };
}

export default {
	name: "ingest",
	description: "POST /v1/events/batch (NDJSON, 1,000 a batch, 2 in flight): events/s durably stored",
	run,
	targets: (r) => [
		{
			text: `≥ 30,000 events/s durably stored over HTTP (measured ${Math.round(metricValue(r, "bulwark", "eventsPerSec")).toLocaleString("en-US")})`,
			met: metricValue(r, "bulwark", "eventsPerSec") >= 30_000,
		},
	],
} satisfies Benchmark;
