/** One measured figure. */
export interface Result {
	subject: string;
	metric: string;
	value: number;
	unit: string;
}

export interface Machine {
	cpus: number;
	cpuModel: string;
	memGiB: number;
	node: string;
	os: string;
}

/** What `--json` prints: one object, the same shape for every benchmark. */
export interface BenchResult {
	name: string;
	machine: Machine;
	/** The subject every other one is compared with, measured in the same run. */
	baseline: string;
	results: Result[];
}

/** A target stated in BENCHMARKS.md, checked against a run's results. */
export interface TargetCheck {
	text: string;
	met: boolean;
}

/** Flags after the benchmark's name: `--duration 5` -> `{ duration: "5" }`, `--json` -> `{ json: true }`. */
export type Args = Record<string, string | boolean | undefined>;

/** A benchmark module: bench/NAME.ts exports these, with `name` equal to NAME. */
export interface Benchmark {
	name: string;
	description: string;
	run(args: Args): Promise<BenchResult>;
	targets?(results: readonly Result[]): TargetCheck[];
}

/** `--a 1 --b=2 --c` -> `{ a: "1", b: "2", c: true }`; a lone word that follows no flag is an error. */
export function parseFlags(argv: readonly string[]): Args {
	const out: Args = {};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i] as string;
		if (!arg.startsWith("--")) throw new Error(`unexpected argument "${arg}" (flags are --name value)`);
		const eq = arg.indexOf("=");
		if (eq > 0) out[arg.slice(2, eq)] = arg.slice(eq + 1);
		else if (i + 1 < argv.length && !(argv[i + 1] as string).startsWith("--")) out[arg.slice(2)] = argv[++i];
		else out[arg.slice(2)] = true;
	}
	return out;
}

/** A positive number flag, or the default when absent; anything else throws. */
export function numArg(args: Args, key: string, dflt: number): number {
	const raw = args[key];
	if (raw === undefined) return dflt;
	const n = Number(raw);
	if (typeof raw !== "string" || !Number.isFinite(n) || n <= 0) throw new Error(`--${key} needs a number > 0`);
	return n;
}

/** The value of one subject's metric; throws when the run did not produce it. */
export function metricValue(results: readonly Result[], subject: string, metric: string): number {
	const r = results.find((x) => x.subject === subject && x.metric === metric);
	if (!r) throw new Error(`no result for ${subject} ${metric}`);
	return r.value;
}

/** Progress for humans, on stderr so that `--json` keeps stdout to the one object. */
export function progress(msg: string): void {
	process.stderr.write(`${msg}\n`);
}
