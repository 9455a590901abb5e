import type { Generated } from "kysely";

/**
 * The tables as Kysely sees them (read side and migrations). Times are milliseconds since the
 * epoch; `*_json` free text columns hold JSON; booleans are 0/1.
 */
export interface Database {
	events: EventsTable;
	event_entities: EventEntitiesTable;
	entities: EntitiesTable;
	labels: LabelsTable;
	actions: ActionsTable;
	review_cases: ReviewCasesTable;
	dead_letters: DeadLettersTable;
	api_keys: ApiKeysTable;
	meta: MetaTable;
	rule_versions: RuleVersionsTable;
	rule_deploys: RuleDeploysTable;
	lists: ListsTable;
	list_entries: ListEntriesTable;
}

export interface EventsTable {
	seq: number;
	id: string;
	type: string;
	actor: string;
	/** Entity key of what the event is about (`post:p1`, `account:a2`), or null. */
	target: string | null;
	ts: number;
	received_at: number;
	source: string;
	/** The event as JSON. */
	body: string;
	verdict: string;
	/** The Decision as JSON (a repeated event id keeps the first). */
	decision: string;
}

/** Which events are by or about which entity, up to `indexed_seq` in `meta` (see migration 0002). */
export interface EventEntitiesTable {
	/** Entity key: `account:<actor>` for the actor, and the event's `target`. */
	entity: string;
	seq: number;
}

export interface EntitiesTable {
	/** `kind:id` */
	key: string;
	kind: string;
	id: string;
	status: "active" | "suspended";
	suspended_until: number | null;
	first_seen: number;
	last_seen: number;
}

export interface LabelsTable {
	entity: string;
	label: string;
	source: string;
	reason: string;
	by: string;
	created_at: number;
	expires_at: number | null;
	removed_at: number | null;
	action_id: string;
}

export interface ActionsTable {
	id: string;
	ts: number;
	who: string;
	kind: string;
	entity: string;
	reason: string;
	/** JSON object. */
	details: string;
	event_id: string | null;
}

export interface ReviewCasesTable {
	id: string;
	entity: string;
	queue: string;
	severity: number;
	reason: string;
	opened_at: number;
	event_id: string | null;
	status: "open" | "closed";
}

export interface DeadLettersTable {
	id: string;
	received_at: number;
	source: string;
	reason: string;
	/** JSON array of Problem. */
	problems: string;
	raw: string;
	truncated: number;
	status: "pending" | "replayed" | "discarded";
	replayed_event_id: string | null;
	resolved_at: number | null;
}

export interface ApiKeysTable {
	id: string;
	name: string;
	prefix: string;
	hash: string;
	created_at: number;
	revoked_at: number | null;
}

export interface MetaTable {
	key: string;
	value: string;
}

/** A managed list (see migration 0004). */
export interface ListsTable {
	name: string;
	/** A ListKind: `domains`, `ip_ranges`, `hashes`, `keywords`, `strings`. */
	kind: string;
	created_at: number;
	updated_at: number;
}

export interface ListEntriesTable {
	list: string;
	/** The entry as its kind normalises it (`10.0.0.0/8`, `bit.ly/3xq`): unique per list. */
	key: string;
	/** The entry as it was given. */
	value: string;
	expires_at: number | null;
	added_at: number;
	/** `apikey:<name>`, `cli:<user>` */
	added_by: string;
	reason: string | null;
}

/** A rules pack version, once per content (see migration 0003). */
export interface RuleVersionsTable {
	/** The content hash: 12 hex digits. */
	version: string;
	/** JSON `[{ path, text }]`, paths relative to the pack's folder. */
	files: string;
	created_at: number;
}

/** The deploy history: the last row's version is the active one. */
export interface RuleDeploysTable {
	seq: Generated<number>;
	version: string;
	/** `deploy`, `rollback` or `folder`. */
	kind: string;
	author: string;
	message: string;
	created_at: number;
}
