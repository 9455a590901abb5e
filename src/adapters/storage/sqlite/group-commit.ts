import type BetterSqlite3 from "better-sqlite3";
import type { Decision } from "../../../core/decisions/index.ts";
import type { CommitBatch } from "../../../core/pipeline/index.ts";
import { type Seen, writeBatches } from "./apply.ts";
import { prepareWrites } from "./statements.ts";

interface Queued {
	batch: CommitBatch;
	resolve: () => void;
	reject: (err: unknown) => void;
}

/** Past this many remembered entities the map starts over (each then costs one upsert again). */
const MAX_KNOWN_KEYS = 500_000;

/**
 * Group commit: `commit` queues a batch; one flush per event-loop turn writes every queued
 * batch in a single transaction and then settles their promises. If that transaction fails,
 * each batch is retried in its own, so one bad batch does not fail its neighbours.
 */
export class GroupCommit {
	/** Seq of the last event made durable. */
	lastCommittedSeq: number;
	/** Transactions committed so far (a flush of many batches counts once). */
	transactionCount = 0;
	/** Decisions of queued, not yet written events: a repeat of an id in flight finds its answer. */
	readonly inFlight = new Map<string, Decision>();
	private queue: Queued[] = [];
	private scheduled = false;
	private closed = false;
	private readonly known = new Map<string, Seen>();
	private readonly tx: (batches: readonly CommitBatch[]) => { seq: number; written: Map<string, Seen> };

	constructor(db: BetterSqlite3.Database, lastSeq: number) {
		this.lastCommittedSeq = lastSeq;
		const statements = prepareWrites(db);
		this.tx = db.transaction((batches: readonly CommitBatch[]) =>
			writeBatches(statements, this.known, batches, this.lastCommittedSeq),
		);
	}

	commit(batch: CommitBatch): Promise<void> {
		if (this.closed) return Promise.reject(new Error("sqlite storage is closed"));
		for (const a of batch.events) {
			if (!this.inFlight.has(a.event.id)) this.inFlight.set(a.event.id, a.decision);
		}
		return new Promise<void>((resolve, reject) => {
			this.queue.push({ batch, resolve, reject });
			if (!this.scheduled) {
				this.scheduled = true;
				setImmediate(this.onTurn);
			}
		});
	}

	/** Writes whatever is queued now, synchronously (before a snapshot, at close). */
	flushSync(): void {
		const items = this.queue;
		if (items.length === 0) return;
		this.queue = [];
		try {
			this.write(items.map((i) => i.batch));
			for (const i of items) i.resolve();
		} catch (err) {
			if (items.length === 1) items[0]?.reject(err);
			else for (const i of items) this.writeAlone(i);
		} finally {
			this.inFlight.clear();
		}
	}

	close(): void {
		this.flushSync();
		this.closed = true;
	}

	private readonly onTurn = (): void => {
		this.scheduled = false;
		this.flushSync();
	};

	private writeAlone(item: Queued): void {
		try {
			this.write([item.batch]);
			item.resolve();
		} catch (err) {
			item.reject(err);
		}
	}

	private write(batches: readonly CommitBatch[]): void {
		const { seq, written } = this.tx(batches);
		this.transactionCount++;
		this.lastCommittedSeq = seq;
		if (this.known.size + written.size > MAX_KNOWN_KEYS) this.known.clear();
		for (const [key, span] of written) this.known.set(key, span);
	}
}
