import BetterSqlite3 from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { Migrator } from "kysely/migration";
import { BackgroundCheckpointer } from "./checkpointer.ts";
import { migrations } from "./migrations.ts";
import type { Database } from "./schema.ts";
import { SqliteStorage } from "./storage.ts";

export interface SqliteOptions {
	/** A file path, or `:memory:` for tests. */
	path: string;
	/** How long events are kept; see `SqliteStorage.pruneExpired`. */
	retentionMs?: number;
	/**
	 * Where WAL checkpoints run: `background` (default for files) in a worker thread, off the
	 * event loop; `inline` inside commits, as SQLite does by default.
	 */
	checkpoint?: "background" | "inline";
}

/**
 * Opens (or creates) the database file, sets the pragmas and migrates to the latest schema.
 * @example const storage = await openSqliteStorage({ path: "data/bulwark.db", retentionMs: parseDuration("30d") })
 */
export async function openSqliteStorage(opts: SqliteOptions): Promise<SqliteStorage> {
	const sqlite = new BetterSqlite3(opts.path);
	try {
		// WAL + synchronous=NORMAL: a committed transaction survives kill -9 of the process
		// (not a power cut, which would lose at most the last few commits, never corrupt).
		sqlite.pragma("journal_mode = WAL");
		sqlite.pragma("synchronous = NORMAL");
		sqlite.pragma("busy_timeout = 5000");
		sqlite.pragma("foreign_keys = OFF");
		// A transaction bigger than the page cache spills pages to the log twice; 64 MiB holds
		// a large group commit and the hot index pages.
		sqlite.pragma("cache_size = -65536");
		sqlite.pragma("journal_size_limit = 67108864");
	} catch (err) {
		sqlite.close();
		throw err;
	}
	const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
	const { error } = await new Migrator({ db, provider: migrations }).migrateToLatest();
	if (error) {
		await db.destroy();
		throw new Error(`sqlite storage at ${opts.path}: migration failed: ${String(error)}`, { cause: error });
	}
	const inMemory = opts.path === ":memory:" || opts.path === "";
	const checkpointer =
		!inMemory && (opts.checkpoint ?? "background") === "background"
			? new BackgroundCheckpointer(sqlite, opts.path)
			: undefined;
	return new SqliteStorage(sqlite, db, { retentionMs: opts.retentionMs, checkpointer });
}
