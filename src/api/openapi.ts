import { listPaths, listSchemas } from "./openapi-lists.ts";
import { ERROR_RESPONSES, errors, json, ref } from "./openapi-parts.ts";
import { rulePaths, ruleSchemas } from "./openapi-rules.ts";
import { componentSchemas } from "./openapi-schemas.ts";

const path = (name: string, description: string, schema: object = { type: "string" }) => ({
	name,
	in: "path",
	required: true,
	description,
	schema,
});
const query = (name: string, description: string, schema: object = { type: "string" }) => ({
	name,
	in: "query",
	required: false,
	description,
	schema,
});
const paging = [
	query("limit", "rows per page (1-1000, default 100)", { type: "integer", minimum: 1, maximum: 1000, default: 100 }),
	query("before", "the `next` cursor of the previous page"),
];
const traceParam = query("trace", "1 to include the decision trace", { enum: ["1"] });
const entityParams = [
	path("kind", "entity kind", { enum: ["account", "post", "ip", "device"] }),
	path("id", "entity id"),
];
const page = (key: string, item: string) =>
	json({
		type: "object",
		required: [key, "next"],
		properties: { [key]: { type: "array", items: ref(item) }, next: { type: ["string", "null"] } },
	});
const open = { security: [] };

/**
 * The OpenAPI 3.1 document served at /openapi.json. Every /v1 route needs a bearer API key;
 * /healthz, /readyz, /metrics, /openapi.json and /v1/schema/event.json do not.
 */
export function openApiDocument(): object {
	return {
		openapi: "3.1.0",
		info: {
			title: "Bulwark API",
			version: "1",
			description:
				"Real-time trust & safety decisions. Errors are application/problem+json. /metrics is served on the same port " +
				"without auth: do not expose it publicly.",
		},
		security: [{ bearerAuth: [] }],
		paths: {
			"/v1/events": {
				post: {
					summary: "Submit one event; returns its decision",
					parameters: [traceParam],
					requestBody: { required: true, content: { "application/json": { schema: ref("Event") } } },
					responses: {
						"200": json(ref("DecisionResponse"), "the decision (duplicate: true for a repeated event id)"),
						...errors("400", "401", "413", "415", "429"),
					},
				},
			},
			"/v1/events/batch": {
				post: {
					summary: "Submit events as NDJSON, one a line; a result per line",
					requestBody: {
						required: true,
						content: Object.fromEntries(
							["application/x-ndjson", "application/ndjson", "text/plain"].map((t) => [
								t,
								{ schema: { type: "string" } },
							]),
						),
					},
					responses: { "200": json(ref("BatchResponse")), ...errors("400", "401", "413", "415", "429") },
				},
			},
			"/v1/entities/{kind}/{id}": {
				get: {
					summary: "Everything known about an entity: state, labels, actions, features, recent events",
					parameters: [
						...entityParams,
						query("at", "read features as of this time (ms); default the entity's last event", { type: "integer" }),
					],
					responses: { "200": json(ref("EntityView")), ...errors("400", "401", "404") },
				},
			},
			"/v1/entities/{kind}/{id}/actions": {
				post: {
					summary: "Act on an entity (audited as apikey:<name>)",
					parameters: entityParams,
					requestBody: { required: true, content: { "application/json": { schema: ref("ActionInput") } } },
					responses: {
						"200": json(
							{ type: "object", properties: { actions: { type: "array", items: ref("Action") } } },
							"the audit rows written (empty when nothing changed)",
						),
						...errors("400", "401", "413"),
					},
				},
			},
			"/v1/actions": {
				get: {
					summary: "The audit log, newest first",
					parameters: [
						query("entity", "KIND:ID, or list:NAME"),
						query("who", "e.g. apikey:ops, policy:default"),
						...paging,
					],
					responses: { "200": page("actions", "Action"), ...errors("400", "401") },
				},
			},
			"/v1/decisions/{eventId}": {
				get: {
					summary: "A stored decision with its trace",
					parameters: [path("eventId", "the event id")],
					responses: { "200": json(ref("Decision")), ...errors("401", "404") },
				},
			},
			"/v1/deadletters": {
				get: {
					summary: "Rejected inputs, newest first",
					parameters: [query("status", "filter", { enum: ["pending", "replayed", "discarded"] }), ...paging],
					responses: { "200": page("deadLetters", "DeadLetter"), ...errors("400", "401") },
				},
			},
			"/v1/deadletters/{id}": {
				get: {
					summary: "One dead letter",
					parameters: [path("id", "dead letter id")],
					responses: { "200": json(ref("DeadLetter")), ...errors("401", "404") },
				},
			},
			"/v1/deadletters/{id}/replay": {
				post: {
					summary: "Replay a pending dead letter, as stored or with a corrected event",
					parameters: [path("id", "dead letter id"), traceParam],
					requestBody: {
						required: false,
						content: {
							"application/json": {
								schema: { type: "object", additionalProperties: false, properties: { event: ref("Event") } },
							},
						},
					},
					responses: { "200": json(ref("DecisionResponse")), ...errors("400", "401", "404", "409", "429") },
				},
			},
			"/v1/deadletters/{id}/discard": {
				post: {
					summary: "Discard a pending dead letter",
					parameters: [path("id", "dead letter id")],
					responses: { "200": json(ref("DeadLetter")), ...errors("401", "404", "409") },
				},
			},
			"/v1/review/cases": {
				get: {
					summary: "Review cases, newest first",
					parameters: [
						query("queue", "queue name"),
						query("status", "filter", { enum: ["open", "closed"] }),
						...paging,
					],
					responses: { "200": page("cases", "ReviewCase"), ...errors("400", "401") },
				},
			},
			...listPaths(),
			...rulePaths(),
			"/v1/schema/event.json": {
				get: { summary: "The event contract as JSON Schema", ...open, responses: { "200": json(ref("Event")) } },
			},
			"/healthz": {
				get: {
					summary: "Liveness",
					...open,
					responses: { "200": json({ type: "object", properties: { ok: { const: true } } }) },
				},
			},
			"/readyz": {
				get: {
					summary: "Readiness: storage open, windows rebuilt",
					...open,
					responses: {
						"200": json(ref("Readiness")),
						"503": json(ref("Readiness"), "not ready"),
					},
				},
			},
			"/metrics": {
				get: {
					summary: "Prometheus metrics (do not expose publicly)",
					...open,
					responses: {
						"200": { description: "Prometheus text format", content: { "text/plain": { schema: { type: "string" } } } },
					},
				},
			},
			"/openapi.json": {
				get: { summary: "This document", ...open, responses: { "200": json({ type: "object" }) } },
			},
		},
		components: {
			securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", description: "an API key (bwk_...)" } },
			schemas: {
				...componentSchemas(),
				...listSchemas(),
				...ruleSchemas(),
				Readiness: {
					type: "object",
					required: ["ok", "checks"],
					properties: { ok: { type: "boolean" }, checks: { type: "object", additionalProperties: { type: "string" } } },
				},
			},
			responses: Object.fromEntries(
				Object.values(ERROR_RESPONSES).map(([name, description]) => [
					name,
					{
						description,
						...(name === "TooManyRequests" ? { headers: { "Retry-After": { schema: { type: "integer" } } } } : {}),
						content: { "application/problem+json": { schema: ref("Problem") } },
					},
				]),
			),
		},
	};
}
