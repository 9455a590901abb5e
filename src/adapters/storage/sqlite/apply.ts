import type { Mutation } from "../../../core/enforcement/index.ts";
import type { WriteStatements } from "./statements.ts";
import { EVENT_COLUMNS, type WireBatch } from "./wire.ts";

/** First and last event time of one entity (within a flush, or as last written). */
export interface Seen {
	first: number;
	last: number;
}

/**
 * Only accounts get an entity row from their events (posts, far more numerous, are described
 * by their events: see `reads.getEntity`); any entity gets one when its status is set.
 * `first_seen`/`last_seen` are kept to this resolution: an entity already written is not
 * rewritten for an event within a minute of what its row says, which spares the write path
 * an UPDATE per event for every active account.
 */
export const SEEN_RESOLUTION_MS = 60_000;

/**
 * Writes batches with the prepared statements; the caller wraps it in one transaction.
 * Sequence numbers are assigned here (one writer per database file), from `afterSeq` on, and
 * only to events whose row was new: a repeated event id is stored once.
 *
 * Entities: a key in `known` has a row whose span covers at least the one remembered, so it
 * gets at most one UPDATE per flush, and none within `SEEN_RESOLUTION_MS`; other keys are
 * upserted. `written` lists the spans written, for the caller to remember once committed.
 */
export function writeBatches(
	s: WriteStatements,
	known: ReadonlyMap<string, Seen>,
	batches: readonly WireBatch[],
	afterSeq: number,
): { seq: number; written: Map<string, Seen> } {
	let seq = afterSeq;
	const seen = new Map<string, Seen>();
	const see = (key: string, ts: number) => {
		const t = seen.get(key);
		if (t === undefined) seen.set(key, { first: ts, last: ts });
		else if (ts > t.last) t.last = ts;
		else if (ts < t.first) t.first = ts;
	};
	for (const batch of batches) {
		const r = batch.rows;
		for (let j = 0; j < r.length; j += EVENT_COLUMNS) {
			const row = s.insertEvent.run(
				seq + 1,
				r[j],
				r[j + 1],
				r[j + 2],
				r[j + 3],
				r[j + 4],
				r[j + 5],
				r[j + 6],
				r[j + 7],
				r[j + 8],
				r[j + 9],
			);
			if (row.changes === 0) continue;
			seq++;
			see(`account:${r[j + 2] as string}`, r[j + 4] as number);
		}
		for (const m of batch.mutations) applyMutation(s, m);
		for (const d of batch.deadLetters) {
			s.insertDeadLetter.run(
				d.id,
				d.receivedAt,
				d.source,
				d.reason,
				JSON.stringify(d.problems),
				d.raw,
				d.truncated ? 1 : 0,
				d.status,
				d.replayedEventId,
				d.resolvedAt,
			);
		}
	}
	const written = new Map<string, Seen>();
	for (const [key, t] of seen) {
		const k = known.get(key);
		if (k === undefined) {
			const i = key.indexOf(":");
			s.upsertEntity.run(key, key.slice(0, i), key.slice(i + 1), t.first, t.last);
			written.set(key, t);
		} else if (t.last > k.last + SEEN_RESOLUTION_MS || t.first < k.first - SEEN_RESOLUTION_MS) {
			const span = { first: Math.min(t.first, k.first), last: Math.max(t.last, k.last) };
			s.touchEntity.run(span.first, span.last, key);
			written.set(key, span);
		}
	}
	return { seq, written };
}

function applyMutation(s: WriteStatements, m: Mutation): void {
	switch (m.kind) {
		case "action": {
			const a = m.action;
			s.insertAction.run(a.id, a.ts, a.who, a.kind, a.entity, a.reason, JSON.stringify(a.details), a.eventId);
			return;
		}
		case "label.put": {
			const l = m.label;
			const extended = s.updateLabel.run(
				l.expiresAt,
				l.reason,
				l.source,
				l.by,
				l.actionId,
				m.entity,
				l.label,
				l.createdAt,
			);
			if (extended.changes === 0) {
				s.insertLabel.run(m.entity, l.label, l.source, l.reason, l.by, l.createdAt, l.expiresAt, l.actionId);
			}
			return;
		}
		case "label.remove":
			s.removeLabel.run(m.at, m.entity, m.label);
			return;
		case "entity.status": {
			const i = m.entity.indexOf(":");
			s.setEntityStatus.run(m.entity, m.entity.slice(0, i), m.entity.slice(i + 1), m.status, m.until, m.at, m.at);
			return;
		}
		case "review.open": {
			const c = m.reviewCase;
			s.openReview.run(c.id, c.entity, c.queue, c.severity, c.reason, c.openedAt, c.eventId);
			return;
		}
		case "review.bump":
			s.bumpReview.run(m.severity, m.entity, m.queue);
			return;
	}
}
