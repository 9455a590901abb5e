import type { Mutation } from "../../../core/enforcement/index.ts";
import type { CommitBatch, DeadLetter } from "../../../core/pipeline/index.ts";
import { eventTarget } from "./rows.ts";

/**
 * What the write path writes, in the form it crosses to the writer thread: events as flat rows
 * of primitives and strings (cheap to structured-clone: no objects, no class instances),
 * mutations and dead letters (rare) as they are. Both writers (in-thread and worker) write
 * this form, so they share their code.
 */
export interface WireBatch {
	/** `EVENT_COLUMNS` cells per event, in the order of `encodeBatch`. */
	rows: Cell[];
	mutations: Mutation[];
	deadLetters: DeadLetter[];
}

export type Cell = string | number | null;

/** id, type, actor, target, ts, received_at, source, body, verdict, decision. */
export const EVENT_COLUMNS = 10;

/**
 * Flattens a batch for the writer: the per-event work of a commit on the committing thread,
 * mostly the decision's JSON (and the event's, unless it came with its `raw` text).
 *
 * The decision crosses as JSON text rather than as an object: cloning a Decision (nested,
 * with per-entity keys in its trace) costs the committing thread about as much as
 * stringifying it, and the writer thread then has to rebuild and stringify it as well
 * (measured: same main-thread time, ~20% more writer time).
 */
export function encodeBatch(batch: CommitBatch): WireBatch {
	const rows: Cell[] = [];
	for (const a of batch.events) {
		const e = a.event;
		rows.push(
			e.id,
			e.type,
			e.actor,
			eventTarget(e),
			e.ts,
			a.receivedAt,
			a.source,
			a.raw ?? JSON.stringify(e),
			a.decision.verdict,
			JSON.stringify(a.decision),
		);
	}
	return { rows, mutations: batch.mutations, deadLetters: batch.deadLetters };
}

/** Main thread to writer thread. */
export type ToWriter = { kind: "write"; id: number; batches: WireBatch[] } | { kind: "close" };

/** Writer thread to main thread. `failures` lists the batches (by index) that did not commit. */
export type FromWriter = { kind: "ready" } | { kind: "written"; id: number; failures: [number, WireError][] };

/** An error as it crosses threads (an Error's own properties such as `code` do not survive cloning). */
export interface WireError {
	name: string;
	message: string;
	code?: string;
}

export function toWireError(err: unknown): WireError {
	if (!(err instanceof Error)) return { name: "Error", message: String(err) };
	const code = (err as { code?: unknown }).code;
	return { name: err.name, message: err.message, ...(typeof code === "string" ? { code } : {}) };
}

export function fromWireError(w: WireError): Error {
	const err = new Error(w.message);
	err.name = w.name;
	if (w.code !== undefined) Object.assign(err, { code: w.code });
	return err;
}

/**
 * The block of memory both threads see: the id of the last write message done (committed or
 * failed), a flag set once the writer thread has stopped, the last committed seq and the count
 * of transactions. It lets the main thread wait for the writer synchronously (`flushSync`) and
 * read what is durable without a message round trip.
 */
export class WriterControl {
	static readonly BYTES = 32;
	/** [done id, stopped, posted id] */
	private readonly ints: Int32Array;
	/** [last committed seq, transactions] */
	private readonly counts: BigInt64Array;

	constructor(readonly buffer: SharedArrayBuffer) {
		this.ints = new Int32Array(buffer, 0, 4);
		this.counts = new BigInt64Array(buffer, 16, 2);
	}

	/** Main side: the id of the last write message posted. */
	markPosted(id: number): void {
		Atomics.store(this.ints, 2, id);
	}

	/** Writer side: true when every message posted so far is done (no write is waiting). */
	get idle(): boolean {
		return Atomics.load(this.ints, 2) === Atomics.load(this.ints, 0);
	}

	get lastSeq(): number {
		return Number(Atomics.load(this.counts, 0));
	}

	get transactions(): number {
		return Number(Atomics.load(this.counts, 1));
	}

	get doneId(): number {
		return Atomics.load(this.ints, 0);
	}

	get stopped(): boolean {
		return Atomics.load(this.ints, 1) !== 0;
	}

	/** Writer side: the counts first, so a reader that sees the id sees them too. */
	markDone(id: number, lastSeq: number, transactions: number): void {
		Atomics.store(this.counts, 0, BigInt(lastSeq));
		Atomics.store(this.counts, 1, BigInt(transactions));
		Atomics.store(this.ints, 0, id);
		Atomics.notify(this.ints, 0);
	}

	markStopped(): void {
		Atomics.store(this.ints, 1, 1);
		Atomics.notify(this.ints, 0);
	}

	/** Main side: blocks until message `id` is done, the writer stops, or `timeoutMs` passes; true when done. */
	waitFor(id: number, timeoutMs: number): boolean {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const done = this.doneId;
			// Ids wrap around at 2^31; compare by difference.
			if (((done - id) | 0) >= 0) return true;
			if (this.stopped) return false;
			const left = deadline - Date.now();
			if (left <= 0) return false;
			Atomics.wait(this.ints, 0, done, Math.min(left, 100));
		}
	}
}
