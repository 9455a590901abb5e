import type BetterSqlite3 from "better-sqlite3";
import { type Seen, writeBatches } from "./apply.ts";
import { prepareWrites } from "./statements.ts";
import type { WireBatch } from "./wire.ts";

/** Past this many remembered entities the map starts over (each then costs one upsert again). */
const MAX_KNOWN_KEYS = 500_000;

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
	private readonly known = new Map<string, Seen>();
	private readonly tx: BetterSqlite3.Transaction<
		(batches: readonly WireBatch[]) => { seq: number; written: Map<string, Seen> }
	>;

	constructor(db: BetterSqlite3.Database, lastSeq: number) {
		this.seq = lastSeq;
		const statements = prepareWrites(db);
		this.tx = db.transaction((batches: readonly WireBatch[]) =>
			writeBatches(statements, this.known, batches, this.seq),
		);
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
		const { seq, written } = this.tx.immediate(batches);
		this.transactions++;
		this.seq = seq;
		if (this.known.size + written.size > MAX_KNOWN_KEYS) this.known.clear();
		for (const [key, span] of written) this.known.set(key, span);
	}
}
