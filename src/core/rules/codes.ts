/**
 * The diagnostic catalogue: every code the rules toolchain can report, its severity and a
 * one-line title. Codes never change meaning; new ones get new numbers. docs/rules.md lists
 * them all (a test keeps the two in step).
 *
 * R1xxx: reading the text (lexer, parser). R2xxx: names. R3xxx: types and values.
 * R4xxx: rule hygiene (warnings).
 */
export const CODES = {
	R1001: { severity: "error", title: "unexpected character" },
	R1002: { severity: "error", title: "unterminated string" },
	R1003: { severity: "error", title: "invalid escape in a string" },
	R1004: { severity: "error", title: "invalid number, duration or percentage" },
	R1101: { severity: "error", title: "unexpected token" },
	R1102: { severity: "error", title: "expected a declaration (feature, list, let, rule)" },
	R1103: { severity: "error", title: "clause given twice" },
	R1104: { severity: "error", title: "missing clause" },
	R2001: { severity: "error", title: "unknown name" },
	R2002: { severity: "error", title: "unknown event type" },
	R2003: { severity: "error", title: "unknown feature" },
	R2004: { severity: "error", title: "unknown list" },
	R2005: { severity: "error", title: "unknown function" },
	R2006: { severity: "error", title: "unknown event field" },
	R2007: { severity: "error", title: "unknown signal" },
	R2008: { severity: "error", title: "duplicate declaration" },
	R2009: { severity: "error", title: "circular definition" },
	R2010: { severity: "error", title: "unknown list kind" },
	R2011: { severity: "error", title: "unknown surface" },
	R2012: { severity: "error", title: "unknown challenge" },
	R2013: { severity: "error", title: "reserved name" },
	R3001: { severity: "error", title: "operator does not apply to these types" },
	R3002: { severity: "error", title: "argument of the wrong type" },
	R3003: { severity: "error", title: "wrong number of arguments" },
	R3004: { severity: "error", title: "condition is not a bool" },
	R3005: { severity: "error", title: "effect target of the wrong kind" },
	R3006: { severity: "error", title: "feature read for the wrong kind of entity" },
	R3007: { severity: "error", title: "list of the wrong kind for this use" },
	R3008: { severity: "error", title: "argument must be a literal" },
	R3009: { severity: "error", title: "invalid or unsupported regular expression" },
	R3010: { severity: "error", title: "feature reads more than the event" },
	R3011: { severity: "error", title: "value out of range" },
	R3012: { severity: "error", title: "feature key is not an entity" },
	R3013: { severity: "error", title: "has() needs an optional event field" },
	R3014: { severity: "error", title: "event.data needs the rule to say which events it is on" },
	R3015: { severity: "error", title: "field not on every event type of the rule" },
	R3016: { severity: "error", title: "invalid list entry" },
	R3017: { severity: "error", title: "let has different types in different rules" },
	R3018: { severity: "error", title: "feature needs an entity" },
	R3019: { severity: "error", title: "not a value" },
	R4001: { severity: "warning", title: "rule has no effects" },
	R4002: { severity: "warning", title: "declared but never used" },
	R4003: { severity: "warning", title: "rollout has no effect on a shadow rule" },
} as const satisfies Record<string, { severity: "error" | "warning"; title: string }>;

export type DiagnosticCode = keyof typeof CODES;
