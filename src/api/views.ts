import type { Decision, Trace } from "../core/decisions/index.ts";
import type { Outcome } from "../core/pipeline/index.ts";
import { ENTITY_KINDS, type EntityRef, isEntityKind, type Problem, ValidationError } from "../core/shared/index.ts";

/** The answer to one event, as POST /v1/events and a replay return it. */
export type DecisionView = Omit<Decision, "decidedAt" | "trace"> & { duplicate: boolean; trace?: Trace };

export function decisionView(d: Decision, duplicate: boolean, withTrace: boolean): DecisionView {
	const v: DecisionView = {
		eventId: d.eventId,
		verdict: d.verdict,
		labels: d.labels,
		effects: d.effects,
		reasons: d.reasons,
		traceId: d.traceId,
		tookMs: d.tookMs,
		duplicate,
	};
	if (withTrace) v.trace = d.trace;
	return v;
}

type Rejected = Extract<Outcome, { status: "rejected" }>;

const REJECTED_DETAIL: Record<Rejected["reason"], string> = {
	parse: "the body is not valid JSON",
	schema: "the event does not match the contract",
	unknown_type: "the event type is not one this server knows",
	too_large: "the body is too large",
};

/** The 400 for an event the processor rejected, naming the dead letter it was kept as. */
export function rejectedError(out: Rejected): ValidationError {
	const kept = out.deadLetterId ? `; kept as dead letter ${out.deadLetterId}` : "";
	return new ValidationError(REJECTED_DETAIL[out.reason] + kept, out.problems, out.deadLetterId ?? undefined);
}

/** The entity named by `:kind/:id` path parameters; problems point at `/kind` and `/id`. */
export function entityFromParams(params: unknown): EntityRef {
	const p = params as { kind?: string; id?: string };
	const problems: Problem[] = [];
	const kind = p.kind ?? "";
	const id = p.id ?? "";
	if (!isEntityKind(kind))
		problems.push({ pointer: "/kind", message: `must be one of ${ENTITY_KINDS.join(", ")}`, code: "enum" });
	if (id === "" || id.length > 128)
		problems.push({ pointer: "/id", message: "must be 1 to 128 characters", code: "length" });
	if (problems.length || !isEntityKind(kind)) throw new ValidationError("invalid entity in the path", problems);
	return { kind, id };
}
