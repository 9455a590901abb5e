// Generation throughput of the simulator, in-process: events/s of `Simulation.events()` against
// a trivial loop that builds the same number of plain event objects in the same run, and the
// memory the simulation holds for `--accounts` accounts (heapUsed + arrayBuffers).

import { machine } from "./lib/machine.ts";
import {
	type Args,
	type Benchmark,
	type BenchResult,
	metricValue,
	numArg,
	progress,
	type Result,
} from "./lib/types.ts";

const BASELINE = "plain-objects";
const TARGET = 200_000;

function baseline(count: number): number {
	const t0 = performance.now();
	let sink = 0;
	for (let i = 0; i < count; i++) {
		const e = {
			id: `b${i.toString(36)}`,
			type: "post.liked",
			ts: 1_800_000_000_000 + i,
			actor: `u${(i % 1000).toString(36)}`,
			data: { postId: `p${i.toString(36)}`, authorId: "u1" },
			context: { ip: "10.0.0.1", deviceId: "d1", country: "US" },
		};
		sink += e.id.length;
	}
	if (sink < 0) throw new Error("unreachable");
	return (performance.now() - t0) / 1000;
}

function memMiB(): number {
	const m = process.memoryUsage();
	return (m.heapUsed + m.arrayBuffers) / 1024 ** 2;
}

async function run(args: Args): Promise<BenchResult> {
	const { Simulation } = await import("../src/simulator/index.ts");
	const accounts = Math.round(numArg(args, "accounts", 100_000));
	const durationMs = numArg(args, "hours", 1) * 3_600_000;
	globalThis.gc?.();
	const before = memMiB();
	progress(`building a platform of ${accounts.toLocaleString("en-US")} accounts`);
	const b0 = performance.now();
	const sim = new Simulation({ seed: 42, accounts, durationMs });
	const buildS = (performance.now() - b0) / 1000;
	progress("generating");
	let count = 0;
	let peak = 0;
	const t0 = performance.now();
	for (const e of sim.events()) {
		count++;
		if ((count & 0x3ffff) === 0) {
			peak = Math.max(peak, memMiB());
			progress(`  ${count.toLocaleString("en-US")} events, simulated ${new Date(e.ts).toISOString()}`);
		}
	}
	const seconds = (performance.now() - t0) / 1000;
	peak = Math.max(peak, memMiB());
	const baseS = baseline(count);
	const results: Result[] = [
		{ subject: "simulate", metric: "generation", value: count / seconds, unit: "events/s" },
		{ subject: BASELINE, metric: "generation", value: count / baseS, unit: "events/s" },
		{ subject: "simulate", metric: "events", value: count, unit: "events" },
		{ subject: "simulate", metric: "build", value: buildS, unit: "s" },
		{ subject: "simulate", metric: `memory at ${accounts} accounts`, value: peak - before, unit: "MiB" },
	];
	return { name: "simulate", machine: machine(), baseline: BASELINE, results };
}

const bench: Benchmark = {
	name: "simulate",
	description: "simulator generation throughput (events/s) and memory (--accounts N, --hours H)",
	run,
	targets: (r) => {
		const v = metricValue(r, "simulate", "generation");
		return [
			{
				text: `generation ≥ ${TARGET.toLocaleString("en-US")} events/s (${Math.round(v).toLocaleString("en-US")})`,
				met: v >= TARGET,
			},
		];
	},
};
export default bench;
