import type BetterSqlite3 from "better-sqlite3";
import { type Seen, writeBatches } from "./apply.ts";
import { prepareWrites, type WriteStatements } from "./statements.ts";
import type { WireBatch } from "./wire.ts";

/** Past this many remembered entities the map starts over (each then costs one upsert again). */
const MAX_KNOWN_KEYS = 500_000;

/**
 * A transaction that leaves at most this many events unindexed indexes them itself (the
 * synchronous path's small commits: the tail stays empty and nothing is left for later).
 */
export const INLINE_INDEX_MAX = 256;

/** How often small commits save the index mark (see `indexedSeq`). */
const MARK_EVERY_MS = 1_000;

/**
 * The one writer of a database file's event log, on whichever thread owns its connection:
 * writes a group of batches in one transaction and, if that fails, each batch in its own, so
 * one bad batch does not fail its neighbours. Holds the next seq and the entities already
 * written (see `writeBatches`).
 */
export class BatchWriter {
	/** Seq of the last event committed. */
	seq: number;
	/** Transactions committed so far. */
	transactions = 0;
	/**
	 * Last seq whose events are in `event_entities`. The mark readers use (`indexed_seq` in
	 * `meta`) may be behind it, by at most a second of small commits: they scan past it.
	 */
	indexedSeq: number;
	private readonly known = new Map<string, Seen>();
	private readonly statements: WriteStatements;
	private readonly tx: BetterSqlite3.Transaction<
		(batches: readonly WireBatch[]) => { seq: number; written: Map<string, Seen>; indexed: number }
	>;
	private readonly indexTx: BetterSqlite3.Transaction<(to: number) => void>;
	private markSavedAt = 0;
	private savedMark: number;
	private readonly saveMark: BetterSqlite3.Transaction<(to: number) => void>;

	constructor(db: BetterSqlite3.Database, lastSeq: number) {
		this.seq = lastSeq;
		const statements = prepareWrites(db);
		this.statements = statements;
		const mark = db.prepare<[], string>("SELECT value FROM meta WHERE key = 'indexed_seq'").pluck().get();
		this.indexedSeq = mark === undefined ? 0 : Math.min(Number(mark), lastSeq);
		this.savedMark = this.indexedSeq;
		this.saveMark = db.transaction((to: number) => {
			statements.saveIndexed.run(String(to));
			this.savedMark = to;
		});
		this.tx = db.transaction((batches: readonly WireBatch[]) => {
			const r = writeBatches(statements, this.known, batches, this.seq);
			let indexed = this.indexedSeq;
			if (r.seq - indexed <= INLINE_INDEX_MAX && r.seq > indexed) {
				this.statements.indexEntities.run({ from: indexed, to: r.seq });
				indexed = r.seq;
				// The mark in `meta` may lag behind (readers scan past it): writing it with every
				// small commit would add a page to each.
				const now = performance.now();
				if (now - this.markSavedAt >= MARK_EVERY_MS) {
					this.statements.saveIndexed.run(String(indexed));
					this.markSavedAt = now;
					this.savedMark = indexed;
				}
			}
			return { ...r, indexed };
		});
		this.indexTx = db.transaction((to: number) => this.indexRange(this.indexedSeq, to));
	}

	/** Events written but not yet in `event_entities`. */
	get unindexed(): number {
		return this.seq - this.indexedSeq;
	}

	/**
	 * Indexes up to `limit` events of the tail in one transaction, in bulk and sorted (a page
	 * of the table is written once for all its new rows, not once a row); returns how many.
	 */
	indexTail(limit = Number.POSITIVE_INFINITY): number {
		const to = Math.min(this.seq, this.indexedSeq + limit);
		if (to <= this.indexedSeq) {
			if (this.savedMark < this.indexedSeq) this.saveMark.immediate(this.indexedSeq);
			return 0;
		}
		const from = this.indexedSeq;
		this.indexTx.immediate(to);
		this.indexedSeq = to;
		return to - from;
	}

	private indexRange(from: number, to: number): void {
		this.statements.indexEntities.run({ from, to });
		this.statements.saveIndexed.run(String(to));
		this.savedMark = to;
	}

	/** Writes the batches; returns the error of each batch that did not commit, by index (empty when all did). */
	write(batches: readonly WireBatch[]): [number, unknown][] {
		try {
			this.writeTx(batches);
			return [];
		} catch (err) {
			if (batches.length === 1) return [[0, err]];
		}
		const failures: [number, unknown][] = [];
		batches.forEach((b, i) => {
			try {
				this.writeTx([b]);
			} catch (err) {
				failures.push([i, err]);
			}
		});
		return failures;
	}

	private writeTx(batches: readonly WireBatch[]): void {
		// IMMEDIATE takes the write lock up front (waiting out another connection's write under
		// busy_timeout) rather than failing when a deferred read turns into a write.
		const { seq, written, indexed } = this.tx.immediate(batches);
		this.transactions++;
		this.seq = seq;
		this.indexedSeq = indexed;
		if (this.known.size + written.size > MAX_KNOWN_KEYS) this.known.clear();
		for (const [key, span] of written) this.known.set(key, span);
	}
}
