import type BetterSqlite3 from "better-sqlite3";

const CHUNK = 5_000;

/**
 * Deletes events received before `olderThanReceivedAt` with seq ≤ `maxSeq` (never past what a
 * snapshot covers), with their decisions. Works in chunks of one short transaction each, so
 * the write path waits at most one chunk. Returns how many events went.
 */
export function pruneEvents(db: BetterSqlite3.Database, olderThanReceivedAt: number, maxSeq: number): number {
	const pick = db.prepare<[number, number, number, number], { seq: number; actor: string; target: string | null }>(
		"SELECT seq, actor, target FROM events WHERE seq > ? AND seq <= ? AND received_at < ? ORDER BY seq LIMIT ?",
	);
	const dropEvent = db.prepare<[number]>("DELETE FROM events WHERE seq = ?");
	const dropEntry = db.prepare<[string, number]>("DELETE FROM event_entities WHERE entity = ? AND seq = ?");
	const chunk = db.transaction((rows: readonly { seq: number; actor: string; target: string | null }[]) => {
		for (const r of rows) {
			dropEvent.run(r.seq);
			dropEntry.run(`account:${r.actor}`, r.seq);
			if (r.target !== null) dropEntry.run(r.target, r.seq);
		}
	});
	// The log's last seq is its high-water mark (see `readLastSeq`); keep it in `meta` before
	// deleting, should retention empty the log, so that a seq is never reused.
	db.prepare(
		`INSERT INTO meta (key, value) SELECT 'seq', max(seq) FROM events WHERE true
		 ON CONFLICT (key) DO UPDATE SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))`,
	).run();
	let total = 0;
	let after = 0;
	for (;;) {
		const rows = pick.all(after, maxSeq, olderThanReceivedAt, CHUNK);
		if (rows.length === 0) return total;
		chunk(rows);
		total += rows.length;
		after = rows[rows.length - 1]!.seq;
	}
}
