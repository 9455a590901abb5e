import { LIST_KINDS, MAX_ENTRIES, MAX_REASON_LENGTH, MAX_VALUE_LENGTH } from "../core/rules/index.ts";
import { errors, json, ref } from "./openapi-parts.ts";

/** The /v1/lists part of the OpenAPI document (paths and component schemas). */
const name = { name: "name", in: "path", required: true, description: "the list's name", schema: { type: "string" } };
const query = (n: string, description: string, schema: object = { type: "string" }) => ({
	name: n,
	in: "query",
	required: false,
	description,
	schema,
});
const ms = { type: "integer", description: "milliseconds since the epoch" } as const;
const nullable = (schema: object) => ({ anyOf: [schema, { type: "null" }] });
const str = { type: "string" } as const;
const kind = { enum: LIST_KINDS };

export function listPaths(): Record<string, object> {
	return {
		"/v1/lists": {
			get: {
				summary: "Every list: the pack's declared lists and the managed ones, with kind and size",
				responses: {
					"200": json({
						type: "object",
						required: ["lists"],
						properties: { lists: { type: "array", items: ref("ListSummary") } },
					}),
					...errors("400", "401"),
				},
			},
		},
		"/v1/lists/{name}": {
			get: {
				summary: "A managed list with a page of its entries (by normalised key; expired entries are not shown)",
				parameters: [
					name,
					query("prefix", "only keys starting with this (e.g. `10.1.` or `example.`)"),
					query("limit", "entries per page (1-1000, default 100)", { type: "integer", minimum: 1, maximum: 1000 }),
					query("cursor", "the `next` of the previous page"),
				],
				responses: { "200": json(ref("ListPage")), ...errors("400", "401", "404", "409") },
			},
			put: {
				summary:
					"Add or refresh entries (replace: true swaps the whole content atomically); audited; live for the next event",
				description:
					"JSON, or NDJSON (one entry a line, as a string or an object; kind, replace, reason and ttl in the query string). " +
					"Every invalid entry is reported with its JSON pointer and nothing is written. A kind other than the list's or " +
					"the pack's declaration, or a list written in a rules file, is a 409. The body limit is --batch-limit.",
				parameters: [
					name,
					query("kind", "NDJSON only", kind),
					query("replace", "NDJSON only", { enum: ["true", "false"] }),
					query("reason", "NDJSON only"),
					query("ttl", "NDJSON only: the TTL of entries without one"),
				],
				requestBody: {
					required: true,
					content: {
						"application/json": { schema: ref("ListPut") },
						...Object.fromEntries(
							["application/x-ndjson", "application/ndjson", "text/plain"].map((t) => [t, { schema: str }]),
						),
					},
				},
				responses: { "200": json(ref("ListPutResult")), ...errors("400", "401", "409", "413", "415") },
			},
			delete: {
				summary: "Delete a list the rules do not declare (a declared one is emptied with replace)",
				parameters: [name, query("reason", "why, for the audit log")],
				responses: {
					"200": json({ type: "object", properties: { name: str, dropped: { type: "integer" }, actionId: str } }),
					...errors("400", "401", "404", "409"),
				},
			},
		},
		"/v1/lists/{name}/entries": {
			delete: {
				summary: "Remove entries by value (as the kind normalises it); audited",
				parameters: [name],
				requestBody: {
					required: true,
					content: {
						"application/json": {
							schema: {
								type: "object",
								required: ["values"],
								additionalProperties: false,
								properties: { values: { type: "array", items: str, minItems: 1 }, reason: str },
							},
						},
					},
				},
				responses: {
					"200": json({
						type: "object",
						properties: {
							name: str,
							removed: { type: "integer" },
							missing: { type: "array", items: str },
							size: { type: "integer" },
							actionId: nullable(str),
						},
					}),
					...errors("400", "401", "404", "409", "413"),
				},
			},
		},
		"/v1/lists/{name}/check": {
			get: {
				summary: "Whether a value matches the list as a rule reads it (CIDR ranges, parent domains), and which entries",
				parameters: [
					name,
					{ ...query("value", "an IP, URL, domain, hash, keyword or text"), required: true },
					query("at", "as of this time (ms); default now", { type: "integer" }),
				],
				responses: { "200": json(ref("ListCheck")), ...errors("400", "401", "404", "409") },
			},
		},
	};
}

export function listSchemas(): Record<string, object> {
	const entry = {
		type: "object",
		required: ["value", "key", "expiresAt", "addedAt", "addedBy", "reason"],
		properties: {
			value: { ...str, description: "as given" },
			key: { ...str, description: "as the kind normalises it (10.0.0.0/8, bit.ly/3xq)" },
			expiresAt: nullable(ms),
			addedAt: ms,
			addedBy: { ...str, description: "apikey:<name>, cli:<user>" },
			reason: nullable(str),
		},
	};
	const summary = {
		name: str,
		kind,
		size: {
			...nullable({ type: "integer" }),
			description: "entries in memory; null for a list written in a rules file",
		},
		declared: { type: "boolean", description: "the live rules pack declares it" },
		managed: { type: "boolean", description: "false: its entries are written in the rules file" },
		createdAt: nullable(ms),
		updatedAt: nullable(ms),
	};
	return {
		ListSummary: { type: "object", required: Object.keys(summary), properties: summary },
		ListEntry: entry,
		ListPage: {
			type: "object",
			required: [...Object.keys(summary), "entries", "next"],
			properties: { ...summary, entries: { type: "array", items: ref("ListEntry") }, next: nullable(str) },
		},
		ListPut: {
			type: "object",
			required: ["entries"],
			additionalProperties: false,
			properties: {
				kind: { ...kind, description: "required when the list does not exist and the pack does not declare it" },
				entries: {
					type: "array",
					maxItems: MAX_ENTRIES,
					items: {
						anyOf: [
							{ type: "string", maxLength: MAX_VALUE_LENGTH },
							{
								type: "object",
								required: ["value"],
								additionalProperties: false,
								properties: {
									value: { type: "string", maxLength: MAX_VALUE_LENGTH },
									expiresAt: { ...nullable(ms), description: "not with ttl" },
									ttl: { ...str, examples: ["7d"], description: "not with expiresAt" },
								},
							},
						],
					},
				},
				replace: { type: "boolean", default: false },
				reason: { type: "string", maxLength: MAX_REASON_LENGTH },
				ttl: { ...str, description: "the TTL of entries that give neither expiresAt nor ttl" },
			},
		},
		ListPutResult: {
			type: "object",
			required: ["name", "kind", "written", "replaced", "size", "actionId"],
			properties: {
				name: str,
				kind,
				written: { type: "integer" },
				replaced: { type: "boolean" },
				size: { type: "integer" },
				actionId: { ...str, description: "the audit row" },
			},
		},
		ListCheck: {
			type: "object",
			required: ["name", "kind", "value", "at", "matches", "entries"],
			properties: {
				name: str,
				kind,
				value: str,
				at: ms,
				matches: { type: "boolean", description: "`value in name` as a rule reads it at `at`" },
				entries: {
					type: "array",
					items: ref("ListEntry"),
					description: "the stored entries it matches, most specific first",
				},
			},
		},
	};
}
