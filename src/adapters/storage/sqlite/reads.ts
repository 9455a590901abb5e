import { type Kysely, sql } from "kysely";
import type { ActionRecord, ReviewCase } from "../../../core/enforcement/index.ts";
import type { EntityRecord, LabelRecord, Page, StoredEvent } from "../../../core/pipeline/index.ts";
import { type EntityRef, entityKey } from "../../../core/shared/index.ts";
import { toActionRecord, toLabelRecord, toReviewCase, toStoredEvent } from "./rows.ts";
import type { Database } from "./schema.ts";

type Db = Kysely<Database>;

export async function getEntity(db: Db, ref: EntityRef): Promise<EntityRecord | undefined> {
	const key = entityKey(ref);
	const r = await db.selectFrom("entities").selectAll().where("key", "=", key).executeTakeFirst();
	if (!r) {
		// Posts (and anything else without a row) are known by the events about them.
		const span = await db
			.selectFrom("events")
			.select((s) => [s.fn.min<number>("ts").as("first"), s.fn.max<number>("ts").as("last")])
			.where("target", "=", key)
			.executeTakeFirst();
		if (!span || span.first === null) return undefined;
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
export async function recentEvents(db: Db, ref: EntityRef, limit: number): Promise<StoredEvent[]> {
	const about = db.selectFrom("events").select(["seq", "body", "received_at", "source"]);
	const queries = [about.where("target", "=", entityKey(ref))];
	if (ref.kind === "account") queries.push(about.where("actor", "=", ref.id));
	const lists = await Promise.all(queries.map((q) => q.orderBy("seq", "desc").limit(limit).execute()));
	const bySeq = new Map(lists.flat().map((r) => [r.seq, r]));
	return [...bySeq.values()]
		.sort((a, b) => b.seq - a.seq)
		.slice(0, limit)
		.map(toStoredEvent);
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
