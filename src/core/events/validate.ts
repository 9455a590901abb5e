import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import type { Problem } from "../shared/errors.ts";
import { DATA_SCHEMAS, ENVELOPE_SCHEMA } from "./schema.ts";
import { type BulwarkEvent, EVENT_TYPES, type EventType } from "./types.ts";

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
const envelope = ajv.compile(ENVELOPE_SCHEMA);
const dataValidators = new Map<string, ValidateFunction>(EVENT_TYPES.map((t) => [t, ajv.compile(DATA_SCHEMAS[t])]));

export type Validation = { ok: true; event: BulwarkEvent } | { ok: false; problems: Problem[] };

/**
 * Checks a parsed JSON value against the event contract and returns every problem with its
 * JSON pointer, not only the first.
 * @example validateEvent({ id: "e1", type: "post.liked", ts: 1, actor: "a", data: {} })
 * // { ok: false, problems: [{ pointer: "/data/postId", message: "is required" }, ...] }
 */
export function validateEvent(value: unknown): Validation {
	if (typeof value !== "object" || value === null || Array.isArray(value)) {
		return { ok: false, problems: [{ pointer: "", message: "an event must be a JSON object", code: "type" }] };
	}
	const problems: Problem[] = [];
	if (!envelope(value)) problems.push(...toProblems(envelope.errors ?? [], ""));
	const v = value as { type?: unknown; data?: unknown };
	if (typeof v.type === "string") {
		const check = dataValidators.get(v.type);
		if (!check) {
			problems.push({
				pointer: "/type",
				message: `unknown event type "${v.type}" (known: ${EVENT_TYPES.join(", ")})`,
				code: "unknown_type",
			});
		} else if (typeof v.data === "object" && v.data !== null && !Array.isArray(v.data) && !check(v.data)) {
			problems.push(...toProblems(check.errors ?? [], "/data"));
		}
	}
	return problems.length ? { ok: false, problems } : { ok: true, event: value as BulwarkEvent };
}

export function isKnownType(t: string): t is EventType {
	return dataValidators.has(t);
}

function escapePointer(segment: string): string {
	return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

function toProblems(errors: ErrorObject[], prefix: string): Problem[] {
	return errors.map((e) => {
		const at = prefix + e.instancePath;
		switch (e.keyword) {
			case "required":
				return {
					pointer: `${at}/${escapePointer(String(e.params.missingProperty))}`,
					message: "is required",
					code: "required",
				};
			case "additionalProperties":
				return {
					pointer: `${at}/${escapePointer(String(e.params.additionalProperty))}`,
					message: "is not a field of this event",
					code: "unknown_field",
				};
			case "const":
				return { pointer: at, message: `must be ${JSON.stringify(e.params.allowedValue)}`, code: "const" };
			case "enum":
				return {
					pointer: at,
					message: `must be one of ${(e.params.allowedValues as unknown[]).map((x) => JSON.stringify(x)).join(", ")}`,
					code: "enum",
				};
			default:
				return { pointer: at, message: e.message ?? "is invalid", code: e.keyword };
		}
	});
}
