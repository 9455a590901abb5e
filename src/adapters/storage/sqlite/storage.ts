import type BetterSqlite3 from "better-sqlite3";
import type { Kysely } from "kysely";
import type { ApiKey, ApiKeyStore } from "../../../core/access/index.ts";
import type { Decision } from "../../../core/decisions/index.ts";
import type { ActionRecord, EntityState, ReviewCase } from "../../../core/enforcement/index.ts";
import type {
	CommitBatch,
	DeadLetter,
	EntityRecord,
	EventStore,
	LabelRecord,
	Page,
	RecordReader,
	StoredEvent,
} from "../../../core/pipeline/index.ts";
import type { EntityRef } from "../../../core/shared/index.ts";
import type { BackgroundCheckpointer } from "./checkpointer.ts";
import * as dead from "./dead-letters.ts";
import { GroupCommit } from "./group-commit.ts";
import * as keys from "./keys.ts";
import * as reads from "./reads.ts";
import { pruneEvents } from "./retention.ts";
import type { Database } from "./schema.ts";
import { loadEntityStates } from "./states.ts";

/**
 * Durable records in one SQLite file: the embedded EventStore, RecordReader and ApiKeyStore.
 * Made by `openSqliteStorage`, which runs the migrations first. One process writes a file
 * (event seqs are assigned in memory; the app's data-folder lock ensures it); others may read.
 * @example
 * const storage = await openSqliteStorage({ path: ":memory:" });
 * await storage.commit({ events: [accepted], mutations: [], deadLetters: [] });
 * (await storage.findDecisions([accepted.event.id])).get(accepted.event.id); // the Decision
 */
export class SqliteStorage implements EventStore, RecordReader, ApiKeyStore {
	private readonly group: GroupCommit;
	private readonly decisionBody: BetterSqlite3.Statement<[string], string>;
	private readonly metaGet: BetterSqlite3.Statement<[string], string>;
	private readonly metaSet: BetterSqlite3.Statement<[string, string]>;
	/** How long events are kept, for `pruneExpired`; undefined keeps them forever. */
	readonly retentionMs: number | undefined;
	private readonly checkpointer: BackgroundCheckpointer | undefined;

	constructor(
		private readonly sqlite: BetterSqlite3.Database,
		private readonly db: Kysely<Database>,
		opts: { retentionMs?: number; checkpointer?: BackgroundCheckpointer } = {},
	) {
		this.retentionMs = opts.retentionMs;
		this.checkpointer = opts.checkpointer;
		const last = sqlite
			.prepare<[], number>(
				`SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0),
				            coalesce((SELECT max(seq) FROM events), 0))`,
			)
			.pluck()
			.get();
		this.group = new GroupCommit(sqlite, last ?? 0);
		this.decisionBody = sqlite.prepare<[string], string>("SELECT body FROM decisions WHERE event_id = ?").pluck();
		this.metaGet = sqlite.prepare<[string], string>("SELECT value FROM meta WHERE key = ?").pluck();
		this.metaSet = sqlite.prepare<[string, string]>(
			"INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
		);
	}

	/** Seq of the last event made durable. */
	get lastCommittedSeq(): number {
		return this.group.lastCommittedSeq;
	}

	/** Write transactions committed since open (group commit folds many `commit` calls into one). */
	get transactionCount(): number {
		return this.group.transactionCount;
	}

	/**
	 * Queues the batch; resolves once it is durable. Every batch queued in the same event-loop
	 * turn is written in one transaction.
	 * @example await storage.commit({ events: [{ event, decision, receivedAt, source: "cli" }], mutations: [], deadLetters: [] })
	 */
	commit(batch: CommitBatch): Promise<void> {
		return this.group.commit(batch);
	}

	/** Writes whatever is queued right now, synchronously (call before taking a snapshot). */
	flushSync(): void {
		this.group.flushSync();
	}

	/** Stored decisions by event id; also answers for events queued but not yet written. */
	async findDecisions(eventIds: readonly string[]): Promise<Map<string, Decision>> {
		const found = new Map<string, Decision>();
		for (const id of eventIds) {
			const body = this.decisionBody.get(id);
			const d = body === undefined ? this.group.inFlight.get(id) : (JSON.parse(body) as Decision);
			if (d) found.set(id, d);
		}
		return found;
	}

	async getDecision(eventId: string): Promise<Decision | undefined> {
		return (await this.findDecisions([eventId])).get(eventId);
	}

	getEntity(ref: EntityRef): Promise<EntityRecord | undefined> {
		return reads.getEntity(this.db, ref);
	}

	/** Ended = removed, or expired by the wall clock. */
	listLabels(entity: string, opts: { includeEnded: boolean }): Promise<LabelRecord[]> {
		return reads.listLabels(this.db, entity, opts.includeEnded, Date.now());
	}

	listActions(filter: { entity?: string; who?: string } & Page): Promise<ActionRecord[]> {
		return reads.listActions(this.db, filter);
	}

	recentEvents(ref: EntityRef, limit: number): Promise<StoredEvent[]> {
		return reads.recentEvents(this.db, ref, limit);
	}

	eventsAfter(afterSeq: number, limit: number): Promise<StoredEvent[]> {
		return reads.eventsAfter(this.db, afterSeq, limit);
	}

	async lastSeq(): Promise<number> {
		return this.group.lastCommittedSeq;
	}

	loadEntityStates(now: number): Promise<EntityState[]> {
		return loadEntityStates(this.db, now);
	}

	counts(): Promise<{ events: number; deadLetters: number; actions: number }> {
		return reads.counts(this.db);
	}

	listDeadLetters(filter: { status?: DeadLetter["status"] } & Page): Promise<DeadLetter[]> {
		return dead.listDeadLetters(this.db, filter);
	}

	getDeadLetter(id: string): Promise<DeadLetter | undefined> {
		return dead.getDeadLetter(this.db, id);
	}

	resolveDeadLetter(id: string, status: "replayed" | "discarded", eventId: string | null, at: number): Promise<void> {
		return dead.resolveDeadLetter(this.db, id, status, eventId, at);
	}

	listReviewCases(filter: { queue?: string; status?: ReviewCase["status"] } & Page): Promise<ReviewCase[]> {
		return reads.listReviewCases(this.db, filter);
	}

	findByHash(hash: string): Promise<ApiKey | undefined> {
		return keys.findKeyByHash(this.db, hash);
	}

	insert(key: ApiKey): Promise<void> {
		return keys.insertKey(this.db, key);
	}

	list(): Promise<ApiKey[]> {
		return keys.listKeys(this.db);
	}

	revoke(id: string, at: number): Promise<boolean> {
		return keys.revokeKey(this.db, id, at);
	}

	/** Deletes events (and decisions) received before the cutoff with seq ≤ `maxSeq`; returns how many. */
	pruneEvents(olderThanReceivedAt: number, maxSeq: number): number {
		return pruneEvents(this.sqlite, olderThanReceivedAt, maxSeq);
	}

	/** `pruneEvents(now - retentionMs, maxSeq)`; 0 when no retention is set. */
	pruneExpired(now: number, maxSeq: number): number {
		return this.retentionMs === undefined ? 0 : this.pruneEvents(now - this.retentionMs, maxSeq);
	}

	getMeta(key: string): string | undefined {
		return this.metaGet.get(key);
	}

	setMeta(key: string, value: string): void {
		this.metaSet.run(key, value);
	}

	/** Writes what is queued, then closes the file; later commits reject. */
	async close(): Promise<void> {
		this.group.close();
		await this.checkpointer?.stop();
		await this.db.destroy();
	}
}
