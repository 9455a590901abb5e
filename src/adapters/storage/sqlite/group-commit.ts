import type BetterSqlite3 from "better-sqlite3";
import type { Decision } from "../../../core/decisions/index.ts";
import type { CommitBatch } from "../../../core/pipeline/index.ts";
import { BatchWriter } from "./batch-writer.ts";
import { type Committer, closedError } from "./committer.ts";
import { encodeBatch, type WireBatch } from "./wire.ts";

interface Queued {
	batch: WireBatch;
	resolve: () => void;
	reject: (err: unknown) => void;
}

/**
 * Group commit on the calling thread: `commit` queues a batch; one flush per event-loop turn
 * writes every queued batch in a single transaction and then settles their promises. The
 * writer for `:memory:` databases, which cannot be shared with another thread.
 */
export class InlineGroupCommit implements Committer {
	readonly failure = undefined;
	private readonly inFlight = new Map<string, Decision>();
	private queue: Queued[] = [];
	private scheduled = false;
	private closed = false;
	private readonly writer: BatchWriter;

	constructor(db: BetterSqlite3.Database, lastSeq: number) {
		this.writer = new BatchWriter(db, lastSeq);
	}

	get lastCommittedSeq(): number {
		return this.writer.seq;
	}

	get transactionCount(): number {
		return this.writer.transactions;
	}

	pendingDecision(eventId: string): Decision | undefined {
		return this.inFlight.get(eventId);
	}

	commit(batch: CommitBatch): Promise<void> {
		if (this.closed) return Promise.reject(closedError());
		let wire: WireBatch;
		try {
			wire = encodeBatch(batch);
		} catch (err) {
			return Promise.reject(err);
		}
		for (const a of batch.events) {
			if (!this.inFlight.has(a.event.id)) this.inFlight.set(a.event.id, a.decision);
		}
		return new Promise<void>((resolve, reject) => {
			this.queue.push({ batch: wire, resolve, reject });
			if (!this.scheduled) {
				this.scheduled = true;
				setImmediate(this.onTurn);
			}
		});
	}

	flushSync(): void {
		const items = this.queue;
		if (items.length === 0) return;
		this.queue = [];
		try {
			const failures = new Map(this.writer.write(items.map((i) => i.batch)));
			items.forEach((item, i) => {
				if (failures.has(i)) item.reject(failures.get(i));
				else item.resolve();
			});
		} finally {
			this.inFlight.clear();
		}
		// On this thread there is no idle time to wait for: the tail is indexed at once (should
		// that fail, readers scan the tail and the next flush tries again).
		try {
			if (this.writer.unindexed > 0) this.writer.indexTail();
		} catch {}
	}

	async close(): Promise<void> {
		this.flushSync();
		this.closed = true;
	}

	private readonly onTurn = (): void => {
		this.scheduled = false;
		this.flushSync();
	};
}
