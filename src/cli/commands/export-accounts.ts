import { createReadStream, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { AUTOMATED_ROLES } from "../../app/behaviour-sim.ts";
import { parseTruth, simulatorTruthOf } from "../../core/backtest/index.ts";
import { type BulwarkEvent, validateEvent } from "../../core/events/index.ts";
import {
	type PlatformSnapshot,
	platformSnapshots,
	USER_OBJECT_COLUMNS,
	userObjectRow,
} from "../../core/ml/accounts/platform.ts";
import { Simulation } from "../../simulator/index.ts";
import type { Command, Flags } from "../main.ts";
import { table } from "../table.ts";

const USAGE = "export accounts --events FILE --out FILE.csv [--labels FILE] [--moments scoring|end]";

/** What an export wrote. */
export interface ExportSummary {
	out: string;
	events: number;
	accounts: number;
	rows: number;
	/** Labelled rows by label: humans (0) and bots (1). */
	humans: number;
	bots: number;
	moments: "scoring" | "end";
}

export const exportAccountsCommand: Command = {
	usage: USAGE,
	summary:
		"writes the platform's accounts, replayed from an NDJSON events file, as user-object CSV rows (with the reviewed ones' labels) for `eval accounts --data` and `train accounts --platform`",
	options: {
		events: { type: "string" },
		out: { type: "string" },
		labels: { type: "string" },
		moments: { type: "string" },
	},
	async run(pos, flags) {
		if (pos.length > 1 || typeof flags.events !== "string" || typeof flags.out !== "string") {
			process.stderr.write(
				`give the events and where to write: --events FILE (NDJSON, as bulwark simulate --out writes) --out FILE.csv\nusage: bulwark ${USAGE}\n`,
			);
			return 2;
		}
		const s = await exportAccounts(flags, (m) => {
			if (!flags.json) process.stderr.write(`${m}\n`);
		});
		if (flags.json) process.stdout.write(`${JSON.stringify(s)}\n`);
		else
			process.stdout.write(
				`${table(
					["out", "events", "accounts", "rows", "humans", "bots", "moments"],
					[[s.out, s.events, s.accounts, s.rows, s.humans, s.bots, s.moments]],
				)}\n`,
			);
		return 0;
	},
};

/**
 * The labels of the reviewed accounts: a labels file as `backtest --truth` takes them (lines of
 * `account,ID,1` for a bot and `account,ID,0` for a human, or the NDJSON form; accounts not listed
 * are left out), or the simulator's truth file (`simulate --truth`: its automated accounts -
 * spam bots, amplification rings and farms - are bots, every other account a human).
 */
export function readAccountLabels(file: string): (id: string) => 0 | 1 | undefined {
	const text = readFileSync(file, "utf8");
	const sim = simulatorTruthOf(text);
	if (sim) return (id) => (AUTOMATED_ROLES.has(sim.accounts[id]?.role ?? "organic") ? 1 : 0);
	const labels = parseTruth(text).accountLabels;
	if (!labels?.size) throw new Error(`${file}: no account labels (expected lines of account,ID,LABEL)`);
	return (id) => labels.get(id);
}

/** Reads the events (every bad line reported with its problems), replays them and writes the CSV. */
export async function exportAccounts(flags: Flags, progress: (m: string) => void): Promise<ExportSummary> {
	const file = String(flags.events);
	const out = String(flags.out);
	const moments = (flags.moments ?? "scoring") as string;
	if (moments !== "scoring" && moments !== "end") throw new Error(`--moments is scoring or end, got "${moments}"`);
	if (!statSync(file, { throwIfNoEntry: false })?.isFile()) throw new Error(`events file ${file} not found`);
	const labelOf = typeof flags.labels === "string" ? readAccountLabels(flags.labels) : undefined;
	const events = await readEvents(file, progress);
	const { text, ...counts } = platformCsv(events, moments, labelOf);
	// Written beside the target and renamed: a failed run leaves no half file.
	const tmp = `${out}.tmp-${process.pid}`;
	writeFileSync(tmp, text);
	renameSync(tmp, out);
	progress(`wrote ${counts.rows} rows of ${counts.accounts} accounts to ${out}`);
	return { out, events: events.length, ...counts, moments };
}

/**
 * The CSV text of the accounts in `events` (in time order) at the moments asked, with a label
 * column when `labelOf` is given (an account it has no label for is left out).
 */
export function platformCsv(
	events: readonly BulwarkEvent[],
	moments: "scoring" | "end",
	labelOf?: (id: string) => 0 | 1 | undefined,
): { text: string; accounts: number; rows: number; humans: number; bots: number } {
	const header = [...USER_OBJECT_COLUMNS, ...(labelOf ? ["label"] : [])].join(",");
	const lines: string[] = [`${header}\n`];
	const ids = new Set<string>();
	let humans = 0;
	let bots = 0;
	for (const s of platformSnapshots(events, { moments }) as Iterable<PlatformSnapshot>) {
		const label = labelOf?.(s.id);
		if (labelOf && label === undefined) continue; // not reviewed
		lines.push(userObjectRow(s, label));
		ids.add(s.id);
		if (label === 0) humans++;
		else if (label === 1) bots++;
	}
	return { text: lines.join(""), accounts: ids.size, rows: lines.length - 1, humans, bots };
}

/** What `--platform sim:SEED` simulates: the platform the shipped model's stream forest is trained on. */
export const SIMULATED_PLATFORM = { accounts: 3_000, durationMs: 24 * 3_600_000 } as const;

/**
 * A simulated platform's reviewed accounts, as `bulwark simulate --seed SEED --accounts 3000
 * --duration 24h` then `export accounts --labels TRUTH` write them: every account labelled from
 * the simulator's truth, at the detector's scoring moments.
 */
export function simulatedPlatformCsv(seed: number): ReturnType<typeof platformCsv> {
	const sim = new Simulation({ seed, ...SIMULATED_PLATFORM });
	const events = [...sim.events()] as BulwarkEvent[];
	const roles = sim.truth().accounts as Record<string, { role?: string }>;
	return platformCsv(events, "scoring", (id) => (AUTOMATED_ROLES.has(String(roles[id]?.role ?? "organic")) ? 1 : 0));
}

/** The events of an NDJSON file, in file order; throws listing the first bad lines. */
async function readEvents(file: string, progress: (m: string) => void): Promise<BulwarkEvent[]> {
	const events: BulwarkEvent[] = [];
	const problems: string[] = [];
	let line = 0;
	for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY })) {
		line++;
		if (text.trim() === "") continue;
		let v: unknown;
		try {
			v = JSON.parse(text);
		} catch (err) {
			problems.push(`${file}:${line}: not JSON: ${(err as Error).message}`);
			continue;
		}
		const r = validateEvent(v);
		if (r.ok) events.push(r.event);
		else problems.push(`${file}:${line}: ${r.problems.map((p) => `${p.pointer || "/"} ${p.message}`).join("; ")}`);
		if (line % 500_000 === 0) progress(`read ${line} lines`);
	}
	if (problems.length)
		throw new Error(
			`${problems.length} bad event line(s):\n  ${problems.slice(0, 10).join("\n  ")}${problems.length > 10 ? "\n  ..." : ""}`,
		);
	events.sort((a, b) => a.ts - b.ts);
	return events;
}
