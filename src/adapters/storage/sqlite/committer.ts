import type { Decision } from "../../../core/decisions/index.ts";
import type { CommitBatch } from "../../../core/pipeline/index.ts";

/**
 * The write side of `SqliteStorage`, with group commit: `InlineGroupCommit` writes on the
 * calling thread (`:memory:` databases, tests), `WorkerGroupCommit` on a writer thread.
 */
export interface Committer {
	/** Seq of the last event made durable. */
	readonly lastCommittedSeq: number;
	/** Write transactions committed since open (a group of many batches counts once). */
	readonly transactionCount: number;
	/** The decision of an event committed but not yet confirmed durable (a repeat of its id finds its answer). */
	pendingDecision(eventId: string): Decision | undefined;
	/** Why the writer cannot write any more (its thread died), if it cannot. */
	readonly failure: Error | undefined;
	/** Resolves once the batch is durable; rejects when it could not be written. */
	commit(batch: CommitBatch): Promise<void>;
	/** Returns once everything committed so far is written (or failed). */
	flushSync(): void;
	/** Writes what is queued, then stops; later commits reject. */
	close(): Promise<void>;
}

export const closedError = () => new Error("sqlite storage is closed");
