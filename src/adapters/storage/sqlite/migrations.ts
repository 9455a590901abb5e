import { type Kysely, type Migration, type MigrationProvider, sql } from "kysely";

/**
 * The schema, as in-code migrations run by Kysely's Migrator on open. Append new migrations
 * with the next number; never edit a released one.
 */
export const migrations: MigrationProvider = {
	async getMigrations(): Promise<Record<string, Migration>> {
		return {
			"0001_init": { up: up0001, down: down0001 },
			"0002_event_entities": { up: up0002, down: down0002 },
			"0003_rule_versions": { up: up0003, down: down0003 },
			"0004_lists": { up: up0004, down: down0004 },
		};
	},
};

// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was then
type AnyDb = Kysely<any>;

async function up0001(db: AnyDb): Promise<void> {
	const s = db.schema;
	// One row per event with its decision: the write path inserts one row. Seqs are appended in
	// order; the event id (often random) goes only into the narrow unique index that makes
	// repeated ids idempotent.
	await s
		.createTable("events")
		.addColumn("seq", "integer", (c) => c.primaryKey())
		.addColumn("id", "text", (c) => c.notNull().unique())
		.addColumn("type", "text", (c) => c.notNull())
		.addColumn("actor", "text", (c) => c.notNull())
		.addColumn("target", "text")
		.addColumn("ts", "integer", (c) => c.notNull())
		.addColumn("received_at", "integer", (c) => c.notNull())
		.addColumn("source", "text", (c) => c.notNull())
		.addColumn("body", "text", (c) => c.notNull())
		.addColumn("verdict", "text", (c) => c.notNull())
		.addColumn("decision", "text", (c) => c.notNull())
		.execute();
	await s.createIndex("events_actor_seq").on("events").columns(["actor", "seq"]).execute();
	// Partial: logins and profile updates have no target and need no entry.
	await s
		.createIndex("events_target_seq")
		.on("events")
		.columns(["target", "seq"])
		.where(sql.ref("target"), "is not", null)
		.execute();

	await s
		.createTable("entities")
		.addColumn("key", "text", (c) => c.primaryKey())
		.addColumn("kind", "text", (c) => c.notNull())
		.addColumn("id", "text", (c) => c.notNull())
		.addColumn("status", "text", (c) => c.notNull().defaultTo("active"))
		.addColumn("suspended_until", "integer")
		.addColumn("first_seen", "integer", (c) => c.notNull())
		.addColumn("last_seen", "integer", (c) => c.notNull())
		.execute();
	// Start-up loads suspended entities; a partial index keeps that off a full scan.
	await s
		.createIndex("entities_suspended")
		.on("entities")
		.column("key")
		.where(sql.ref("status"), "=", "suspended")
		.execute();

	await s
		.createTable("labels")
		.addColumn("entity", "text", (c) => c.notNull())
		.addColumn("label", "text", (c) => c.notNull())
		.addColumn("source", "text", (c) => c.notNull())
		.addColumn("reason", "text", (c) => c.notNull())
		.addColumn("by", "text", (c) => c.notNull())
		.addColumn("created_at", "integer", (c) => c.notNull())
		.addColumn("expires_at", "integer")
		.addColumn("removed_at", "integer")
		.addColumn("action_id", "text", (c) => c.notNull())
		.execute();
	await s.createIndex("labels_entity_label").on("labels").columns(["entity", "label"]).execute();

	await s
		.createTable("actions")
		.addColumn("id", "text", (c) => c.primaryKey())
		.addColumn("ts", "integer", (c) => c.notNull())
		.addColumn("who", "text", (c) => c.notNull())
		.addColumn("kind", "text", (c) => c.notNull())
		.addColumn("entity", "text", (c) => c.notNull())
		.addColumn("reason", "text", (c) => c.notNull())
		.addColumn("details", "text", (c) => c.notNull())
		.addColumn("event_id", "text")
		.execute();
	await s.createIndex("actions_entity_id").on("actions").columns(["entity", "id"]).execute();
	await s.createIndex("actions_who_id").on("actions").columns(["who", "id"]).execute();

	await s
		.createTable("review_cases")
		.addColumn("id", "text", (c) => c.primaryKey())
		.addColumn("entity", "text", (c) => c.notNull())
		.addColumn("queue", "text", (c) => c.notNull())
		.addColumn("severity", "real", (c) => c.notNull())
		.addColumn("reason", "text", (c) => c.notNull())
		.addColumn("opened_at", "integer", (c) => c.notNull())
		.addColumn("event_id", "text")
		.addColumn("status", "text", (c) => c.notNull())
		.execute();
	// At most one open case per entity and queue; a second open bumps the first.
	await s
		.createIndex("review_cases_open")
		.on("review_cases")
		.columns(["entity", "queue"])
		.unique()
		.where(sql.ref("status"), "=", "open")
		.execute();
	await s.createIndex("review_cases_queue_id").on("review_cases").columns(["queue", "id"]).execute();

	await s
		.createTable("dead_letters")
		.addColumn("id", "text", (c) => c.primaryKey())
		.addColumn("received_at", "integer", (c) => c.notNull())
		.addColumn("source", "text", (c) => c.notNull())
		.addColumn("reason", "text", (c) => c.notNull())
		.addColumn("problems", "text", (c) => c.notNull())
		.addColumn("raw", "text", (c) => c.notNull())
		.addColumn("truncated", "integer", (c) => c.notNull())
		.addColumn("status", "text", (c) => c.notNull())
		.addColumn("replayed_event_id", "text")
		.addColumn("resolved_at", "integer")
		.execute();
	await s.createIndex("dead_letters_status_id").on("dead_letters").columns(["status", "id"]).execute();

	await s
		.createTable("api_keys")
		.addColumn("id", "text", (c) => c.primaryKey())
		.addColumn("name", "text", (c) => c.notNull())
		.addColumn("prefix", "text", (c) => c.notNull())
		.addColumn("hash", "text", (c) => c.notNull().unique())
		.addColumn("created_at", "integer", (c) => c.notNull())
		.addColumn("revoked_at", "integer")
		.execute();

	await s
		.createTable("meta")
		.addColumn("key", "text", (c) => c.primaryKey())
		.addColumn("value", "text", (c) => c.notNull())
		.execute();
}

async function down0001(db: AnyDb): Promise<void> {
	for (const t of ["meta", "api_keys", "dead_letters", "review_cases", "actions", "labels", "entities", "events"]) {
		await db.schema.dropTable(t).ifExists().execute();
	}
}

/**
 * Events by entity move from two indexes on `events` (actor, target), which the write path
 * had to update row by row at random places (a page written per event per index), to a table
 * the writer fills in bulk, sorted, behind the log (see `BatchWriter`): `indexed_seq` in
 * `meta` is the last seq it covers, and readers scan the few events after it.
 */
async function up0002(db: AnyDb): Promise<void> {
	await sql`CREATE TABLE event_entities (entity TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (entity, seq)) WITHOUT ROWID`.execute(
		db,
	);
	await sql`INSERT OR IGNORE INTO event_entities (entity, seq)
		SELECT e, s FROM (
			SELECT 'account:' || actor AS e, seq AS s FROM events
			UNION ALL SELECT target, seq FROM events WHERE target IS NOT NULL
		) ORDER BY e, s`.execute(db);
	await sql`INSERT INTO meta (key, value) VALUES ('indexed_seq', (SELECT coalesce(max(seq), 0) FROM events))
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`.execute(db);
	await db.schema.dropIndex("events_actor_seq").ifExists().execute();
	await db.schema.dropIndex("events_target_seq").ifExists().execute();
}

async function down0002(db: AnyDb): Promise<void> {
	await db.schema.createIndex("events_actor_seq").ifNotExists().on("events").columns(["actor", "seq"]).execute();
	await db.schema
		.createIndex("events_target_seq")
		.ifNotExists()
		.on("events")
		.columns(["target", "seq"])
		.where(sql.ref("target"), "is not", null)
		.execute();
	await db.schema.dropTable("event_entities").ifExists().execute();
	await sql`DELETE FROM meta WHERE key = 'indexed_seq'`.execute(db);
}

/**
 * Managed lists (`PUT /v1/lists/:name`, `bulwark lists`): one row per list, one per entry keyed
 * by (list, normalised key) so a repeated upsert updates in place. Entries are clustered by list
 * and key (WITHOUT ROWID): loading a list, paging it by key and replacing it read one range.
 */
async function up0004(db: AnyDb): Promise<void> {
	await sql`CREATE TABLE lists (
		name TEXT PRIMARY KEY, kind TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
	)`.execute(db);
	await sql`CREATE TABLE list_entries (
		list TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, expires_at INTEGER,
		added_at INTEGER NOT NULL, added_by TEXT NOT NULL, reason TEXT,
		PRIMARY KEY (list, key)
	) WITHOUT ROWID`.execute(db);
	// The periodic sweep finds expired entries without a scan; entries that never expire stay out.
	await sql`CREATE INDEX list_entries_expires ON list_entries (expires_at) WHERE expires_at IS NOT NULL`.execute(db);
}

async function down0004(db: AnyDb): Promise<void> {
	await db.schema.dropTable("list_entries").ifExists().execute();
	await db.schema.dropTable("lists").ifExists().execute();
}

/**
 * Rules deployed over the API (`PUT /v1/rules`, `bulwark rules deploy`): each version once, by
 * its content hash, with its files as JSON `[{ path, text }]`; and the deploy history, one row
 * per deploy or rollback. The active version is the last deploy's.
 */
async function up0003(db: AnyDb): Promise<void> {
	await sql`CREATE TABLE rule_versions (
		version TEXT PRIMARY KEY, files TEXT NOT NULL, created_at INTEGER NOT NULL
	)`.execute(db);
	await sql`CREATE TABLE rule_deploys (
		seq INTEGER PRIMARY KEY, version TEXT NOT NULL REFERENCES rule_versions (version), kind TEXT NOT NULL,
		author TEXT NOT NULL, message TEXT NOT NULL, created_at INTEGER NOT NULL
	)`.execute(db);
	await sql`CREATE INDEX rule_deploys_version ON rule_deploys (version, seq)`.execute(db);
}

async function down0003(db: AnyDb): Promise<void> {
	await db.schema.dropTable("rule_deploys").ifExists().execute();
	await db.schema.dropTable("rule_versions").ifExists().execute();
}
