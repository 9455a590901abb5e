/** A rules source file as given to the parser: its path (as printed in diagnostics) and text. */
export interface SourceFile {
	path: string;
	text: string;
}

/**
 * Where a syntax node sits in its file: offsets `[start, end)` in UTF-16 code units, and the
 * 1-based line and column of `start` (what diagnostics print).
 */
export interface Span {
	file: string;
	start: number;
	end: number;
	line: number;
	col: number;
}

/** A span from the start of `a` to the end of `b` (both in one file). */
export function join(a: Span, b: Span): Span {
	return { file: a.file, start: a.start, end: Math.max(a.end, b.end), line: a.line, col: a.col };
}

/** The text a span covers, for traces ("the value `posts_10m[event.actor]` saw 7"). */
export function spanText(text: string, span: Span): string {
	return text.slice(span.start, span.end).replace(/\s+/g, " ");
}
