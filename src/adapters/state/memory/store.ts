import type { EntityState, EntityStateStore } from "../../../core/enforcement/state.ts";
import type { WindowOp, WindowQuery, WindowStore, WindowValue } from "../../../core/features/index.ts";
import { EntityTable } from "./entities.ts";
import { beginPayloadDump, decodeSnapshot, encodeSnapshot, readFileIfExists, writeFileAtomic } from "./snapshot.ts";
import type { SnapshotWriter } from "./snapshot-writer.ts";
import { WindowTables } from "./windows.ts";

/** What one {@link MemoryStateStore.sweep} dropped. */
export interface SweepResult {
	/** Window keys whose whole window had passed. */
	windows: number;
	/** Entity states left empty (active, no labels, no open cases). */
	entities: number;
	/** Expired labels removed from entity states. */
	labels: number;
}

/**
 * A background snapshot dumps keys in steps of this many, as many steps a turn of the event loop
 * as fit in {@link SNAPSHOT_STEP_MS}: a key costs 0.3-3 us (a sketched one the most), so a
 * request waits about a millisecond behind a turn of it.
 */
export const SNAPSHOT_KEYS_PER_STEP = 256;
export const SNAPSHOT_STEP_MS = 1;

export interface MemoryStateStats {
	windowKeys: number;
	entities: number;
	/** Ops dropped since start because they were older than their key's ring. */
	droppedLateOps: number;
}

/**
 * Embedded hot state: windowed aggregates and entity states in this process, saved and restored
 * with snapshots.
 *
 * Windows are in event time at bucket resolution. With `bucketMs = windowMs / buckets` and
 * `idx(ts) = floor(ts / bucketMs)`, an op lands in bucket `idx(op.ts)` and a read at `ts` sums the
 * buckets `(idx(ts) - buckets, idx(ts)]`: the current bucket and the `buckets - 1` before it. So
 * an op counts for between `windowMs - bucketMs` and `windowMs` after it happened.
 *
 * Each key keeps a ring of its newest `buckets` buckets. An op older than the key's newest bucket
 * still counts while its bucket is in the ring; older than the ring, it is dropped (and counted in
 * {@link stats}). A read at a `ts` before the key's newest bucket sees the ring's buckets up to
 * `idx(ts)`. `last` keeps the newest `n` items by `ts` and ignores `windowMs` when read (see
 * `last-windows.ts`).
 *
 * Entity states are copied in and out (see `entities.ts`).
 *
 * @example
 * const store = new MemoryStateStore();
 * const shape = { key: "posts_5m|account:42", agg: "count", windowMs: 300_000, buckets: 10 } as const;
 * await store.update([{ ...shape, ts: 1_000 }], [{ ...shape, ts: 1_000 }]); // [1]
 * store.writeSnapshot("data/state.snap", { seq: 1234 });
 * const restored = MemoryStateStore.readSnapshot("data/state.snap"); // { store, seq: 1234 }
 */
export class MemoryStateStore implements WindowStore, EntityStateStore {
	private windows = new WindowTables();
	private readonly entities = new EntityTable();
	private dumping = false;

	async update(ops: readonly WindowOp[], queries: readonly WindowQuery[]): Promise<WindowValue[]> {
		for (const op of ops) this.windows.apply(op);
		return this.answer(queries);
	}

	async read(queries: readonly WindowQuery[]): Promise<WindowValue[]> {
		return this.answer(queries);
	}

	async get(keys: readonly string[]): Promise<Map<string, EntityState>> {
		return this.entities.get(keys);
	}

	async put(states: readonly EntityState[]): Promise<void> {
		this.entities.put(states);
	}

	/** Warm-up from durable storage at start; replaces states with the same key. */
	loadEntities(states: readonly EntityState[]): void {
		this.entities.put(states);
	}

	entityCount(): number {
		return this.entities.states.size;
	}

	windowKeyCount(): number {
		return this.windows.size;
	}

	stats(): MemoryStateStats {
		return {
			windowKeys: this.windows.size,
			entities: this.entities.states.size,
			droppedLateOps: this.windows.droppedLate,
		};
	}

	/**
	 * Housekeeping, run periodically with the current event time (the high-water `ts`): forgets
	 * count/sum/distinct keys whose whole window has passed (reads at or after `nowTs` answer 0
	 * either way), `last` keys whose newest item is `windowMs` old (their retention), expired
	 * labels, and entity states left empty. Walks every key: ~100 ms for 3M keys that stay.
	 */
	sweep(nowTs: number): SweepResult {
		const windows = this.windows.sweep(nowTs);
		return { windows, ...this.entities.sweep(nowTs) };
	}

	/**
	 * An incremental {@link sweep}: at most `budget` window keys from where the last call
	 * stopped; expired labels and empty entity states are dropped each time a pass ends.
	 * Call it often with a small budget to keep every pause short.
	 */
	sweepSome(nowTs: number, budget: number): SweepResult & { done: boolean } {
		if (this.dumping) return { windows: 0, entities: 0, labels: 0, done: false };
		const w = this.windows.sweepSome(nowTs, budget);
		const e = w.done ? this.entities.sweep(nowTs) : { entities: 0, labels: 0 };
		return { windows: w.dropped, ...e, done: w.done };
	}

	/** Windows and entity states as bytes (format: `snapshot.ts`); `seq` is the caller's log position. */
	snapshot(meta: { seq: number } = { seq: 0 }): Buffer {
		return Buffer.concat(encodeSnapshot(this.windows, [...this.entities.states.values()], meta.seq));
	}

	/** A store from {@link snapshot} bytes; throws `SnapshotError` if they are corrupt or of an unknown version. */
	static restore(buf: Uint8Array, source = "<buffer>"): MemoryStateStore {
		return MemoryStateStore.decode(buf, source).store;
	}

	/**
	 * Writes a snapshot atomically (temporary file, fsync, rename), so `file` is always whole.
	 * Synchronous: serialising already blocks, and the snapshot must match `meta.seq` exactly.
	 */
	writeSnapshot(file: string, meta: { seq: number }): void {
		writeFileAtomic(file, encodeSnapshot(this.windows, [...this.entities.states.values()], meta.seq));
	}

	/**
	 * Like {@link writeSnapshot}, without holding the event loop: the state is dumped as it is at
	 * this call (it must match `meta.seq`), `keysPerStep` keys a step and about `stepMs` of steps
	 * per turn of the event loop, while
	 * updates go on (each key's value is copied before its first change; sweeps wait); the
	 * serialising, hashing and writing run on `writer`'s thread. Resolves once the file is whole;
	 * rejects (the previous file stays) if it could not be written or one is already being made.
	 */
	async writeSnapshotInBackground(
		file: string,
		meta: { seq: number },
		writer: SnapshotWriter,
		opts: { keysPerStep?: number; stepMs?: number } = {},
	): Promise<void> {
		if (this.dumping || writer.busy) throw new Error("a snapshot is already being written");
		const budget = Math.max(1, opts.keysPerStep ?? SNAPSHOT_KEYS_PER_STEP);
		const stepMs = opts.stepMs ?? SNAPSHOT_STEP_MS;
		const dump = beginPayloadDump(this.windows, this.entities, meta.seq);
		this.dumping = true;
		try {
			for (;;) {
				const until = performance.now() + stepMs;
				let done = dump.step(budget);
				while (!done && performance.now() < until) done = dump.step(budget);
				if (done) break;
				await new Promise((resolve) => setImmediate(resolve));
			}
		} catch (err) {
			dump.cancel();
			throw err;
		} finally {
			this.dumping = false;
		}
		await writer.write(file, dump.packed());
	}

	/** True while {@link writeSnapshotInBackground} is dumping the state. */
	get snapshotInProgress(): boolean {
		return this.dumping;
	}

	/**
	 * The store saved in `file` and the `seq` it was saved with; undefined when there is no file.
	 * Throws `SnapshotError` (naming the file and the reason) when it is corrupt, of an unknown
	 * version or unreadable: the caller decides whether to start empty.
	 */
	static readSnapshot(file: string): { store: MemoryStateStore; seq: number } | undefined {
		const buf = readFileIfExists(file);
		return buf === undefined ? undefined : MemoryStateStore.decode(buf, file);
	}

	private static decode(buf: Uint8Array, source: string): { store: MemoryStateStore; seq: number } {
		const d = decodeSnapshot(buf, source);
		const store = new MemoryStateStore();
		store.windows = d.windows;
		store.entities.put(d.entities);
		return { store, seq: d.seq };
	}

	private answer(queries: readonly WindowQuery[]): WindowValue[] {
		const out: WindowValue[] = new Array(queries.length);
		for (let i = 0; i < queries.length; i++) out[i] = this.windows.answer(queries[i]!);
		return out;
	}
}
