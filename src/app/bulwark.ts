import { mkdirSync, renameSync } from "node:fs";
import { join } from "node:path";
import type { Registry } from "prom-client";
import { MemoryBus } from "../adapters/bus/memory/index.ts";
import { MemoryStateStore, SnapshotWriter } from "../adapters/state/memory/index.ts";
import { openSqliteStorage, type SqliteStorage } from "../adapters/storage/sqlite/index.ts";
import { DEFAULT_POLICY } from "../core/decisions/index.ts";
import { velocityDetector } from "../core/detectors/index.ts";
import { DEFAULT_FEATURES, FeatureCatalog } from "../core/features/index.ts";
import { Processor } from "../core/pipeline/index.ts";
import { type Clock, systemClock } from "../core/shared/index.ts";
import { createMetrics } from "./metrics.ts";

export interface BulwarkOptions {
	dataDir: string;
	retentionMs: number;
	snapshotIntervalMs: number;
	clock?: Clock;
	/** Progress and warnings during start-up and housekeeping. */
	log?: (msg: string) => void;
	/** Run the periodic snapshot, sweep and retention timers (default true). */
	timers?: boolean;
	/** Only read: no timers and no snapshot on close (for `bulwark entity` beside a running server). */
	readOnly?: boolean;
}

/** The embedded system, wired: SQLite storage, in-memory windows with snapshots, in-process bus. */
export interface Bulwark {
	processor: Processor;
	storage: SqliteStorage;
	state: MemoryStateStore;
	bus: MemoryBus;
	features: FeatureCatalog;
	clock: Clock;
	metrics: Registry;
	/** Latest event time seen (the windows' "now" for housekeeping). */
	highWaterTs(): number;
	/** Flushes pending writes and writes a snapshot of the windows; returns the seq it covers. */
	snapshot(): number;
	ready(): Promise<{ ok: boolean; checks: Record<string, string> }>;
	close(): Promise<void>;
}

const SNAPSHOT_FILE = "state.snapshot";
const REPLAY_PAGE = 5_000;
const SWEEP_STEP_MS = 250;
const SWEEP_STEPS_PER_PASS = 240;
const SWEEP_MIN_STEP = 2_000;
/** Tries 5 ms apart to find the event loop between batches before a periodic snapshot gives up. */
const SNAPSHOT_RETRIES = 200;

/**
 * Opens the embedded system in `dataDir`: the database, the last window snapshot, and the
 * events logged after it (replayed into the windows, so a kill -9 loses no window state).
 */
export async function openBulwark(opts: BulwarkOptions): Promise<Bulwark> {
	const log = opts.log ?? (() => {});
	const clock = opts.clock ?? systemClock;
	mkdirSync(opts.dataDir, { recursive: true });
	const storage = await openSqliteStorage({ path: join(opts.dataDir, "bulwark.db"), retentionMs: opts.retentionMs });
	const snapshotPath = join(opts.dataDir, SNAPSHOT_FILE);

	let state: MemoryStateStore;
	let fromSeq = 0;
	try {
		const snap = MemoryStateStore.readSnapshot(snapshotPath);
		state = snap?.store ?? new MemoryStateStore();
		fromSeq = snap?.seq ?? 0;
	} catch (err) {
		const aside = `${snapshotPath}.corrupt-${Date.now()}`;
		renameSync(snapshotPath, aside);
		log(`warning: ${(err as Error).message}; moved it to ${aside} and rebuilding the windows from the event log`);
		state = new MemoryStateStore();
	}

	const features = new FeatureCatalog(DEFAULT_FEATURES);
	const bus = new MemoryBus();
	const { registry, observer } = createMetrics();
	let highWater = 0;
	const processor = new Processor({
		events: storage,
		windows: state,
		entities: state,
		features,
		detectors: [velocityDetector()],
		policy: DEFAULT_POLICY,
		clock,
		bus,
		observer: {
			...observer,
			accepted: (e, d) => {
				if (e.ts > highWater) highWater = e.ts;
				observer.accepted?.(e, d);
			},
		},
	});

	const last = await storage.lastSeq();
	if (last > fromSeq) log(`rebuilding windows: replaying ${last - fromSeq} events logged after the snapshot`);
	for (let seq = fromSeq; ; ) {
		const page = await storage.eventsAfter(seq, REPLAY_PAGE);
		if (!page.length) break;
		await processor.rebuildWindows(page.map((p) => p.event));
		for (const p of page) if (p.event.ts > highWater) highWater = p.event.ts;
		seq = (page[page.length - 1] as { seq: number }).seq;
	}
	state.loadEntities(await storage.loadEntityStates(clock.now()));

	let lastSnapshotSeq = fromSeq;
	const snapshot = (): number => {
		storage.flushSync();
		const seq = storage.lastCommittedSeq;
		state.writeSnapshot(snapshotPath, { seq });
		lastSnapshotSeq = seq;
		return seq;
	};
	// The periodic snapshot: the payload is made on the event loop (it must match its seq), the
	// hash and the file on a thread of its own. Not while a submit has counted events it has not
	// yet handed to storage (they would be counted again when replayed after a crash).
	const snapshotWriter = new SnapshotWriter();
	let running: Promise<void> | undefined;
	const snapshotInBackground = (tries = 0): void => {
		if (running || closed) return;
		if (processor.midBatch) {
			if (tries < SNAPSHOT_RETRIES) setTimeout(() => snapshotInBackground(tries + 1), 5).unref();
			return;
		}
		storage.flushSync();
		const seq = storage.lastCommittedSeq;
		running = state
			.writeSnapshotInBackground(snapshotPath, { seq }, snapshotWriter)
			.then(
				() => {
					lastSnapshotSeq = Math.max(lastSnapshotSeq, seq);
				},
				(err: Error) => log(`warning: snapshot failed: ${err.message}`),
			)
			.finally(() => {
				running = undefined;
			});
	};

	const timers: NodeJS.Timeout[] = [];
	if (opts.timers !== false && !opts.readOnly) {
		const every = (ms: number, name: string, fn: () => void) => {
			const t = setInterval(() => {
				try {
					fn();
				} catch (err) {
					log(`warning: ${name} failed: ${(err as Error).message}`);
				}
			}, ms);
			t.unref();
			timers.push(t);
		};
		every(opts.snapshotIntervalMs, "snapshot", () => snapshotInBackground());
		// A pass over every window key about once a minute, in steps of a few milliseconds (a
		// whole pass at once held the event loop 64-180 ms at 200k events' state, measured).
		every(SWEEP_STEP_MS, "sweep", () =>
			state.sweepSome(highWater, Math.max(SWEEP_MIN_STEP, Math.ceil(state.windowKeyCount() / SWEEP_STEPS_PER_PASS))),
		);
		every(3_600_000, "retention", () => storage.pruneEvents(clock.now() - opts.retentionMs, lastSnapshotSeq));
	}

	let closed = false;
	return {
		processor,
		storage,
		state,
		bus,
		features,
		clock,
		metrics: registry,
		highWaterTs: () => highWater,
		snapshot,
		async ready() {
			const checks: Record<string, string> = {};
			try {
				await storage.lastSeq();
				checks.storage = "ok";
			} catch (err) {
				checks.storage = (err as Error).message;
			}
			checks.windows = "ok";
			return { ok: !closed && checks.storage === "ok", checks };
		},
		async close() {
			if (closed) return;
			closed = true;
			for (const t of timers) clearInterval(t);
			try {
				await running; // a background write must not land after the last one
				if (!opts.readOnly) snapshot();
			} finally {
				await snapshotWriter.close();
				await storage.close();
			}
		},
	};
}
