// Bot model scoring, in-process, one core: accounts/s and p50/p99 µs per account of `score()`
// (profile -> features -> trees -> calibrated score) with the shipped models/bot, on the user
// objects of ../shared/data/accounts (Cresci 2015 and 2017; synthetic accounts when that folder
// is absent), against `baseline-generic` (the same trees walked through the general node arrays
// instead of the compiled complete-tree layout) and the two halves (features alone, trees
// alone), and the platform forest the stream serves (`bot (stream)`). Also load time and artifact size; with `--train`, the training time of the recipe on
// all shared sets (what `bulwark train accounts --model bot` runs).

import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
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

const BASELINE = "baseline-generic";
const TARGET = 100_000;

/** Throughput over `rounds` passes after a warm-up pass, and per-call latencies of one more pass. */
function measure(n: number, rounds: number, f: (i: number) => number): { perS: number; lat: Float64Array } {
	let sink = 0;
	for (let i = 0; i < n; i++) sink += f(i);
	const t0 = performance.now();
	for (let r = 0; r < rounds; r++) for (let i = 0; i < n; i++) sink += f(i);
	const perS = (n * rounds) / ((performance.now() - t0) / 1000);
	const lat = new Float64Array(n);
	for (let i = 0; i < n; i++) {
		const a = performance.now();
		sink += f(i);
		lat[i] = (performance.now() - a) * 1000;
	}
	if (Number.isNaN(sink)) throw new Error("unreachable");
	return { perS, lat: lat.sort() };
}

const pct = (s: Float64Array, p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] as number;

async function run(args: Args): Promise<BenchResult> {
	const { loadAccountSet } = await import("../src/core/ml/accounts/data.ts");
	const { loadBotModel } = await import("../src/core/ml/accounts/model.ts");
	const { FEATURE_COUNT } = await import("../src/core/ml/accounts/profile.ts");
	const { syntheticAccounts } = await import("../src/core/ml/accounts/synthetic.ts");
	const { packageRoot, trainingDataDir } = await import("../src/core/ml/text/data.ts");
	const rounds = Math.round(numArg(args, "rounds", 5));
	const shared = join(trainingDataDir(), "accounts");
	const have = existsSync(shared);
	const rows = have
		? [...loadAccountSet(shared, "cresci2017").rows, ...loadAccountSet(shared, "cresci2015").rows]
		: syntheticAccounts(8_000, 1);
	const profiles = rows.map((r) => r.profile);
	progress(`${profiles.length} accounts (${have ? shared : "synthetic"}), ${rounds} rounds`);
	const dir = join(packageRoot(), "models", "bot");
	const l0 = performance.now();
	const m = loadBotModel(dir);
	const loadMs = performance.now() - l0;
	const n = profiles.length;
	const d = FEATURE_COUNT;
	const x = new Float64Array(n * d);
	profiles.forEach((p, i) => {
		m.features(p, x.subarray(i * d, (i + 1) * d));
	});
	const buf = new Float64Array(d);
	const results: Result[] = [];
	const add = (subject: string, r: { perS: number; lat: Float64Array }) => {
		results.push({ subject, metric: "throughput", value: r.perS, unit: "accounts/s" });
		results.push({ subject, metric: "p50", value: pct(r.lat, 0.5), unit: "µs" });
		results.push({ subject, metric: "p99", value: pct(r.lat, 0.99), unit: "µs" });
	};
	progress(`scoring with bot (${m.forest.trees} trees)`);
	add(
		"bot",
		measure(n, rounds, (i) => m.score(profiles[i] as (typeof profiles)[number])),
	);
	// What the stream serves: the platform's forest (`stream.bin`), when the model has one.
	const served = m.hasStream ? m.forStream() : null;
	if (served && m.streamForest) {
		progress(`scoring with the platform forest (${m.streamForest.trees} trees)`);
		add(
			"bot (stream)",
			measure(n, rounds, (i) => served.score(profiles[i] as (typeof profiles)[number])),
		);
	}
	add(
		"features only",
		measure(n, rounds, (i) => m.features(profiles[i] as (typeof profiles)[number], buf)[0] as number),
	);
	add(
		"trees only",
		measure(n, rounds, (i) => m.scoreFeatures(x, i * d)),
	);
	add(
		BASELINE,
		measure(n, rounds, (i) => m.forest.margin(m.features(profiles[i] as (typeof profiles)[number], buf))),
	);
	results.push({ subject: "bot", metric: "load", value: loadMs, unit: "ms" });
	const bytes =
		statSync(join(dir, "forest.bin")).size +
		statSync(join(dir, "model.json")).size +
		(m.hasStream ? statSync(join(dir, "stream.bin")).size : 0);
	results.push({ subject: "bot", metric: "artifact", value: bytes / 1024 ** 2, unit: "MiB" });
	results.push({ subject: "bot", metric: "trees", value: m.forest.trees, unit: "trees" });
	if (args.train && have) {
		const { ACCOUNT_SET_NAMES } = await import("../src/core/ml/accounts/data.ts");
		const { DEFAULT_RECIPE, trainBotModel } = await import("../src/core/ml/accounts/train.ts");
		const all = ACCOUNT_SET_NAMES.flatMap((s) => loadAccountSet(shared, s).rows);
		progress(`training the recipe on ${all.length} accounts`);
		const t = trainBotModel(all, DEFAULT_RECIPE, progress);
		results.push({ subject: "training", metric: "time", value: t.report.trainMs / 1000, unit: "s" });
		results.push({ subject: "training", metric: "rows", value: t.report.trainRows, unit: "accounts" });
	}
	return { name: "accounts", machine: machine(), baseline: BASELINE, results };
}

const bench: Benchmark = {
	name: "accounts",
	description: "bot model scoring: accounts/s and µs per account, one core (--train: training time too)",
	run,
	targets(results) {
		return ["bot", "bot (stream)"].flatMap((subject) => {
			if (!results.some((r) => r.subject === subject && r.metric === "throughput")) return [];
			const v = metricValue(results, subject, "throughput");
			return [
				{
					text: `${subject} scoring >= ${TARGET.toLocaleString("en-US")} accounts/s per core (${Math.round(v).toLocaleString("en-US")})`,
					met: v >= TARGET,
				},
			];
		});
	},
};
export default bench;
