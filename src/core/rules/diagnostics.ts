import { CODES, type DiagnosticCode } from "./codes.ts";
import type { Span } from "./source.ts";

export type Severity = "error" | "warning";

/**
 * One finding about a rules source, with where it is and, when we can tell, how to fix it.
 * Every stage collects these instead of throwing at the first problem.
 */
export interface Diagnostic {
	code: DiagnosticCode;
	severity: Severity;
	span: Span;
	message: string;
	hint?: string;
}

/** Collects diagnostics; the severity comes from the catalogue. */
export class Diagnostics {
	readonly items: Diagnostic[] = [];

	add(code: DiagnosticCode, span: Span, message: string, hint?: string): void {
		const d: Diagnostic = { code, severity: CODES[code].severity, span, message };
		if (hint) d.hint = hint;
		this.items.push(d);
	}

	get errors(): number {
		return this.items.filter((d) => d.severity === "error").length;
	}
}

/**
 * The one-line form printed by `bulwark rules check`.
 * @example
 * formatDiagnostic(d) // "rules/spam.rules:4:11 error R2003: unknown feature `login_fails_1h` (did you mean `login_failures_1h`?)"
 */
export function formatDiagnostic(d: Diagnostic): string {
	const where = `${d.span.file}:${d.span.line}:${d.span.col}`;
	return `${where} ${d.severity} ${d.code}: ${d.message}${d.hint ? ` (${d.hint})` : ""}`;
}

/** By file, then position, then code; duplicates (same code, place and message) dropped. */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
	const seen = new Set<string>();
	const out: Diagnostic[] = [];
	for (const d of ds) {
		const k = `${d.code}|${d.span.file}|${d.span.start}|${d.message}`;
		if (seen.has(k)) continue;
		seen.add(k);
		out.push(d);
	}
	return out.sort(
		(a, b) =>
			(a.span.file < b.span.file ? -1 : a.span.file > b.span.file ? 1 : 0) ||
			a.span.start - b.span.start ||
			(a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
	);
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
	return ds.some((d) => d.severity === "error");
}
