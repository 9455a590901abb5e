import { codeVersion, machineLine } from "./machine.ts";
import type { BenchResult, Result, TargetCheck } from "./types.ts";

type Row = [string, string, string, string, string];

/** Rows of the table; the ratio column is the value over the baseline's value for the same metric. */
function rows(r: BenchResult): Row[] {
	return r.results.map((x) => {
		const base =
			x.subject === r.baseline ? undefined : r.results.find((b) => b.subject === r.baseline && b.metric === x.metric);
		const ratio = base && base.value !== 0 ? `${(x.value / base.value).toFixed(2)}×` : "";
		return [x.subject, x.metric, formatValue(x), x.unit, ratio];
	});
}

function formatValue(x: Result): string {
	if (Math.abs(x.value) >= 100) return Math.round(x.value).toLocaleString("en-US");
	return x.value.toFixed(x.value >= 10 ? 1 : 2);
}

function header(r: BenchResult): Row {
	return ["subject", "metric", "value", "unit", `vs ${r.baseline}`];
}

/** The human table, padded, with the machine line above it. */
export function table(r: BenchResult): string {
	const all = [header(r), ...rows(r)];
	const widths = header(r).map((_, i) => Math.max(...all.map((row) => (row[i] as string).length)));
	const line = (row: Row) =>
		row
			.map((cell, i) => (i === 2 || i === 4 ? cell.padStart(widths[i] as number) : cell.padEnd(widths[i] as number)))
			.join("  ")
			.trimEnd();
	const rule = widths.map((w) => "-".repeat(w)).join("  ");
	return [`${r.name} on ${machineLine(r.machine)}`, "", line(header(r)), rule, ...rows(r).map(line)].join("\n");
}

/** The section of BENCHMARKS.md for this run: command, date, machine, table and targets. */
export function markdown(r: BenchResult, command: string, targets: TargetCheck[], otherLoad: number): string {
	const mdRow = (row: Row) => `| ${row.join(" | ")} |`;
	const out = [
		`## ${r.name}`,
		"",
		`- Command: \`${command}\``,
		`- Date: ${new Date().toISOString().slice(0, 10)}, code ${codeVersion()}`,
		`- Machine: ${machineLine(r.machine)}`,
		`- Other processes kept ${otherLoad.toFixed(2)} of ${r.machine.cpus} cores busy during the run`,
		"",
		mdRow(header(r)),
		"| --- | --- | ---: | --- | ---: |",
		...rows(r).map(mdRow),
	];
	if (targets.length) {
		out.push("", "Targets:", "");
		for (const t of targets) out.push(`- ${t.met ? "**met**" : "**not met**"}: ${t.text}`);
	}
	return out.join("\n");
}
