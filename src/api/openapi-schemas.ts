import { EFFECT_KINDS, VERDICTS } from "../core/decisions/index.ts";
import { eventJsonSchema } from "../core/events/index.ts";
import { ENTITY_KINDS } from "../core/shared/index.ts";
import { ACTION_INPUT_SCHEMA } from "./action-input.ts";
import { ref } from "./openapi-parts.ts";

const str = { type: "string" } as const;
const int = { type: "integer" } as const;
const ms = { type: "integer", description: "milliseconds since the epoch" } as const;
const nullable = (schema: object) => ({ anyOf: [schema, { type: "null" }] });
const arrayOf = (items: object) => ({ type: "array", items });
const obj = (properties: Record<string, object>, required = Object.keys(properties)) => ({
	type: "object",
	required,
	properties,
});

function eventSchema(): object {
	const { $schema: _s, $id: _i, ...rest } = eventJsonSchema() as Record<string, unknown>;
	return rest;
}

const problemItem = obj(
	{ pointer: { ...str, description: "JSON pointer (RFC 6901) into the input" }, message: str, code: str },
	["pointer", "message"],
);

/** components.schemas of the OpenAPI document. */
export function componentSchemas(): Record<string, object> {
	return {
		Event: eventSchema(),
		Problem: {
			...obj(
				{
					type: { ...str, format: "uri", examples: ["https://bulwark.dev/problems/validation"] },
					title: str,
					status: int,
					detail: str,
					problems: arrayOf(problemItem),
					deadLetterId: { ...str, description: "the dead letter the rejected input was kept as" },
				},
				["type", "title", "status", "detail"],
			),
			description: "RFC 9457 problem details (application/problem+json)",
		},
		EntityRef: obj({ kind: { enum: ENTITY_KINDS }, id: str }),
		Effect: {
			type: "object",
			required: ["kind", "entity", "reason"],
			properties: { kind: { enum: EFFECT_KINDS }, entity: ref("EntityRef"), reason: str },
			additionalProperties: true,
			description: "a tagged union on `kind`; the other fields depend on it",
		},
		Trace: obj(
			{
				features: arrayOf(obj({ feature: str, id: str, value: {} })),
				signals: arrayOf({ type: "object" }),
				fired: arrayOf(str),
				errors: arrayOf(str),
				rules: {
					...arrayOf(
						obj(
							{
								rule: str,
								at: { ...str, description: "where the rule is declared: rules/spam.rules:42" },
								outcome: { enum: ["fired", "shadow", "held_back", "errored"] },
								effects: { ...arrayOf(ref("Effect")), description: "what it asked for (applied only when fired)" },
								seen: { type: "object", description: "the values it read, by source text" },
								error: str,
							},
							["rule", "at", "outcome", "effects", "seen"],
						),
					),
					description: "the rules pack's hits (rules that did not match are not listed); absent without rules",
				},
			},
			["features", "signals", "fired", "errors"],
		),
		DecisionResponse: obj(
			{
				eventId: str,
				verdict: { enum: VERDICTS },
				labels: arrayOf(str),
				effects: arrayOf(ref("Effect")),
				reasons: arrayOf(str),
				traceId: str,
				tookMs: { type: "number" },
				duplicate: { type: "boolean", description: "true when the event id was seen before: the original decision" },
				trace: { ...ref("Trace"), description: "only with ?trace=1" },
			},
			["eventId", "verdict", "labels", "effects", "reasons", "traceId", "tookMs", "duplicate"],
		),
		Decision: obj({
			eventId: str,
			verdict: { enum: VERDICTS },
			labels: arrayOf(str),
			effects: arrayOf(ref("Effect")),
			reasons: arrayOf(str),
			traceId: str,
			tookMs: { type: "number" },
			decidedAt: ms,
			trace: ref("Trace"),
		}),
		BatchResponse: obj({
			accepted: int,
			duplicates: int,
			rejected: int,
			results: arrayOf(
				obj(
					{
						line: { ...int, description: "1-based line number in the body" },
						status: { enum: ["accepted", "duplicate", "rejected"] },
						eventId: str,
						verdict: { enum: VERDICTS },
						labels: arrayOf(str),
						reasons: arrayOf(str),
						problems: arrayOf(problemItem),
						deadLetterId: nullable(str),
					},
					["line", "status"],
				),
			),
		}),
		Action: obj({
			id: str,
			ts: ms,
			who: str,
			kind: str,
			entity: str,
			reason: str,
			details: { type: "object" },
			eventId: nullable(str),
		}),
		ActionInput: ACTION_INPUT_SCHEMA,
		EntityView: obj({
			entity: {
				...nullable(
					obj({
						kind: { enum: ENTITY_KINDS },
						id: str,
						status: { enum: ["active", "suspended"] },
						suspendedUntil: nullable(ms),
						firstSeen: ms,
						lastSeen: ms,
					}),
				),
				description: "null when the entity has labels or actions but no events",
			},
			labels: arrayOf(
				obj(
					{
						entity: str,
						label: str,
						source: str,
						reason: str,
						by: str,
						createdAt: ms,
						expiresAt: nullable(ms),
						removedAt: nullable(ms),
						actionId: str,
						active: { type: "boolean", description: "not removed and not expired now" },
					},
					["label", "source", "reason", "by", "createdAt", "expiresAt", "active"],
				),
			),
			actions: arrayOf(ref("Action")),
			features: { type: "object", additionalProperties: true, description: "every feature of the kind, at asOf" },
			asOf: { ...ms, description: "?at=, else the entity's last event, else now" },
			events: arrayOf(obj({ seq: int, receivedAt: ms, source: str, event: ref("Event") })),
		}),
		DeadLetter: obj({
			id: str,
			receivedAt: ms,
			source: str,
			reason: { enum: ["parse", "schema", "unknown_type", "too_large"] },
			problems: arrayOf(problemItem),
			raw: str,
			truncated: { type: "boolean" },
			status: { enum: ["pending", "replayed", "discarded"] },
			replayedEventId: nullable(str),
			resolvedAt: nullable(ms),
		}),
		ReviewCase: obj({
			id: str,
			entity: str,
			queue: str,
			severity: { type: "number" },
			reason: str,
			openedAt: ms,
			eventId: nullable(str),
			status: { enum: ["open", "closed"] },
		}),
	};
}
