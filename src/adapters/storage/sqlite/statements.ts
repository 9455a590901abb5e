import type BetterSqlite3 from "better-sqlite3";
import type { Cell } from "./wire.ts";

/**
 * The write path's statements, prepared once per connection. Plain parameterised SQL: the
 * write path runs per row, so it must not build queries (column names match `schema.ts`).
 * Idempotent inserts name their conflict target (not `OR IGNORE`, which would also swallow a
 * NOT NULL violation and drop the row silently).
 */
export function prepareWrites(db: BetterSqlite3.Database) {
	return {
		// Parameters: seq, then the `EVENT_COLUMNS` cells of a wire row (see `wire.ts`).
		insertEvent: db.prepare<[number, ...(Cell | undefined)[]]>(
			`INSERT INTO events (seq, id, type, actor, target, ts, received_at, source, body, verdict, decision)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
		),
		// Events (from, to] into `event_entities`, sorted so the B-tree is filled page by page.
		indexEntities: db.prepare<[{ from: number; to: number }]>(
			`INSERT OR IGNORE INTO event_entities (entity, seq)
			 SELECT e, s FROM (
			   SELECT 'account:' || actor AS e, seq AS s FROM events WHERE seq > @from AND seq <= @to
			   UNION ALL
			   SELECT target, seq FROM events WHERE seq > @from AND seq <= @to AND target IS NOT NULL
			 ) ORDER BY e, s`,
		),
		saveIndexed: db.prepare<[string]>(
			"INSERT INTO meta (key, value) VALUES ('indexed_seq', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
		),
		touchEntity: db.prepare<[number, number, string]>(
			"UPDATE entities SET first_seen = min(first_seen, ?), last_seen = max(last_seen, ?) WHERE key = ?",
		),
		upsertEntity: db.prepare<[string, string, string, number, number]>(
			`INSERT INTO entities (key, kind, id, status, suspended_until, first_seen, last_seen)
			 VALUES (?, ?, ?, 'active', NULL, ?, ?)
			 ON CONFLICT (key) DO UPDATE SET
			   first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)`,
		),
		setEntityStatus: db.prepare<[string, string, string, string, number | null, number, number]>(
			`INSERT INTO entities (key, kind, id, status, suspended_until, first_seen, last_seen)
			 VALUES (?, ?, ?, ?, ?, ?, ?)
			 ON CONFLICT (key) DO UPDATE SET status = excluded.status, suspended_until = excluded.suspended_until`,
		),
		insertAction: db.prepare<[string, number, string, string, string, string, string, string | null]>(
			`INSERT INTO actions (id, ts, who, kind, entity, reason, details, event_id)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
		),
		// A label in force (not removed, not expired at the new put's time) is extended in place.
		updateLabel: db.prepare<[number | null, string, string, string, string, string, string, number]>(
			`UPDATE labels SET expires_at = ?, reason = ?, source = ?, by = ?, action_id = ?
			 WHERE entity = ? AND label = ? AND removed_at IS NULL AND (expires_at IS NULL OR expires_at > ?)`,
		),
		insertLabel: db.prepare<[string, string, string, string, string, number, number | null, string]>(
			`INSERT INTO labels (entity, label, source, reason, by, created_at, expires_at, removed_at, action_id)
			 VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?)`,
		),
		removeLabel: db.prepare<[number, string, string]>(
			"UPDATE labels SET removed_at = ? WHERE entity = ? AND label = ? AND removed_at IS NULL",
		),
		openReview: db.prepare<[string, string, string, number, string, number, string | null]>(
			`INSERT INTO review_cases (id, entity, queue, severity, reason, opened_at, event_id, status)
			 VALUES (?, ?, ?, ?, ?, ?, ?, 'open')
			 ON CONFLICT (id) DO NOTHING
			 ON CONFLICT (entity, queue) WHERE status = 'open' DO UPDATE SET severity = max(severity, excluded.severity)`,
		),
		bumpReview: db.prepare<[number, string, string]>(
			"UPDATE review_cases SET severity = max(severity, ?) WHERE entity = ? AND queue = ? AND status = 'open'",
		),
		insertDeadLetter: db.prepare<
			[string, number, string, string, string, string, number, string, string | null, number | null]
		>(
			`INSERT INTO dead_letters
			 (id, received_at, source, reason, problems, raw, truncated, status, replayed_event_id, resolved_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
		),
	};
}

export type WriteStatements = ReturnType<typeof prepareWrites>;
