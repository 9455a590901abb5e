import { createReadStream, statSync } from "node:fs";
import { createInterface } from "node:readline";
import type { Outcome } from "../../core/pipeline/index.ts";
import { BulwarkClient } from "../client.ts";
import { openDataFolderForWriting } from "../local.ts";
import type { Command } from "../main.ts";
import { Progress } from "../progress.ts";
import { table } from "../table.ts";

interface Summary {
	file: string;
	lines: number;
	accepted: number;
	duplicates: number;
	rejected: number;
	verdicts: Record<string, number>;
	seconds: number;
	eventsPerSec: number;
	firstProblems: { line: number; pointer: string; message: string }[];
}

type LineResult = { status: string; verdict?: string; problems?: { pointer: string; message: string }[] };
type Sender = (lines: string[]) => Promise<LineResult[]>;

export const ingestCommand: Command = {
	usage: "ingest FILE [--target URL --api-key K | --data DIR] [--batch N]",
	summary: "send an NDJSON file of events to a server, or process it in-process",
	options: {
		target: { type: "string" },
		"api-key": { type: "string" },
		data: { type: "string" },
		batch: { type: "string" },
	},
	async run(pos, flags) {
		const file = pos[0];
		if (!file) throw new Error("give the NDJSON file to ingest: bulwark ingest FILE");
		const batchSize = Number(flags.batch ?? 1000);
		if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error("--batch must be a whole number ≥ 1");
		let send: Sender;
		let done: () => Promise<void> = async () => {};
		if (typeof flags.target === "string") {
			const key = (flags["api-key"] as string | undefined) ?? process.env.BULWARK_API_KEY;
			if (!key) throw new Error("--target needs --api-key KEY (or BULWARK_API_KEY)");
			const client = new BulwarkClient(flags.target, key);
			send = async (lines) =>
				(
					await client.request<{ results: LineResult[] }>(
						"POST",
						"/v1/events/batch",
						lines.join("\n"),
						"application/x-ndjson",
					)
				).results;
		} else {
			const { bw, close } = await openDataFolderForWriting(flags.data as string | undefined);
			send = async (lines) => (await bw.processor.submit(lines, { source: "cli" })).map(toLineResult);
			done = close;
		}
		try {
			const summary = await ingest(file, batchSize, send);
			if (flags.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
			else print(summary);
			return summary.rejected > 0 ? 1 : 0;
		} finally {
			await done();
		}
	},
};

function toLineResult(o: Outcome): LineResult {
	return o.status === "rejected"
		? { status: o.status, problems: o.problems }
		: { status: o.status, verdict: o.decision.verdict };
}

async function ingest(file: string, batchSize: number, send: Sender): Promise<Summary> {
	const size = statSync(file).size;
	const stream = createReadStream(file);
	const progress = new Progress(size, "events");
	const s: Summary = {
		file,
		lines: 0,
		accepted: 0,
		duplicates: 0,
		rejected: 0,
		verdicts: {},
		seconds: 0,
		eventsPerSec: 0,
		firstProblems: [],
	};
	const t0 = performance.now();
	let batch: string[] = [];
	let lineNos: number[] = [];
	let lineNo = 0;
	let inFlight: Promise<void> = Promise.resolve();
	const flush = async (lines: string[], nos: number[]) => {
		const results = await send(lines);
		results.forEach((r, i) => {
			if (r.status === "accepted") s.accepted++;
			else if (r.status === "duplicate") s.duplicates++;
			else {
				s.rejected++;
				for (const p of r.problems ?? [])
					if (s.firstProblems.length < 10) s.firstProblems.push({ line: nos[i] as number, ...p });
			}
			if (r.verdict) s.verdicts[r.verdict] = (s.verdicts[r.verdict] ?? 0) + 1;
		});
		progress.update(
			stream.bytesRead,
			s.accepted + s.duplicates + s.rejected,
			s.rejected ? `${s.rejected} rejected` : "",
		);
	};
	// Two batches in flight at most: one being read, one being processed.
	for await (const line of createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY })) {
		lineNo++;
		if (!line.trim()) continue;
		batch.push(line);
		lineNos.push(lineNo);
		if (batch.length >= batchSize) {
			const [lines, nos] = [batch, lineNos];
			batch = [];
			lineNos = [];
			await inFlight;
			inFlight = flush(lines, nos);
			inFlight.catch(() => {}); // awaited (and rethrown) before the next batch
		}
	}
	await inFlight;
	if (batch.length) await flush(batch, lineNos);
	s.lines = lineNo;
	s.seconds = Math.round((performance.now() - t0) / 10) / 100;
	s.eventsPerSec = s.seconds > 0 ? Math.round((s.accepted + s.duplicates + s.rejected) / s.seconds) : 0;
	progress.finish(size, s.accepted + s.duplicates + s.rejected, s.rejected ? `${s.rejected} rejected` : "");
	return s;
}

function print(s: Summary): void {
	const rows: (string | number)[][] = [
		["accepted", s.accepted],
		["duplicates (answered with the original decision)", s.duplicates],
		["rejected (kept as dead letters)", s.rejected],
		...Object.entries(s.verdicts).map(([v, n]) => [`verdict ${v}`, n]),
		["events/s", s.eventsPerSec],
	];
	process.stdout.write(`${table(["", "count"], rows)}\n`);
	if (s.firstProblems.length) {
		process.stdout.write(`\nfirst problems (see GET /v1/deadletters to inspect and replay):\n`);
		for (const p of s.firstProblems) process.stdout.write(`  line ${p.line} ${p.pointer || "/"}: ${p.message}\n`);
	}
}
