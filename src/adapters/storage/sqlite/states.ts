import type { Kysely } from "kysely";
import { type EntityState, emptyState } from "../../../core/enforcement/index.ts";
import { toActiveLabel } from "./rows.ts";
import type { Database } from "./schema.ts";

/**
 * Hot state for start-up: every entity suspended at `now`, with a label in force at `now`, or
 * with an open review case. Entities named only by a label or a case need no `entities` row.
 */
export async function loadEntityStates(db: Kysely<Database>, now: number): Promise<EntityState[]> {
	const states = new Map<string, EntityState>();
	const state = (key: string) => {
		let s = states.get(key);
		if (!s) {
			s = emptyState(key);
			states.set(key, s);
		}
		return s;
	};
	const suspended = await db
		.selectFrom("entities")
		.select(["key", "suspended_until"])
		.where("status", "=", "suspended")
		.where((w) => w.or([w("suspended_until", "is", null), w("suspended_until", ">", now)]))
		.execute();
	for (const r of suspended) {
		const s = state(r.key);
		s.status = "suspended";
		s.suspendedUntil = r.suspended_until;
	}
	const labels = await db
		.selectFrom("labels")
		.selectAll()
		.where("removed_at", "is", null)
		.where((w) => w.or([w("expires_at", "is", null), w("expires_at", ">", now)]))
		.orderBy("entity")
		.orderBy("created_at")
		.execute();
	for (const r of labels) state(r.entity).labels.push(toActiveLabel(r));
	const cases = await db
		.selectFrom("review_cases")
		.select(["entity", "queue"])
		.where("status", "=", "open")
		.orderBy("entity")
		.orderBy("queue")
		.execute();
	for (const r of cases) state(r.entity).openCases.push(r.queue);
	return [...states.values()];
}
