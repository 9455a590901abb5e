import { type Kysely, type Selectable, sql } from "kysely";
import type { ActionRecord, ReviewCase } from "../../../core/enforcement/index.ts";
import type { EntityRecord, LabelRecord, Page, StoredEvent } from "../../../core/pipeline/index.ts";
import { type EntityRef, entityKey } from "../../../core/shared/index.ts";
import { toActionRecord, toLabelRecord, toReviewCase, toStoredEvent } from "./rows.ts";
import type { Database, EventsTable } from "./schema.ts";

type Db = Kysely<Database>;

/** The last seq in `event_entities` (see migration 0002), as a subquery. */
const INDEXED_SEQ = sql`SELECT coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'indexed_seq'), 0)`;

export async function getEntity(db: Db, ref: EntityRef): Promise<EntityRecord | undefined> {
	const key = entityKey(ref);
	const r = await db.selectFrom("entities").selectAll().where("key", "=", key).executeTakeFirst();
	if (!r) {
		// Posts (and anything else without a row) are known by the events about them.
		const { rows } = await sql<{ first: number | null; last: number | null }>`
			SELECT min(ts) AS first, max(ts) AS last FROM events WHERE seq IN (
				SELECT seq FROM event_entities WHERE entity = ${key} AND seq <= (${INDEXED_SEQ})
				UNION ALL
				SELECT seq FROM events WHERE seq > (${INDEXED_SEQ}) AND target = ${key}
			)`.execute(db);
		const span = rows[0];
		if (!span || span.first === null || span.last === null) return undefined;
		return {
			kind: ref.kind,
			id: ref.id,
			status: "active",
			suspendedUntil: null,
			firstSeen: span.first,
			lastSeen: span.last,
		};
	}
	return {
		kind: r.kind,
		id: r.id,
		status: r.status,
		suspendedUntil: r.suspended_until,
		firstSeen: r.first_seen,
		lastSeen: r.last_seen,
	};
}

/** Labels of an entity, oldest first; without `includeEnded`, only those in force at `now`. */
export async function listLabels(db: Db, entity: string, includeEnded: boolean, now: number): Promise<LabelRecord[]> {
	let q = db.selectFrom("labels").selectAll().where("entity", "=", entity);
	if (!includeEnded) {
		q = q.where("removed_at", "is", null).where((w) => w.or([w("expires_at", "is", null), w("expires_at", ">", now)]));
	}
	const rows = await q.orderBy("created_at").orderBy(sql`rowid`).execute();
	return rows.map(toLabelRecord);
}

export async function listActions(db: Db, f: { entity?: string; who?: string } & Page): Promise<ActionRecord[]> {
	let q = db.selectFrom("actions").selectAll();
	if (f.entity !== undefined) q = q.where("entity", "=", f.entity);
	if (f.who !== undefined) q = q.where("who", "=", f.who);
	if (f.before !== undefined) q = q.where("id", "<", f.before);
	const rows = await q.orderBy("id", "desc").limit(f.limit).execute();
	return rows.map(toActionRecord);
}

/** Events by an account or about an entity, newest first: two index ranges, merged. */
/**
 * The latest events by or about an entity, newest first: from `event_entities` up to its
 * `indexed_seq`, and from a scan of the few events after it (one statement, one snapshot).
 */
export async function recentEvents(db: Db, ref: EntityRef, limit: number): Promise<StoredEvent[]> {
	const key = entityKey(ref);
	const actor = ref.kind === "account" ? ref.id : null;
	const { rows } = await sql<Pick<Selectable<EventsTable>, "seq" | "body" | "received_at" | "source">>`
		SELECT seq, body, received_at, source FROM events WHERE seq IN (
			SELECT seq FROM (
				SELECT seq FROM event_entities WHERE entity = ${key} AND seq <= (${INDEXED_SEQ})
				ORDER BY seq DESC LIMIT ${limit}
			)
			UNION ALL
			SELECT seq FROM events WHERE seq > (${INDEXED_SEQ}) AND (actor = ${actor} OR target = ${key})
		)
		ORDER BY seq DESC LIMIT ${limit}`.execute(db);
	return rows.map(toStoredEvent);
}

export async function eventsAfter(db: Db, afterSeq: number, limit: number): Promise<StoredEvent[]> {
	const rows = await db
		.selectFrom("events")
		.select(["seq", "body", "received_at", "source"])
		.where("seq", ">", afterSeq)
		.orderBy("seq")
		.limit(limit)
		.execute();
	return rows.map(toStoredEvent);
}

export async function listReviewCases(
	db: Db,
	f: { queue?: string; status?: ReviewCase["status"] } & Page,
): Promise<ReviewCase[]> {
	let q = db.selectFrom("review_cases").selectAll();
	if (f.queue !== undefined) q = q.where("queue", "=", f.queue);
	if (f.status !== undefined) q = q.where("status", "=", f.status);
	if (f.before !== undefined) q = q.where("id", "<", f.before);
	const rows = await q.orderBy("id", "desc").limit(f.limit).execute();
	return rows.map(toReviewCase);
}

export async function counts(db: Db): Promise<{ events: number; deadLetters: number; actions: number }> {
	const n = (t: "events" | "dead_letters" | "actions") =>
		db
			.selectFrom(t)
			.select((s) => s.fn.countAll<number>().as("n"))
			.executeTakeFirstOrThrow()
			.then((r) => r.n);
	const [events, deadLetters, actions] = await Promise.all([n("events"), n("dead_letters"), n("actions")]);
	return { events, deadLetters, actions };
}
