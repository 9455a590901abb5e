import type { Selectable } from "kysely";
import type { ApiKey } from "../../../core/access/index.ts";
import type { ActionRecord, ActiveLabel, ReviewCase } from "../../../core/enforcement/index.ts";
import type { BulwarkEvent } from "../../../core/events/index.ts";
import type { DeadLetter, LabelRecord, StoredEvent } from "../../../core/pipeline/index.ts";
import type {
	ActionsTable,
	ApiKeysTable,
	DeadLettersTable,
	EventsTable,
	LabelsTable,
	ReviewCasesTable,
} from "./schema.ts";

/**
 * The entity key of what an event is about, kept in `events.target` so an entity's timeline
 * is one index range: the post for `post.*`, the followed account, the reported subject.
 */
export function eventTarget(e: BulwarkEvent): string | null {
	switch (e.type) {
		case "post.created":
		case "post.deleted":
		case "post.liked":
		case "post.reposted":
		case "post.viewed":
			return `post:${e.data.postId}`;
		case "account.followed":
		case "account.unfollowed":
			return `account:${e.data.targetId}`;
		case "report.filed":
			return `${e.data.subject.kind}:${e.data.subject.id}`;
		default:
			return null;
	}
}

export function toStoredEvent(
	r: Pick<Selectable<EventsTable>, "seq" | "body" | "received_at" | "source">,
): StoredEvent {
	return { seq: r.seq, event: JSON.parse(r.body) as BulwarkEvent, receivedAt: r.received_at, source: r.source };
}

export function toLabelRecord(r: Selectable<LabelsTable>): LabelRecord {
	return {
		entity: r.entity,
		label: r.label,
		source: r.source,
		reason: r.reason,
		by: r.by,
		createdAt: r.created_at,
		expiresAt: r.expires_at,
		removedAt: r.removed_at,
		actionId: r.action_id,
	};
}

export function toActiveLabel(r: Selectable<LabelsTable>): ActiveLabel {
	return {
		label: r.label,
		source: r.source as ActiveLabel["source"],
		reason: r.reason,
		createdAt: r.created_at,
		expiresAt: r.expires_at,
		by: r.by,
		actionId: r.action_id,
	};
}

export function toActionRecord(r: Selectable<ActionsTable>): ActionRecord {
	return {
		id: r.id,
		ts: r.ts,
		who: r.who,
		kind: r.kind,
		entity: r.entity,
		reason: r.reason,
		details: JSON.parse(r.details) as Record<string, unknown>,
		eventId: r.event_id,
	};
}

export function toReviewCase(r: Selectable<ReviewCasesTable>): ReviewCase {
	return {
		id: r.id,
		entity: r.entity,
		queue: r.queue,
		severity: r.severity,
		reason: r.reason,
		openedAt: r.opened_at,
		eventId: r.event_id,
		status: r.status,
	};
}

export function toDeadLetter(r: Selectable<DeadLettersTable>): DeadLetter {
	return {
		id: r.id,
		receivedAt: r.received_at,
		source: r.source,
		reason: r.reason as DeadLetter["reason"],
		problems: JSON.parse(r.problems) as DeadLetter["problems"],
		raw: r.raw,
		truncated: r.truncated === 1,
		status: r.status,
		replayedEventId: r.replayed_event_id,
		resolvedAt: r.resolved_at,
	};
}

export function toApiKey(r: Selectable<ApiKeysTable>): ApiKey {
	return {
		id: r.id,
		name: r.name,
		prefix: r.prefix,
		hash: r.hash,
		createdAt: r.created_at,
		revokedAt: r.revoked_at,
	};
}
