import type BetterSqlite3 from "better-sqlite3";

/**
 * Per-connection settings, for the main connection and the writer thread's alike.
 * WAL + synchronous=NORMAL: a committed transaction survives kill -9 of the process (not a power
 * cut, which would lose at most the last few commits, never corrupt). `journal_mode` is stored
 * in the file; `synchronous` and the rest must be set on every connection.
 */
export function configureConnection(db: BetterSqlite3.Database): void {
	db.pragma("journal_mode = WAL");
	db.pragma("synchronous = NORMAL");
	db.pragma("busy_timeout = 5000");
	db.pragma("foreign_keys = OFF");
	// A transaction bigger than the page cache spills pages to the log twice; 64 MiB holds
	// a large group commit and the hot index pages.
	db.pragma("cache_size = -65536");
	db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT}`);
}

/** SQLite's default: checkpoint inside the commit that takes the log past this many pages. */
export const AUTOCHECKPOINT_PAGES = 1000;

/**
 * With a background checkpointer and the inline writer: the writing connection's own
 * checkpoint, inside a commit, once the log holds this many pages (32 MiB). The background
 * thread has copied most of the log by then; but only a checkpoint with no write beside it can
 * finish the log and let the next commit start it over from the beginning.
 */
export const BOUNDING_CHECKPOINT_PAGES = 8000;

/**
 * With a background checkpointer and the writer thread: the length of the log (frames, as the
 * background thread last saw it) past which the writer thread finishes the log itself, between
 * two writes. It never checkpoints inside a commit (SQLite's autocheckpoint held such a commit
 * 10-40 ms every ~0.6 s at 2,000 single-event commits a second, measured: the whole latency
 * tail). The background thread's passive checkpoints copy the log as it grows, but while the
 * writer keeps appending they never finish it, and only a finished log starts over from its
 * beginning: without this the log grows without bound (measured: 740 MB after 300k events).
 * The writer's own checkpoint has little left to copy, but costs a sync (3-8 ms, measured), so
 * it runs when the log is long rather than on a clock: 32,768 frames, 128 MiB of 4 KiB pages.
 */
export const FINISH_LOG_AT_FRAMES = 32_768;

/** The writer finishes the log at least this often, should the background thread stop reporting. */
export const FINISH_LOG_AT_LEAST_EVERY_MS = 10_000;

/**
 * The log file is cut back to this size when it starts over. Cutting a 64 MiB limit's worth of
 * blocks off the file held the next commit 25-35 ms every few seconds at 2,000 commits a second
 * (measured); the log is finished at 128 MiB (`FINISH_LOG_AT_FRAMES`), so its file stays well
 * under this unless a reader holds it back.
 */
export const JOURNAL_SIZE_LIMIT = 512 * 1024 * 1024;

/** The seq to continue from: the high-water mark in `meta`, or the log's last, whichever is higher. */
export function readLastSeq(db: BetterSqlite3.Database): number {
	const last = db
		.prepare<[], number>(
			`SELECT max(coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'seq'), 0),
			            coalesce((SELECT max(seq) FROM events), 0))`,
		)
		.pluck()
		.get();
	return last ?? 0;
}
