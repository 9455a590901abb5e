// Builders of valid events, decisions and records for storage tests (conformance and adapters).
import type { Decision, Verdict } from "../../core/decisions/index.ts";
import type { ActionRecord, ActiveLabel, Mutation, ReviewCase } from "../../core/enforcement/index.ts";
import type { BulwarkEvent } from "../../core/events/index.ts";
import type { AcceptedEvent, CommitBatch, DeadLetter } from "../../core/pipeline/index.ts";
import { account, newId } from "../../core/shared/index.ts";

export const ev = {
	login: (actor: string, ts: number, id = newId()): BulwarkEvent => ({
		id,
		type: "session.login",
		ts,
		actor,
		data: { success: true },
		context: { ip: "10.0.0.1" },
	}),
	post: (actor: string, postId: string, ts: number, id = newId()): BulwarkEvent => ({
		id,
		type: "post.created",
		ts,
		actor,
		data: { postId, text: `hello from ${actor}`, hashtags: ["news"] },
	}),
	like: (actor: string, postId: string, authorId: string, ts: number, id = newId()): BulwarkEvent => ({
		id,
		type: "post.liked",
		ts,
		actor,
		data: { postId, authorId },
	}),
	follow: (actor: string, targetId: string, ts: number, id = newId()): BulwarkEvent => ({
		id,
		type: "account.followed",
		ts,
		actor,
		data: { targetId },
	}),
	report: (
		actor: string,
		subject: { kind: "account" | "post"; id: string },
		ts: number,
		id = newId(),
	): BulwarkEvent => ({
		id,
		type: "report.filed",
		ts,
		actor,
		data: { subject, reason: "spam" },
	}),
};

/** A decision with a small but realistic trace. */
export function decisionFor(e: BulwarkEvent, verdict: Verdict = "allow"): Decision {
	return {
		eventId: e.id,
		verdict,
		labels: verdict === "allow" ? [] : ["spammy"],
		effects:
			verdict === "allow"
				? []
				: [
						{
							kind: "label.add",
							entity: account(e.actor),
							label: "spammy",
							ttlMs: 3_600_000,
							reason: "velocity",
							source: "rule",
						},
					],
		reasons: verdict === "allow" ? [] : ["posts_5m > 20"],
		traceId: `t-${e.id}`,
		tookMs: 0.42,
		decidedAt: e.ts + 1,
		trace: {
			features: [
				{ feature: "posts_5m", id: e.actor, value: 3 },
				{ feature: "distinct_ips_24h", id: e.actor, value: 1 },
			],
			signals: [],
			fired: verdict === "allow" ? [] : ["spam.velocity"],
			errors: [],
		},
	};
}

export function accepted(e: BulwarkEvent, verdict: Verdict = "allow", source = "apikey:test"): AcceptedEvent {
	return { event: e, decision: decisionFor(e, verdict), receivedAt: e.ts + 5, source };
}

export function batch(parts: Partial<CommitBatch> & { accepted?: BulwarkEvent[] } = {}): CommitBatch {
	return {
		events: [...(parts.events ?? []), ...(parts.accepted ?? []).map((e) => accepted(e))],
		mutations: parts.mutations ?? [],
		deadLetters: parts.deadLetters ?? [],
	};
}

export function actionRecord(entity: string, who: string, ts: number, kind = "label.add"): ActionRecord {
	return { id: newId(), ts, who, kind, entity, reason: "test", details: { n: ts }, eventId: null };
}

export function labelPut(
	entity: string,
	label: string,
	at: number,
	expiresAt: number | null,
	actionId = newId(),
): Mutation {
	const l: ActiveLabel = {
		label,
		source: "rule",
		reason: "test",
		createdAt: at,
		expiresAt,
		by: "policy:default",
		actionId,
	};
	return { kind: "label.put", entity, label: l };
}

export function reviewOpen(entity: string, queue: string, severity: number, at: number): Mutation {
	return { kind: "review.open", reviewCase: reviewCase(entity, queue, severity, at) };
}

export function reviewCase(entity: string, queue: string, severity: number, at: number): ReviewCase {
	return {
		id: newId(),
		entity,
		queue,
		severity,
		reason: "reported",
		openedAt: at,
		eventId: null,
		status: "open",
	};
}

export function deadLetter(receivedAt: number, id = newId()): DeadLetter {
	return {
		id,
		receivedAt,
		source: "apikey:test",
		reason: "schema",
		problems: [{ pointer: "/data/postId", message: "is required", code: "required" }],
		raw: '{"type":"post.liked","data":{}}',
		truncated: false,
		status: "pending",
		replayedEventId: null,
		resolvedAt: null,
	};
}
