import type { Decision } from "../decisions/decision.ts";
import type { ActionRecord, Mutation, ReviewCase } from "../enforcement/records.ts";
import type { EntityState } from "../enforcement/state.ts";
import type { BulwarkEvent } from "../events/index.ts";
import type { EntityRef, Problem } from "../shared/index.ts";

export interface AcceptedEvent {
	event: BulwarkEvent;
	decision: Decision;
	receivedAt: number;
	/** Who sent it: the API key's name, `cli`, `replay:<deadletter id>`. */
	source: string;
	/** The JSON text as received (it passed validation, so it is exactly the event); spares a re-serialisation. */
	raw?: string;
}

export type DeadLetterReason = "parse" | "schema" | "unknown_type" | "too_large";

export interface DeadLetter {
	id: string;
	receivedAt: number;
	source: string;
	reason: DeadLetterReason;
	problems: Problem[];
	/** The body as received (cut to `rawLimit` bytes for oversized bodies; `truncated` says so). */
	raw: string;
	truncated: boolean;
	status: "pending" | "replayed" | "discarded";
	/** When replayed: the event id it became and when. */
	replayedEventId: string | null;
	resolvedAt: number | null;
}

/** Everything one unit of work makes durable, in one transaction. */
export interface CommitBatch {
	events: AcceptedEvent[];
	mutations: Mutation[];
	deadLetters: DeadLetter[];
}

/**
 * Durable records, write side. `commit` resolves only once the batch is durable (survives
 * kill -9); adapters may group concurrent commits into one transaction.
 */
export interface EventStore {
	findDecisions(eventIds: readonly string[]): Promise<Map<string, Decision>>;
	commit(batch: CommitBatch): Promise<void>;
}

export interface StoredEvent {
	seq: number;
	event: BulwarkEvent;
	receivedAt: number;
	source: string;
}

export interface EntityRecord {
	kind: string;
	id: string;
	status: "active" | "suspended";
	suspendedUntil: number | null;
	firstSeen: number;
	lastSeen: number;
}

export interface LabelRecord {
	entity: string;
	label: string;
	source: string;
	reason: string;
	by: string;
	createdAt: number;
	expiresAt: number | null;
	removedAt: number | null;
	actionId: string;
}

export interface Page {
	limit: number;
	/** Return rows older than this id / seq (exclusive), for paging newest first. */
	before?: string;
}

/** Durable records, read side: what the API, the CLI and start-up read. */
export interface RecordReader {
	getEntity(ref: EntityRef): Promise<EntityRecord | undefined>;
	listLabels(entity: string, opts: { includeEnded: boolean }): Promise<LabelRecord[]>;
	listActions(filter: { entity?: string; who?: string } & Page): Promise<ActionRecord[]>;
	recentEvents(ref: EntityRef, limit: number): Promise<StoredEvent[]>;
	getDecision(eventId: string): Promise<Decision | undefined>;
	listDeadLetters(filter: { status?: DeadLetter["status"] } & Page): Promise<DeadLetter[]>;
	getDeadLetter(id: string): Promise<DeadLetter | undefined>;
	resolveDeadLetter(id: string, status: "replayed" | "discarded", eventId: string | null, at: number): Promise<void>;
	listReviewCases(filter: { queue?: string; status?: ReviewCase["status"] } & Page): Promise<ReviewCase[]>;
	/** Events with seq > `afterSeq`, in order: used to rebuild windows after a restart. */
	eventsAfter(afterSeq: number, limit: number): Promise<StoredEvent[]>;
	lastSeq(): Promise<number>;
	/** Every entity with hot state worth keeping (suspended, labelled, with open cases). */
	loadEntityStates(now: number): Promise<EntityState[]>;
	counts(): Promise<{ events: number; deadLetters: number; actions: number }>;
}

/** In-process or JetStream topics the pipeline publishes to after commit. */
export interface Bus {
	publish(topic: string, messages: readonly unknown[]): Promise<void>;
	subscribe(topic: string, handler: (messages: readonly unknown[]) => void | Promise<void>): () => void;
}
