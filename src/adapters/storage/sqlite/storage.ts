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
import type { Committer } from "./committer.ts";
import * as dead from "./dead-letters.ts";
import * as keys from "./keys.ts";
import { SqliteListRepository } from "./lists.ts";
import * as reads from "./reads.ts";
import { pruneEvents } from "./retention.ts";
import { SqliteRuleVersions } from "./rule-versions.ts";
import type { Database } from "./schema.ts";
import { SeenIds } from "./seen-ids.ts";
import { loadEntityStates } from "./states.ts";

/**
 * Durable records in one SQLite file: the embedded EventStore, RecordReader and ApiKeyStore.
 * Made by `openSqliteStorage`, which runs the migrations first. One process writes a file
 * (event seqs are assigned in memory; the app's data-folder lock ensures it); others may read.
 * Commits go through a `Committer` (by default a writer thread, see `WorkerGroupCommit`); reads,
 * API keys, dead-letter resolution and retention use this thread's own connection.
 * @example
 * const storage = await openSqliteStorage({ path: ":memory:" });
 * await storage.commit({ events: [accepted], mutations: [], deadLetters: [] });
 * (await storage.findDecisions([accepted.event.id])).get(accepted.event.id); // the Decision
 */
export class SqliteStorage implements EventStore, RecordReader, ApiKeyStore {
	private readonly decisionBody: BetterSqlite3.Statement<[string], string>;
	private readonly decisionBodies: BetterSqlite3.Statement<[string], [string, string]>;
	private readonly metaGet: BetterSqlite3.Statement<[string], string>;
	private readonly metaSet: BetterSqlite3.Statement<[string, string]>;
	/** How long events are kept, for `pruneExpired`; undefined keeps them forever. */
	readonly retentionMs: number | undefined;
	private readonly checkpointer: BackgroundCheckpointer | undefined;
	private readonly seen: SeenIds;
	/** Managed lists (`PUT /v1/lists/:name`), on this thread's connection. */
	readonly lists: SqliteListRepository;
	/** Rule versions and the deploy history (`PUT /v1/rules`), on this thread's connection. */
	readonly ruleVersions: SqliteRuleVersions;

	constructor(
		private readonly sqlite: BetterSqlite3.Database,
		private readonly db: Kysely<Database>,
		private readonly committer: Committer,
		opts: { retentionMs?: number; checkpointer?: BackgroundCheckpointer } = {},
	) {
		this.retentionMs = opts.retentionMs;
		this.checkpointer = opts.checkpointer;
		this.seen = new SeenIds(sqlite, committer.lastCommittedSeq);
		this.lists = new SqliteListRepository(sqlite, db);
		this.ruleVersions = new SqliteRuleVersions(sqlite, db);
		this.decisionBody = sqlite.prepare<[string], string>("SELECT decision FROM events WHERE id = ?").pluck();
		this.decisionBodies = sqlite
			.prepare<[string], [string, string]>(
				"SELECT e.id, e.decision FROM json_each(?) AS j CROSS JOIN events AS e ON e.id = j.value",
			)
			.raw();
		this.metaGet = sqlite.prepare<[string], string>("SELECT value FROM meta WHERE key = ?").pluck();
		this.metaSet = sqlite.prepare<[string, string]>(
			"INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
		);
	}

	/** True once the ids stored before open are in the dedupe filter (until then every lookup reads). */
	get idFilterLoaded(): boolean {
		return this.seen.loaded;
	}

	/** Seq of the last event made durable. */
	get lastCommittedSeq(): number {
		return this.committer.lastCommittedSeq;
	}

	/** Write transactions committed since open (group commit folds many `commit` calls into one). */
	get transactionCount(): number {
		return this.committer.transactionCount;
	}

	/**
	 * Queues the batch; resolves once it is durable. Every batch queued in the same event-loop
	 * turn is written in one transaction.
	 * @example await storage.commit({ events: [{ event, decision, receivedAt, source: "cli" }], mutations: [], deadLetters: [] })
	 */
	commit(batch: CommitBatch): Promise<void> {
		for (const a of batch.events) this.seen.add(a.event.id);
		return this.committer.commit(batch);
	}

	/**
	 * Returns once everything committed so far is written, synchronously (call before taking a
	 * snapshot, then read `lastCommittedSeq`). Throws if the writer thread died.
	 */
	flushSync(): void {
		this.committer.flushSync();
	}

	/** Stored decisions by event id; also answers for events committed but not yet confirmed written. */
	async findDecisions(eventIds: readonly string[]): Promise<Map<string, Decision>> {
		const found = new Map<string, Decision>();
		// Most ids are new: the filter answers for them without a read.
		const maybe = eventIds.filter((id) => this.seen.mayHave(id));
		if (maybe.length === 1) {
			const body = this.decisionBody.get(maybe[0]!);
			if (body !== undefined) found.set(maybe[0]!, JSON.parse(body) as Decision);
		} else if (maybe.length > 1) {
			// One statement for the lot: probing the index from SQL costs a tenth of a statement run per id.
			for (const [id, body] of this.decisionBodies.all(JSON.stringify(maybe))) {
				found.set(id, JSON.parse(body) as Decision);
			}
		}
		for (const id of maybe) {
			if (found.has(id)) continue;
			const d = this.committer.pendingDecision(id);
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

	/** Rejects once the writer thread has died, so a readiness check shows it. */
	async lastSeq(): Promise<number> {
		if (this.committer.failure) throw this.committer.failure;
		return this.committer.lastCommittedSeq;
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

	/** Deletes events (with their decisions) received before the cutoff with seq ≤ `maxSeq`; returns how many. */
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
		this.seen.stop();
		await this.committer.close();
		await this.checkpointer?.stop();
		await this.db.destroy();
	}
}
