import type { Worker } from "node:worker_threads";
import type { Decision } from "../../../core/decisions/index.ts";
import type { AcceptedEvent, CommitBatch } from "../../../core/pipeline/index.ts";
import { startSourceWorker } from "../../threads/source-worker.ts";
import { type Committer, closedError } from "./committer.ts";
import { encodeBatch, type FromWriter, fromWireError, type ToWriter, type WireBatch, WriterControl } from "./wire.ts";
import type { FinishLog, WriterThreadData } from "./writer-thread.ts";

/**
 * Commits of fewer events than this, reaching an idle writer, wait for the end of the event
 * loop's turn to go together (see `commit`).
 */
const SMALL_COMMIT = 16;

export interface WorkerCommitOptions {
	path: string;
	lastSeq: number;
	/** See `WriterThreadData`. */
	autocheckpointPages: number;
	/** See `WriterThreadData`. */
	finishLog?: FinishLog | undefined;
	/** Write messages the writer may hold at once (default 2): one being written, one ready to go. */
	maxInFlight?: number;
	/** How long `flushSync` waits for the writer before it throws (default 30 s). */
	flushTimeoutMs?: number;
}

interface Pending {
	events: readonly AcceptedEvent[];
	/** Dropped once sent: the rows (every decision's JSON) need not live until the answer. */
	wire: WireBatch | undefined;
	resolve: () => void;
	reject: (err: unknown) => void;
}

/** Batches sent (or to send) as one message, with their events' decisions by id until it is answered. */
interface Group {
	items: Pending[];
	decisions: Map<string, Decision>;
}

/**
 * Group commit with the SQL on a writer thread (`writer-thread.ts`), so it runs on another core
 * than the event loop. `commit` flattens the batch (`encodeBatch`) and queues it. An idle writer
 * gets it at once; while the writer is busy, batches accumulate and go as one message at the
 * end of the current task, or, once `maxInFlight` messages are out, when the writer answers one
 * (so under load transactions get bigger, never more numerous). The writer writes a message in
 * one transaction and answers; a commit resolves on that answer. A shared block of memory
 * (`WriterControl`) carries the last committed seq and lets `flushSync` wait synchronously.
 *
 * Why an idle writer gets the first batch at once rather than at the end of the task: commits
 * that share a message resolve together, so producers that started together (two submits in
 * flight) would stay in lockstep, processing while the writer idles and idling while it writes;
 * sent apart, they fall into a pipeline (measured: 2 submits in flight, 15-16k -> 22-24k events/s).
 *
 * Should the writer thread die, every commit it had not confirmed rejects (its batch may or may
 * not be stored: event ids make a retry safe) and later commits fail at once; reopen the storage
 * to write again.
 */
export class WorkerGroupCommit implements Committer {
	failure: Error | undefined;
	private queue: Group = newGroup();
	/** Messages posted and not yet answered, by id, oldest first. */
	private readonly sent = new Map<number, Group>();
	private lastId = 0;
	private scheduled = false;
	private immediate: NodeJS.Immediate | undefined;
	private closed = false;
	private stopping = false;
	private threadError: Error | undefined;
	private readonly control: WriterControl;
	private readonly worker: Worker;
	private readonly exited: Promise<void>;
	private readonly maxInFlight: number;
	private readonly flushTimeoutMs: number;
	private drainWaiters: (() => void)[] = [];

	private constructor(opts: WorkerCommitOptions, ready: { resolve: () => void; reject: (e: Error) => void }) {
		this.maxInFlight = opts.maxInFlight ?? 2;
		this.flushTimeoutMs = opts.flushTimeoutMs ?? 30_000;
		this.control = new WriterControl(new SharedArrayBuffer(WriterControl.BYTES));
		this.control.markDone(0, opts.lastSeq, 0);
		const data: WriterThreadData = {
			path: opts.path,
			lastSeq: opts.lastSeq,
			control: this.control.buffer,
			autocheckpointPages: opts.autocheckpointPages,
			finishLog: opts.finishLog,
		};
		this.worker = startSourceWorker(import.meta.url, "./writer-thread", data);
		let started = false;
		this.worker.on("message", (m: FromWriter) => {
			if (m.kind === "ready") {
				started = true;
				ready.resolve();
			} else this.onWritten(m);
		});
		this.worker.on("error", (err) => {
			this.threadError = err;
		});
		this.exited = new Promise((resolve) => {
			this.worker.once("exit", (code) => {
				const cause = this.threadError;
				const err = new Error(`sqlite writer thread stopped (exit code ${code})${cause ? `: ${cause.message}` : ""}`, {
					cause,
				});
				if (!started) ready.reject(err);
				if (!this.stopping) this.fail(err);
				resolve();
			});
		});
	}

	/** Starts the writer thread on an existing, migrated database file; resolves once it is ready. */
	static async start(opts: WorkerCommitOptions): Promise<WorkerGroupCommit> {
		let ready!: { resolve: () => void; reject: (e: Error) => void };
		const started = new Promise<void>((resolve, reject) => {
			ready = { resolve, reject };
		});
		const w = new WorkerGroupCommit(opts, ready);
		await started;
		w.worker.unref(); // only while idle: see `post`
		return w;
	}

	get lastCommittedSeq(): number {
		return this.control.lastSeq;
	}

	get transactionCount(): number {
		return this.control.transactions;
	}

	pendingDecision(eventId: string): Decision | undefined {
		for (const g of this.sent.values()) {
			const d = g.decisions.get(eventId);
			if (d) return d;
		}
		return this.queue.decisions.get(eventId);
	}

	commit(batch: CommitBatch): Promise<void> {
		if (this.failure) return Promise.reject(this.failure);
		if (this.closed) return Promise.reject(closedError());
		let wire: WireBatch;
		try {
			wire = encodeBatch(batch);
		} catch (err) {
			return Promise.reject(err);
		}
		const decisions = this.queue.decisions;
		for (const a of batch.events) {
			if (!decisions.has(a.event.id)) decisions.set(a.event.id, a.decision);
		}
		return new Promise<void>((resolve, reject) => {
			this.queue.items.push({ events: batch.events, wire, resolve, reject });
			if (this.sent.size === 0) {
				// An idle writer gets a big batch at once; small ones (a synchronous request's
				// event) wait for the end of this turn of the event loop, so the requests read in
				// the same turn go as one message and one transaction.
				if (batch.events.length >= SMALL_COMMIT) this.postQueue();
				else if (!this.immediate) this.immediate = setImmediate(this.onImmediate);
			} else if (!this.scheduled) {
				this.scheduled = true;
				queueMicrotask(this.onTick);
			}
		});
	}

	/**
	 * Sends what is queued and blocks until the writer has written everything sent (the
	 * promises settle a little later, when its answers are read). Throws if the writer died
	 * or did not finish within `flushTimeoutMs`.
	 */
	flushSync(): void {
		if (this.failure) throw this.failure;
		this.postQueue();
		if (this.sent.size === 0) return;
		if (this.control.waitFor(this.lastId, this.flushTimeoutMs)) return;
		if (!this.control.stopped) {
			throw new Error(`sqlite writer thread did not finish writing within ${this.flushTimeoutMs} ms`);
		}
		this.fail(new Error("sqlite writer thread stopped"));
		throw this.failure;
	}

	async close(): Promise<void> {
		if (!this.closed) {
			this.closed = true;
			if (!this.failure) {
				this.postQueue();
				await this.drained();
			}
			this.stopping = true;
			this.worker.ref();
			if (this.failure) void this.worker.terminate();
			else this.send({ kind: "close" });
		}
		await this.exited;
	}

	private readonly onImmediate = (): void => {
		this.immediate = undefined;
		if (this.sent.size < this.maxInFlight) this.postQueue();
	};

	private readonly onTick = (): void => {
		this.scheduled = false;
		if (this.sent.size < this.maxInFlight) this.postQueue();
	};

	private send(m: ToWriter): void {
		this.worker.postMessage(m);
	}

	private postQueue(): void {
		if (this.queue.items.length === 0) return;
		const group = this.queue;
		this.queue = newGroup();
		this.post(group);
	}

	private post(group: Group): void {
		const id = (this.lastId + 1) | 0;
		try {
			this.send({ kind: "write", id, batches: group.items.map((i) => i.wire as WireBatch) });
			for (const i of group.items) i.wire = undefined;
		} catch (err) {
			// A batch that cannot be cloned (a non-plain value in it): fail that one only.
			if (group.items.length === 1) group.items[0]!.reject(err);
			else for (const i of group.items) this.post({ items: [i], decisions: decisionsOf(i.events) });
			return;
		}
		this.lastId = id;
		this.control.markPosted(id);
		if (this.sent.size === 0) this.worker.ref(); // a commit awaited keeps the process alive
		this.sent.set(id, group);
	}

	private onWritten(m: Extract<FromWriter, { kind: "written" }>): void {
		const group = this.sent.get(m.id);
		if (!group) return;
		this.sent.delete(m.id);
		const failed = new Map(m.failures);
		group.items.forEach((item, i) => {
			const f = failed.get(i);
			if (f) item.reject(fromWireError(f));
			else item.resolve();
		});
		if (this.sent.size < this.maxInFlight) this.postQueue();
		if (this.sent.size === 0) {
			this.worker.unref();
			this.wakeDrainWaiters();
		}
	}

	/** The writer is gone: rejects what it had not confirmed and what is queued. */
	private fail(cause: Error): void {
		if (this.failure) return;
		this.failure = cause;
		const unconfirmed = new Error(
			`${cause.message}; this batch was not confirmed and may or may not be stored (retrying the same event ids is safe)`,
			{ cause },
		);
		for (const g of this.sent.values()) for (const i of g.items) i.reject(unconfirmed);
		this.sent.clear();
		for (const i of this.queue.items) i.reject(cause);
		this.queue = newGroup();
		this.wakeDrainWaiters();
	}

	private drained(): Promise<void> {
		if (this.sent.size === 0 && this.queue.items.length === 0) return Promise.resolve();
		return new Promise((resolve) => this.drainWaiters.push(resolve));
	}

	private wakeDrainWaiters(): void {
		if (this.queue.items.length) return;
		for (const w of this.drainWaiters.splice(0)) w();
	}
}

function newGroup(): Group {
	return { items: [], decisions: new Map() };
}

function decisionsOf(events: readonly AcceptedEvent[]): Map<string, Decision> {
	const m = new Map<string, Decision>();
	for (const a of events) if (!m.has(a.event.id)) m.set(a.event.id, a.decision);
	return m;
}
