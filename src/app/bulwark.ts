import { mkdirSync, renameSync } from "node:fs";
import { join } from "node:path";
import type { Registry } from "prom-client";
import { MemoryBus } from "../adapters/bus/memory/index.ts";
import { MemoryStateStore, SnapshotWriter } from "../adapters/state/memory/index.ts";
import { openSqliteStorage, type SqliteStorage } from "../adapters/storage/sqlite/index.ts";
import { DEFAULT_POLICY, type Policy } from "../core/decisions/index.ts";
import { velocityDetector } from "../core/detectors/index.ts";
import { DEFAULT_FEATURES, FeatureCatalog } from "../core/features/index.ts";
import { Processor, RulesHolder } from "../core/pipeline/index.ts";
import { ManagedLists, MemoryListStore } from "../core/rules/index.ts";
import { type Clock, systemClock } from "../core/shared/index.ts";
import { loadAccountServing } from "./account-models.ts";
import { createMetrics, stateMetrics } from "./metrics.ts";
import { type CompiledRules, defaultRulesDir, loadRulesDir } from "./rules.ts";
import { RulesDeployer, rulesAtStart } from "./rules-deployer.ts";
import { loadTextServing } from "./text-models.ts";

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
	/**
	 * The rules folder the event path runs (see `loadRulesDir`); `null` runs without rules (the
	 * built-in policy decides). Default: the package's `rules/` folder when it exists. A folder
	 * that does not compile makes `openBulwark` throw RulesLoadError. Unless `rulesExplicit`, the
	 * version deployed last (`PUT /v1/rules`), when the database holds one, runs instead.
	 */
	rules?: string | null;
	/**
	 * The operator named `rules` (`--rules DIR`, `BULWARK_RULES`): the folder runs even when the
	 * database holds a deployed version, and is recorded as a new deploy when its content differs
	 * (the deployed version stays in the history). A broken folder refuses the start before
	 * anything is opened.
	 */
	rulesExplicit?: boolean;
	/**
	 * Text models to serve (`--text-models`): each `modelsDir/NAME/` is loaded at start and scores
	 * posts' and reports' text as the `text.NAME` signal; `unwanted` scores replies and mentions
	 * from the abuse, hate and targeted scores and their context (see loadTextServing). One that is
	 * missing or damaged makes `openBulwark` throw, naming the file, before anything is opened.
	 * Default none.
	 */
	textModels?: readonly string[];
	/**
	 * Account models to serve (`--account-models`): `bot` scores accounts as the `account.bot`
	 * signal (see loadAccountServing). Missing or damaged: `openBulwark` throws first. Default none.
	 */
	accountModels?: readonly string[];
	/** Where the models are (`--models-dir`); required when `textModels` or `accountModels` is not empty. */
	modelsDir?: string;
	/** Window keys a background snapshot dumps per step (default `SNAPSHOT_KEYS_PER_STEP`; tests make it small). */
	snapshotKeysPerStep?: number;
	/** How long a background snapshot's steps may hold one turn of the event loop (default `SNAPSHOT_STEP_MS`). */
	snapshotStepMs?: number;
}

/** The embedded system, wired: SQLite storage, in-memory windows with snapshots, in-process bus. */
export interface Bulwark {
	processor: Processor;
	storage: SqliteStorage;
	state: MemoryStateStore;
	bus: MemoryBus;
	features: FeatureCatalog;
	/** The live rules pack (its `current()` is undefined when running without rules). */
	rules: RulesHolder;
	/** The pack that ran at start, when there is one: version, where it came from (`from`), more log lines (`notes`). */
	rulesLoaded: (CompiledRules & { from: string; notes: string[] }) | undefined;
	/** Versioned deploys and rollbacks of the rules on the running system (`PUT /v1/rules`). */
	deployer: RulesDeployer;
	/**
	 * The lists the rules read: those declared without entries (empty at start) and every managed
	 * list stored in the database (loaded at start). Change them through `managedLists`.
	 */
	lists: MemoryListStore;
	/** Managed lists: durable, audited changes that the next event sees (the API's /v1/lists, `bulwark lists`). */
	managedLists: ManagedLists;
	clock: Clock;
	metrics: Registry;
	/** Latest event time seen (the windows' "now" for housekeeping). */
	highWaterTs(): number;
	/** Flushes pending writes and writes a snapshot of the windows; returns the seq it covers. */
	snapshot(): number;
	/**
	 * What the periodic timer does: a snapshot dumped a few keys per turn of the event loop while
	 * events go on (see `MemoryStateStore.writeSnapshotInBackground`). Resolves with the seq it
	 * covers once the file is written, or undefined when none was started (one is running, a
	 * submit stayed mid-batch, closed) or it failed (logged).
	 */
	snapshotInBackground(): Promise<number | undefined>;
	ready(): Promise<{ ok: boolean; checks: Record<string, string> }>;
	close(): Promise<void>;
}

const SNAPSHOT_FILE = "state.snapshot";
/** The policy beside a rules pack: none of its own (the processor still merges policy and rule effects). */
export const RULES_ONLY: Policy = { name: "none", lines: [] };
const REPLAY_PAGE = 5_000;
/** Expired list entries stop matching at once (lookups check expiry); the sweep only frees them. */
const LIST_SWEEP_MS = 60_000;
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
	// Rules first: a folder named by the operator that does not compile refuses the start before
	// any file is touched. Else the database's deployed version, else the default folder.
	const rulesDir = opts.rules === undefined ? defaultRulesDir() : opts.rules;
	const explicit = rulesDir !== null && opts.rulesExplicit ? loadRulesDir(rulesDir) : undefined;
	const text = loadTextServing(opts.textModels ?? [], opts.modelsDir);
	const accounts = loadAccountServing(opts.accountModels ?? [], opts.modelsDir);
	mkdirSync(opts.dataDir, { recursive: true });
	const storage = await openSqliteStorage({ path: join(opts.dataDir, "bulwark.db"), retentionMs: opts.retentionMs });
	let start: Awaited<ReturnType<typeof rulesAtStart>>;
	try {
		start =
			rulesDir === null
				? undefined
				: await rulesAtStart({
						explicit,
						fallback: rulesDir,
						repo: storage.ruleVersions,
						clock,
						readOnly: opts.readOnly === true,
					});
	} catch (err) {
		await storage.close();
		throw err;
	}
	const loaded = start?.rules;
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

	// The windows keep the built-in features and the pack's (a pack cannot redeclare a built-in
	// name: R2008; a pack feature whose definition changed gets fresh windows: see loadRulesDir).
	// Serving `unwanted` adds the interaction features (follows, engagement, repliers, creation),
	// serving `bot` the account's profile events and counts.
	const served = [...text.features, ...accounts.features];
	const builtIn = served.length ? [...DEFAULT_FEATURES, ...served] : DEFAULT_FEATURES;
	const features = new FeatureCatalog(loaded ? [...builtIn, ...loaded.features] : builtIn);
	const rules = new RulesHolder(loaded ? { pack: loaded.pack, version: loaded.version } : undefined);
	const lists = loaded?.lists ?? new MemoryListStore();
	const managedLists = new ManagedLists({
		store: lists,
		repo: storage.lists,
		clock,
		declared: () => rules.current()?.pack.lists ?? [],
	});
	for (const w of await managedLists.load()) log(`warning: ${w}`);
	const bus = new MemoryBus();
	const { registry, observer, ruleCounts } = createMetrics({ rules });
	const deployer = new RulesDeployer({
		holder: rules,
		features,
		lists,
		repo: storage.ruleVersions,
		clock,
		counts: ruleCounts,
		start,
		log,
	});
	let highWater = 0;
	const processor = new Processor({
		events: storage,
		windows: state,
		entities: state,
		features,
		detectors: [velocityDetector(), ...text.detectors, ...accounts.detectors],
		// With a pack, the pack is the policy: rules/core.rules restates the built-in policy as
		// rules, so running both would enforce each velocity effect twice and a rule put in shadow
		// would still act through its built-in twin.
		policy: loaded ? RULES_ONLY : DEFAULT_POLICY,
		rules,
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
	const stateGauges = stateMetrics(registry, {
		windowKeys: () => state.windowKeyCount(),
		entities: () => state.entityCount(),
		droppedLateOps: () => state.stats().droppedLateOps,
		storageTransactions: () => storage.transactionCount,
		lastCommittedSeq: () => storage.lastCommittedSeq,
	});
	const snapshot = (): number => {
		storage.flushSync();
		const seq = storage.lastCommittedSeq;
		state.writeSnapshot(snapshotPath, { seq });
		lastSnapshotSeq = seq;
		return seq;
	};
	// The periodic snapshot: the state is dumped a few keys per turn of the event loop, as it was
	// when the dump began (the keys changed meanwhile are copied first), and serialized, hashed
	// and written on a thread of its own. It stands for the seq committed when it began (pending
	// writes are flushed first), and not while a submit has counted events it has not yet handed
	// to storage (they would be counted again when replayed after a crash).
	const snapshotWriter = new SnapshotWriter();
	let running: Promise<number | undefined> | undefined;
	const snapshotInBackground = async (): Promise<number | undefined> => {
		for (let tries = 0; processor.midBatch; tries++) {
			if (tries >= SNAPSHOT_RETRIES || closed) return undefined;
			await new Promise((resolve) => setTimeout(resolve, 5));
		}
		if (running || closed) return undefined;
		const began = performance.now();
		storage.flushSync();
		const seq = storage.lastCommittedSeq;
		running = state
			.writeSnapshotInBackground(snapshotPath, { seq }, snapshotWriter, {
				keysPerStep: opts.snapshotKeysPerStep,
				stepMs: opts.snapshotStepMs,
			})
			.then(
				() => {
					lastSnapshotSeq = Math.max(lastSnapshotSeq, seq);
					stateGauges.snapshotDone("ok", (performance.now() - began) / 1000, seq);
					return seq;
				},
				(err: Error) => {
					log(`warning: snapshot failed: ${err.message}`);
					stateGauges.snapshotDone("failed", (performance.now() - began) / 1000, undefined);
					return undefined;
				},
			)
			.finally(() => {
				running = undefined;
			});
		return running;
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
		every(opts.snapshotIntervalMs, "snapshot", () => void snapshotInBackground());
		// A pass over every window key about once a minute, in steps of a few milliseconds (a
		// whole pass at once held the event loop 64-180 ms at 200k events' state, measured).
		every(SWEEP_STEP_MS, "sweep", () =>
			state.sweepSome(highWater, Math.max(SWEEP_MIN_STEP, Math.ceil(state.windowKeyCount() / SWEEP_STEPS_PER_PASS))),
		);
		every(3_600_000, "retention", () => storage.pruneEvents(clock.now() - opts.retentionMs, lastSnapshotSeq));
		every(LIST_SWEEP_MS, "list sweep", () => {
			managedLists.sweep().catch((err: Error) => log(`warning: list sweep failed: ${err.message}`));
		});
	}

	let closed = false;
	return {
		processor,
		storage,
		state,
		bus,
		features,
		rules,
		rulesLoaded: start && { ...start.rules, from: start.from, notes: start.notes },
		deployer,
		lists,
		managedLists,
		clock,
		metrics: registry,
		highWaterTs: () => highWater,
		snapshot,
		snapshotInBackground,
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
