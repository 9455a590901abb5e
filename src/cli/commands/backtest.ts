import { readFileSync, statSync } from "node:fs";
import { isAbsolute, relative } from "node:path";
import { runBacktest } from "../../app/backtest.ts";
import { defaultRulesDir, loadRulesDir } from "../../app/rules.ts";
import {
	type BacktestReport,
	backtestReport,
	matches,
	parseTruth,
	type RuleReport,
} from "../../core/backtest/index.ts";
import type { Command, Flags } from "../main.ts";
import { Progress } from "../progress.ts";
import { isoTime, table } from "../table.ts";

const USAGE = "backtest --events FILE [--rules DIR] [--truth FILE] [--from T] [--to T] [--rule NAME,...]";

export const backtestCommand: Command = {
	usage: USAGE,
	summary: "replay an NDJSON events file through a rules pack: per-rule hits and, with truth, precision/recall",
	options: {
		events: { type: "string" },
		rules: { type: "string" },
		truth: { type: "string" },
		from: { type: "string" },
		to: { type: "string" },
		rule: { type: "string" },
	},
	async run(pos, flags) {
		if (typeof flags.events !== "string" || pos.length) {
			process.stderr.write(
				`give the events to replay: --events FILE (NDJSON, as bulwark simulate --out writes)\nusage: bulwark ${USAGE}\n`,
			);
			return 2;
		}
		const file = flags.events;
		if (!statSync(file, { throwIfNoEntry: false })?.isFile()) throw new Error(`events file ${file} not found`);
		const dir = typeof flags.rules === "string" ? flags.rules : defaultRulesDir();
		if (!dir || dir === "none") throw new Error("give a rules folder to backtest: --rules DIR");
		const from = time(flags, "from");
		const to = time(flags, "to");
		if (from !== undefined && to !== undefined && to <= from) throw new Error("--to must be after --from");
		// Rules and truth first: a pack that does not compile or a truth file that cannot be
		// read stops before any event is replayed.
		const rules = loadRulesDir(dir);
		for (const w of rules.warnings) process.stderr.write(`${w}\n`);
		const truth = typeof flags.truth === "string" ? parseTruth(readFileSync(flags.truth, "utf8")) : undefined;
		const only =
			typeof flags.rule === "string"
				? ruleFilter(
						flags.rule,
						rules.pack.rules.map((r) => r.name),
					)
				: undefined;

		let total = statSync(file).size;
		let progress = new Progress(total, "events");
		const { stats, tally } = await runBacktest({
			rules,
			file,
			...(from !== undefined ? { from } : {}),
			...(to !== undefined ? { to } : {}),
			onProgress: (p) => {
				if (p.note) {
					process.stderr.write(`${process.stderr.isTTY ? "\n" : ""}${p.note}\n`);
					total = p.total;
					progress = new Progress(total, "events");
					return;
				}
				progress.update(p.done, p.events);
			},
		});
		progress.finish(total, stats.events + stats.warmup);
		const report = backtestReport(stats, tally, { dir: rules.dir, version: rules.version }, truth, only);
		process.stdout.write(`${flags.json ? JSON.stringify(report) : formatBacktest(report, file)}\n`);
		return 0;
	},
};

/** `--from` / `--to`: an ISO time or milliseconds since the epoch. */
function time(flags: Flags, name: string): number | undefined {
	const v = flags[name];
	if (typeof v !== "string") return undefined;
	const t = /^-?\d+$/.test(v) ? Number(v) : Date.parse(v);
	if (!Number.isFinite(t)) throw new Error(`--${name} needs an ISO time (2027-01-15T01:00Z) or milliseconds`);
	return t;
}

function ruleFilter(arg: string, known: readonly string[]): Set<string> {
	const names = arg
		.split(",")
		.map((s) => s.trim())
		.filter(Boolean);
	const unknown = names.filter((n) => !known.includes(n));
	if (unknown.length)
		throw new Error(
			`--rule: no rule named ${unknown.map((n) => `\`${n}\``).join(", ")} in the pack (it has: ${known.join(", ")})`,
		);
	return new Set(names);
}

/** Relative to the working directory when under it, else as given. */
function shortPath(p: string): string {
	const rel = relative(process.cwd(), p);
	return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : p;
}

const pct = (x: number | null | undefined) => (x === null || x === undefined ? "–" : `${(x * 100).toFixed(1)}%`);
const n = (x: number) => x.toLocaleString("en-US");

/** The report for people: what was replayed, one row per rule and one for the pack, then effects. */
export function formatBacktest(r: BacktestReport, file: string): string {
	const out: string[] = [];
	const span = r.firstTs === null ? "" : ` (${isoTime(r.firstTs)} to ${isoTime(r.lastTs)})`;
	out.push(
		`${n(r.events)} events from ${file}${span}, rules ${r.rulesVersion} (${shortPath(r.rulesDir)}), ${(r.tookMs / 1000).toFixed(1)}s, ${n(r.eventsPerSec)} events/s`,
	);
	const notes = [
		r.warmup ? `${n(r.warmup)} before --from replayed to fill the windows, not counted` : "",
		r.afterTo ? `${n(r.afterTo)} at or after --to not replayed` : "",
		r.duplicates ? `${n(r.duplicates)} duplicate ids not decided again` : "",
		r.sorted ? "the file was not in time order: replayed sorted by ts" : "",
	].filter(Boolean);
	if (notes.length) out.push(notes.join("; "));
	if (r.invalid) {
		out.push(`${n(r.invalid)} invalid line${r.invalid === 1 ? "" : "s"} skipped:`);
		for (const l of r.invalidLines.slice(0, 10)) out.push(`  line ${l.line} ${l.reason}: ${l.problems.join("; ")}`);
		if (r.invalid > 10) out.push(`  ... (--json lists the first ${r.invalidLines.length})`);
	}
	out.push("");

	const withTruth = r.truth !== undefined;
	const headers = ["rule", "mode", "hits", "shadow", "held back", "errors", "entities", "actions"];
	if (withTruth) headers.push("precision", "recall", "F1", "posts P / R", "top threat (recall)");
	const row = (name: string, mode: string, x: RuleReport | BacktestReport["pack"]) => {
		const cells: (string | number)[] = [name, mode, x.hits, x.shadowHits, x.heldBack, x.errors, x.entities, x.actions];
		if (withTruth) {
			const s = x.score;
			const top = s?.topThreat ? `${s.topThreat} (${pct(s.threats[s.topThreat]?.recall)})` : "–";
			cells.push(
				pct(x.precision),
				pct(x.recall),
				pct(x.f1),
				s?.posts ? `${pct(s.posts.precision)} / ${pct(s.posts.recall)}` : "",
				top,
			);
		}
		return cells;
	};
	const rows = r.rules.map((x) => row(x.rule, x.mode, x));
	rows.push(row("pack", "", r.pack));
	out.push(table(headers, rows));
	out.push(
		"(hits: events a rule fired on; shadow, held back: events it matched on without applying anything; entities: distinct targets of its effects over every match; actions: audit rows its fired effects wrote. The pack row counts events on which any rule did so, and the entities and actions of the rules that fired.)",
	);
	if (r.truth) {
		out.push(
			`(truth: ${n(r.truth.badAccounts)} bad accounts, ${n(r.truth.badPosts)} bad posts from the ${r.truth.source} file; precision, recall and F1 at accounts level: the accounts a rule's matches aimed at plus the authors of the posts they aimed at; a rule's row counts every match, the pack row only what fired)`,
		);
		const threats = r.truth.threats;
		if (threats.length) {
			out.push("", "recall by threat (accounts):");
			const trows = [...r.rules.filter((x) => matches(x) > 0), { ...r.pack, rule: "pack" }].map((x) => [
				x.rule,
				...threats.map((t) => pct(x.score?.threats[t]?.recall)),
			]);
			const bad = ["bad accounts", ...threats.map((t) => n(r.pack.score?.threats[t]?.bad ?? 0))];
			out.push(table(["rule", ...threats], [...trows, bad]));
		}
	}
	const effects = r.rules.filter((x) => Object.keys(x.effects).length);
	if (effects.length) {
		out.push("", "effects asked for (every match):");
		for (const x of effects) {
			const list = Object.entries(x.effects)
				.sort((a, b) => b[1] - a[1])
				.map(([k, c]) => `${k} ×${n(c)}`)
				.join(", ");
			out.push(`  ${x.rule}: ${list}`);
		}
	}
	const errored = r.rules.filter((x) => x.errors);
	if (errored.length) {
		out.push("", "errors (first of each rule):");
		for (const x of errored) out.push(`  ${x.rule}: ${x.firstError ?? ""}`);
	}
	return out.join("\n");
}
