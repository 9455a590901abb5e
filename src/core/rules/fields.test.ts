import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DATA_SCHEMAS } from "../events/schema.ts";
import { EVENT_TYPES } from "../events/types.ts";
import { DATA, type Field } from "./fields.ts";

type Schema = {
	type?: string;
	enum?: unknown[];
	required?: string[];
	properties?: Record<string, Schema>;
	items?: Schema;
};

/** The rules type a JSON Schema node should have, as a short string. */
function schemaKind(s: Schema): string {
	if (s.type === "array") return "list";
	if (s.type === "object") return "object";
	if (s.type === "integer") return "number";
	if (!s.type && s.enum) return typeof s.enum[0];
	return s.type ?? "?";
}

function fieldKind(f: Field): string {
	if ("object" in f) return "object";
	if (f.keys) return "object";
	const t = f.type.t;
	return t === "entity" ? "string" : t === "bool" ? "boolean" : t;
}

describe("event fields rules can read", () => {
	for (const type of EVENT_TYPES) {
		it(`match the contract of ${type}`, () => {
			const schema = DATA_SCHEMAS[type] as Schema;
			const walk = (s: Schema, fields: Record<string, Field>, at: string) => {
				assert.deepEqual(Object.keys(fields).sort(), Object.keys(s.properties ?? {}).sort(), `fields of ${at}`);
				for (const [name, sub] of Object.entries(s.properties ?? {})) {
					const f = fields[name] as Field;
					assert.equal(fieldKind(f), schemaKind(sub), `type of ${at}.${name}`);
					assert.equal(!!f.optional, !(s.required ?? []).includes(name), `optionality of ${at}.${name}`);
					if ("object" in f && sub.properties) walk(sub, f.object, `${at}.${name}`);
				}
			};
			walk(schema, DATA[type], type);
		});
	}
});
