// `npm run bench -- NAME [--json | --markdown] [flags]`: runs bench/NAME.ts and prints its table,
// its one JSON object (progress goes to stderr) or its section of BENCHMARKS.md.
import { readdirSync } from "node:fs";
import { otherLoadMeter, waitForQuiet } from "./lib/other-load.ts";
import { markdown, table } from "./lib/report.ts";
import { type Benchmark, parseFlags } from "./lib/types.ts";

const here = new URL(".", import.meta.url);
/** Cores of other work past which a run's figures are flagged as noisy. */
const NOISY = 0.3;

function available(): string[] {
	return readdirSync(here)
		.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts") && f !== "run.ts")
		.map((f) => f.slice(0, -3))
		.sort();
}

async function load(name: string): Promise<Benchmark> {
	const mod = (await import(`./${name}.ts`)) as { default?: Benchmark };
	if (mod.default?.name !== name) throw new Error(`bench/${name}.ts must export default a benchmark named "${name}"`);
	return mod.default;
}

async function main(argv: string[]): Promise<number> {
	const [name, ...rest] = argv;
	const names = available();
	if (!name || !names.includes(name)) {
		if (name) process.stderr.write(`unknown benchmark "${name}"\n`);
		process.stderr.write(
			"usage: npm run bench -- NAME [--json | --markdown] [--quiet-wait S] [flags]\n\nbenchmarks:\n",
		);
		for (const n of names) process.stderr.write(`  ${n.padEnd(10)} ${(await load(n)).description}\n`);
		return 2;
	}
	const values = parseFlags(rest);
	const bench = await load(name);
	const waitS = Number(values["quiet-wait"] ?? 0);
	const before = await waitForQuiet(Number.isFinite(waitS) ? waitS : 0);
	if (before > NOISY) process.stderr.write(`warning: other processes keep ${before.toFixed(1)} cores busy\n`);
	const meter = otherLoadMeter();
	const result = await bench.run(values);
	const busy = meter();
	if (busy > NOISY)
		process.stderr.write(`warning: other processes kept ${busy.toFixed(1)} cores busy: noisy figures\n`);
	const targets = bench.targets?.(result.results) ?? [];
	if (values.json) {
		process.stdout.write(`${JSON.stringify(result)}\n`);
	} else if (values.markdown) {
		const command = ["npm run bench --", name, ...rest.filter((a) => a !== "--markdown")].join(" ");
		process.stdout.write(`${markdown(result, command, targets, busy)}\n`);
	} else {
		process.stdout.write(`\n${table(result)}\n`);
		process.stdout.write(`other processes kept ${busy.toFixed(2)} cores busy during the run\n`);
		for (const t of targets) process.stdout.write(`${t.met ? "met    " : "NOT MET"}  ${t.text}\n`);
	}
	return 0;
}

main(process.argv.slice(2)).then(
	(code) => process.exit(code),
	(err: unknown) => {
		process.stderr.write(`\nbenchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
		process.exit(1);
	},
);
