import { type Effect, SURFACES, type Surface } from "../core/decisions/index.ts";
import { type EntityRef, type Problem, parseDuration, ValidationError } from "../core/shared/index.ts";

export const ACTION_EFFECTS = [
	"label.add",
	"label.remove",
	"suspend",
	"unsuspend",
	"visibility.limit",
	"review.open",
] as const;
export type ActionEffect = (typeof ACTION_EFFECTS)[number];

/** The body of POST /v1/entities/:kind/:id/actions. */
export interface ActionInput {
	effect: ActionEffect;
	label?: string;
	/** A duration (`1h`, `7d`); null or absent for "until undone". */
	ttl?: string | null;
	surfaces?: Surface[];
	queue?: string;
	severity?: number;
	reason: string;
}

/** JSON Schema of the body (checked by fastify's Ajv; which fields each effect takes is checked in `toEffect`). */
export const ACTION_INPUT_SCHEMA = {
	type: "object",
	required: ["effect", "reason"],
	additionalProperties: false,
	properties: {
		effect: { enum: ACTION_EFFECTS },
		label: { type: "string", minLength: 1, maxLength: 64 },
		ttl: { type: ["string", "null"], maxLength: 32 },
		surfaces: { type: "array", minItems: 1, uniqueItems: true, items: { enum: SURFACES } },
		queue: { type: "string", minLength: 1, maxLength: 64 },
		severity: { type: "number", minimum: 0, maximum: 1 },
		reason: { type: "string", minLength: 1, maxLength: 500 },
	},
} as const;

const TAKES: Record<ActionEffect, readonly (keyof ActionInput)[]> = {
	"label.add": ["label", "ttl"],
	"label.remove": ["label"],
	suspend: ["ttl"],
	unsuspend: [],
	"visibility.limit": ["surfaces", "ttl"],
	"review.open": ["queue", "severity"],
};
const NEEDS: Partial<Record<ActionEffect, keyof ActionInput>> = {
	"label.add": "label",
	"label.remove": "label",
	"visibility.limit": "surfaces",
	"review.open": "queue",
};
const OPTIONAL = ["label", "ttl", "surfaces", "queue", "severity"] as const;

/**
 * Turns a schema-valid body into the Effect a person asks for (source `human`); every problem
 * (a missing label, a field the effect does not take, a bad ttl) is reported with its pointer.
 * @example toEffect(account("42"), { effect: "suspend", ttl: "7d", reason: "spam wave" })
 * // { kind: "suspend", entity: { kind: "account", id: "42" }, ttlMs: 604800000, reason: "spam wave", source: "human" }
 */
export function toEffect(entity: EntityRef, b: ActionInput): Effect {
	const problems: Problem[] = [];
	const takes = TAKES[b.effect];
	for (const f of OPTIONAL) {
		if (b[f] !== undefined && !takes.includes(f))
			problems.push({ pointer: `/${f}`, message: `does not apply to ${b.effect}`, code: "not_applicable" });
	}
	const need = NEEDS[b.effect];
	if (need && b[need] === undefined)
		problems.push({ pointer: `/${need}`, message: `is required for ${b.effect}`, code: "required" });
	const ttlMs = ttlOf(b.ttl, problems);
	if (problems.length) throw new ValidationError(`invalid ${b.effect} action`, problems);

	const { reason } = b;
	switch (b.effect) {
		case "label.add":
			return { kind: "label.add", entity, label: b.label as string, ttlMs, reason, source: "human" };
		case "label.remove":
			return { kind: "label.remove", entity, label: b.label as string, reason, source: "human" };
		case "suspend":
			return { kind: "suspend", entity, ttlMs, reason, source: "human" };
		case "unsuspend":
			return { kind: "unsuspend", entity, reason, source: "human" };
		case "visibility.limit":
			return { kind: "visibility.limit", entity, surfaces: b.surfaces as Surface[], ttlMs, reason, source: "human" };
		case "review.open":
			return { kind: "review.open", entity, queue: b.queue as string, severity: b.severity ?? 0.5, reason };
	}
}

function ttlOf(ttl: string | null | undefined, problems: Problem[]): number | null {
	if (ttl === undefined || ttl === null) return null;
	try {
		const ms = parseDuration(ttl);
		if (ms > 0) return ms;
		problems.push({ pointer: "/ttl", message: "must be longer than 0", code: "range" });
	} catch (err) {
		problems.push({ pointer: "/ttl", message: (err as Error).message, code: "duration" });
	}
	return null;
}
