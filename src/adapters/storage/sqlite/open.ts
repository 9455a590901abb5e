import BetterSqlite3 from "better-sqlite3";
import { Kysely, Migrator, SqliteDialect } from "kysely";
import { BackgroundCheckpointer } from "./checkpointer.ts";
import type { Committer } from "./committer.ts";
import { InlineGroupCommit } from "./group-commit.ts";
import { migrations } from "./migrations.ts";
import {
	AUTOCHECKPOINT_PAGES,
	BOUNDING_CHECKPOINT_PAGES,
	configureConnection,
	FINISH_LOG_AT_FRAMES,
	FINISH_LOG_AT_LEAST_EVERY_MS,
	readLastSeq,
} from "./pragmas.ts";
import type { Database } from "./schema.ts";
import { SqliteStorage } from "./storage.ts";
import { WorkerGroupCommit } from "./worker-commit.ts";

export interface SqliteOptions {
	/** A file path, or `:memory:` for tests. */
	path: string;
	/** How long events are kept; see `SqliteStorage.pruneExpired`. */
	retentionMs?: number;
	/**
	 * Where commits are written: `worker` (default for files) on a writer thread with its own
	 * connection, beside the event loop; `inline` on the calling thread (the only choice for
	 * `:memory:`, which one connection alone can see).
	 */
	writer?: "worker" | "inline";
	/**
	 * Where WAL checkpoints run: `background` (default for files) in a checkpointer thread, beside
	 * the writer (see `FINISH_LOG_AT_FRAMES` for the writer thread's part); `inline` inside
	 * commits, as SQLite does by default (so on the writer thread, with a worker writer).
	 */
	checkpoint?: "background" | "inline";
}

/**
 * Opens (or creates) the database file, sets the pragmas, migrates to the latest schema and
 * starts the writer.
 * @example const storage = await openSqliteStorage({ path: "data/bulwark.db", retentionMs: parseDuration("30d") })
 */
export async function openSqliteStorage(opts: SqliteOptions): Promise<SqliteStorage> {
	const inMemory = opts.path === ":memory:" || opts.path === "";
	const writer = opts.writer ?? (inMemory ? "inline" : "worker");
	if (inMemory && writer === "worker") {
		throw new Error("sqlite storage: an in-memory database cannot have a writer thread (use writer: 'inline')");
	}
	const sqlite = new BetterSqlite3(opts.path);
	try {
		configureConnection(sqlite);
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
	const checkpoint = opts.checkpoint ?? "background";
	const lastSeq = readLastSeq(sqlite);
	let committer: Committer;
	let checkpointer: BackgroundCheckpointer | undefined;
	if (!inMemory && checkpoint === "background") checkpointer = new BackgroundCheckpointer(sqlite, opts.path);
	if (writer === "worker") {
		// The writer thread checkpoints when the background thread cannot; this connection's rare
		// writes (keys, retention) must not run a checkpoint of the whole log on the event loop.
		sqlite.pragma("wal_autocheckpoint = 0");
		try {
			committer = await WorkerGroupCommit.start({
				path: opts.path,
				lastSeq,
				autocheckpointPages: checkpointer ? 0 : AUTOCHECKPOINT_PAGES,
				finishLog: checkpointer
					? {
							frames: checkpointer.logFrames,
							atFrames: FINISH_LOG_AT_FRAMES,
							atLeastEveryMs: FINISH_LOG_AT_LEAST_EVERY_MS,
						}
					: undefined,
			});
		} catch (err) {
			await checkpointer?.stop();
			await db.destroy();
			throw err;
		}
	} else {
		// The same bound on the log, here on the event loop (a rare, mostly copied checkpoint).
		if (checkpointer) sqlite.pragma(`wal_autocheckpoint = ${BOUNDING_CHECKPOINT_PAGES}`);
		committer = new InlineGroupCommit(sqlite, lastSeq);
	}
	return new SqliteStorage(sqlite, db, committer, { retentionMs: opts.retentionMs, checkpointer });
}
