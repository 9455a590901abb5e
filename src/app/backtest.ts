import { createReadStream, statSync } from "node:fs";
import { createInterface } from "node:readline";
import { MemoryStateStore } from "../adapters/state/memory/index.ts";
import { BacktestTally, type ReplayStats } from "../core/backtest/index.ts";
import type { Decision } from "../core/decisions/index.ts";
import { velocityDetector } from "../core/detectors/index.ts";
import { DEFAULT_FEATURES, FeatureCatalog } from "../core/features/index.ts";
import { type CommitBatch, type EventStore, Processor, RulesHolder } from "../core/pipeline/index.ts";
import { systemClock } from "../core/shared/index.ts";
import { RULES_ONLY } from "./bulwark.ts";
import type { LoadedRules } from "./rules.ts";

export interface BacktestOptions {
	/** The compiled pack (`loadRulesDir`): its rules, version and windowed features. */
	rules: Pick<LoadedRules, "pack" | "version" | "features">;
	/** An NDJSON file of events, one a line (what `bulwark simulate --out` writes). */
	file: string;
	/** Event time (ms): events before it fill the windows and the state but are not counted. */
	from?: number;
	/** Event time (ms): events at or after it are not replayed. */
	to?: number;
	/** Events per submit to the event path (default 1,000, as `bulwark ingest` sends). */
	batchSize?: number;
	/**
	 * Called after each batch: `done` of `total` (bytes of the file; lines when replaying sorted)
	 * and the events decided. A `note` says the replay starts over sorted (with the new total).
	 */
	onProgress?: (p: { done: number; total: number; events: number; note?: string }) => void;
}

export interface BacktestRun {
	stats: ReplayStats;
	tally: BacktestTally;
}

/** At most this many invalid lines are listed (all are counted). */
const INVALID_SHOWN = 100;

/**
 * Replays an NDJSON events file through the event path the server runs: the same Processor
 * (validation, deduplication by id, window update with the rules' and detectors' feature
 * queries, velocity detector, both passes of the rules, idempotent enforcement into entity
 * state), wired to in-memory windows and state and to an event store that keeps nothing but
 * the ids it has seen. Nothing is written anywhere. Events run in time order: a file that is
 * not sorted by `ts` is read into memory, sorted (stably) and replayed from the start.
 * @example
 * const { stats, tally } = await runBacktest({ rules: loadRulesDir("rules"), file: "sim.ndjson" });
 * tally.rules(); // [{ rule: "spam_post", hits: 1204, shadowHits: 0, heldBack: 0, ... }]
 */
export async function runBacktest(o: BacktestOptions): Promise<BacktestRun> {
	const t0 = performance.now();
	const total = statSync(o.file).size;
	let run: Replayed;
	let sorted = false;
	const input = createReadStream(o.file);
	try {
		run = await replay(o, readLines(input), { checkOrder: true, progress: () => ({ done: input.bytesRead, total }) });
	} catch (err) {
		input.destroy();
		if (!(err instanceof OutOfOrder)) throw err;
		const lines: Line[] = [];
		for await (const l of readLines(createReadStream(o.file))) lines.push(l);
		// Array#sort is stable: events of the same ms keep the file's order. Lines without a
		// readable ts (invalid anyway) go first.
		const tsOf = (l: Line) => l.ts ?? Number.MIN_SAFE_INTEGER;
		lines.sort((a, b) => tsOf(a) - tsOf(b));
		o.onProgress?.({
			done: 0,
			total: lines.length,
			events: 0,
			note: `line ${err.line} is earlier than a line before it: replaying the file sorted by ts, from the start`,
		});
		let k = 0;
		const counting = function* () {
			for (const l of lines) {
				k++;
				yield l;
			}
		};
		run = await replay(o, counting(), { checkOrder: false, progress: () => ({ done: k, total: lines.length }) });
		sorted = true;
	}
	const tookMs = Math.round(performance.now() - t0);
	const decided = run.events + run.warmup;
	return {
		tally: run.tally,
		stats: {
			lines: run.lines,
			events: run.events,
			warmup: run.warmup,
			afterTo: run.afterTo,
			duplicates: run.duplicates,
			invalid: run.invalid,
			invalidLines: run.invalidLines,
			sorted,
			firstTs: run.firstTs,
			lastTs: run.lastTs,
			tookMs,
			eventsPerSec: tookMs > 0 ? Math.round((decided * 1000) / tookMs) : 0,
		},
	};
}

interface Line {
	no: number;
	text: string;
	/** The event's `ts` when the line parses and has one (else the event path will refuse it). */
	ts: number | undefined;
}

/** One replay's figures as the report states them (less what the caller adds), with its tally. */
interface Replayed extends Omit<ReplayStats, "sorted" | "tookMs" | "eventsPerSec"> {
	tally: BacktestTally;
}

class OutOfOrder extends Error {
	constructor(readonly line: number) {
		super(`line ${line} is out of time order`);
	}
}

/** Non-blank lines with their numbers and `ts`. */
async function* readLines(input: NodeJS.ReadableStream): AsyncGenerator<Line> {
	let no = 0;
	for await (const text of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
		no++;
		if (!text.trim()) continue;
		let ts: number | undefined;
		try {
			const v = JSON.parse(text) as { ts?: unknown } | null;
			if (v && typeof v.ts === "number") ts = v.ts;
		} catch {
			// Not JSON: the event path refuses it below, with its reason.
		}
		yield { no, text, ts };
	}
}

async function replay(
	o: BacktestOptions,
	lines: AsyncIterable<Line> | Iterable<Line>,
	how: { checkOrder: boolean; progress: () => { done: number; total: number } },
): Promise<Replayed> {
	const tally = new BacktestTally(o.rules.pack.rules);
	const r: Replayed = {
		tally,
		lines: 0,
		events: 0,
		warmup: 0,
		afterTo: 0,
		duplicates: 0,
		invalid: 0,
		invalidLines: [],
		firstTs: null,
		lastTs: null,
	};
	const from = o.from ?? Number.NEGATIVE_INFINITY;
	const store = new ReplayStore((batch) => {
		for (const a of batch.events) {
			const counted = a.event.ts >= from;
			tally.add(a.event, a.decision, counted);
			if (!counted) {
				r.warmup++;
				continue;
			}
			r.events++;
			if (r.firstTs === null) r.firstTs = a.event.ts;
			r.lastTs = a.event.ts;
		}
		const actions = [];
		for (const m of batch.mutations) if (m.kind === "action" && m.action.ts >= from) actions.push(m.action);
		if (actions.length) tally.addActions(actions);
	});
	const state = new MemoryStateStore();
	// Wired as openBulwark wires the server with a rules pack (the pack is the policy; the
	// velocity detector gives its signals), with in-memory windows and state.
	const processor = new Processor({
		events: store,
		windows: state,
		entities: state,
		features: new FeatureCatalog([...DEFAULT_FEATURES, ...o.rules.features]),
		detectors: [velocityDetector()],
		policy: RULES_ONLY,
		rules: new RulesHolder({ pack: o.rules.pack, version: o.rules.version }),
		clock: systemClock,
	});

	const size = o.batchSize ?? 1_000;
	let batch: Line[] = [];
	let maxTs = Number.NEGATIVE_INFINITY;
	const flush = async () => {
		const lines = batch;
		batch = [];
		const outcomes = await processor.submit(
			lines.map((l) => l.text),
			{ source: "backtest", deadLetter: false },
		);
		for (const [i, out] of outcomes.entries()) {
			if (out.status === "duplicate") r.duplicates++;
			else if (out.status === "rejected") {
				r.invalid++;
				if (r.invalidLines.length < INVALID_SHOWN)
					r.invalidLines.push({
						line: (lines[i] as Line).no,
						reason: out.reason,
						problems: out.problems.map((p) => `${p.pointer || "/"}: ${p.message}`),
					});
			}
		}
		// Forgets windows whose whole window has passed, as the server's sweep does: no read at
		// or after maxTs would see them, so the answers do not change; memory stays bounded.
		state.sweepSome(maxTs, Math.max(2_000, Math.ceil(state.windowKeyCount() / 240)));
		o.onProgress?.({ ...how.progress(), events: r.events + r.warmup });
	};
	for await (const l of lines) {
		r.lines = Math.max(r.lines, l.no);
		if (l.ts !== undefined) {
			if (o.to !== undefined && l.ts >= o.to) {
				r.afterTo++;
				continue;
			}
			if (l.ts < maxTs) {
				if (how.checkOrder) throw new OutOfOrder(l.no);
			} else maxTs = l.ts;
		}
		batch.push(l);
		if (batch.length >= size) await flush();
	}
	if (batch.length) await flush();
	return r;
}

/** A decision returned for an id seen before: the backtest only counts it as a duplicate. */
const SEEN: Decision = {
	eventId: "",
	verdict: "allow",
	labels: [],
	effects: [],
	reasons: [],
	traceId: "",
	tookMs: 0,
	decidedAt: 0,
	trace: { features: [], signals: [], fired: [], errors: [] },
};

/**
 * The event store of a backtest: keeps the ids it committed (so a repeated id is a duplicate,
 * as on the server) and hands each commit to `onCommit`; stores nothing else.
 */
class ReplayStore implements EventStore {
	private readonly seen = new Set<string>();
	constructor(private readonly onCommit: (batch: CommitBatch) => void) {}

	async findDecisions(ids: readonly string[]): Promise<Map<string, Decision>> {
		const out = new Map<string, Decision>();
		for (const id of ids) if (this.seen.has(id)) out.set(id, SEEN);
		return out;
	}

	async commit(batch: CommitBatch): Promise<void> {
		for (const a of batch.events) this.seen.add(a.event.id);
		this.onCommit(batch);
	}
}
