import type { Kysely } from "kysely";
import type { DeadLetter, Page } from "../../../core/pipeline/index.ts";
import { ConflictError, NotFoundError } from "../../../core/shared/index.ts";
import { toDeadLetter } from "./rows.ts";
import type { Database } from "./schema.ts";

type Db = Kysely<Database>;

/** Newest first (ids are ULIDs); `before` is an id, exclusive. */
export async function listDeadLetters(db: Db, f: { status?: DeadLetter["status"] } & Page): Promise<DeadLetter[]> {
	let q = db.selectFrom("dead_letters").selectAll();
	if (f.status !== undefined) q = q.where("status", "=", f.status);
	if (f.before !== undefined) q = q.where("id", "<", f.before);
	const rows = await q.orderBy("id", "desc").limit(f.limit).execute();
	return rows.map(toDeadLetter);
}

export async function getDeadLetter(db: Db, id: string): Promise<DeadLetter | undefined> {
	const r = await db.selectFrom("dead_letters").selectAll().where("id", "=", id).executeTakeFirst();
	return r && toDeadLetter(r);
}

/**
 * Marks a pending dead letter replayed or discarded. Throws NotFoundError for an unknown id and
 * ConflictError when it was resolved already (so two operators cannot replay it twice).
 */
export async function resolveDeadLetter(
	db: Db,
	id: string,
	status: "replayed" | "discarded",
	eventId: string | null,
	at: number,
): Promise<void> {
	const r = await db
		.updateTable("dead_letters")
		.set({ status, replayed_event_id: eventId, resolved_at: at })
		.where("id", "=", id)
		.where("status", "=", "pending")
		.executeTakeFirst();
	if (r.numUpdatedRows > 0n) return;
	const existing = await getDeadLetter(db, id);
	if (!existing) throw new NotFoundError(`dead letter "${id}" not found`, "/id");
	throw new ConflictError(`dead letter "${id}" is already ${existing.status}`);
}
