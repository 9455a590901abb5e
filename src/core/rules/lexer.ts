import { parseDuration } from "../shared/duration.ts";
import { EFFECT_VERBS } from "./ast.ts";
import { Diagnostics } from "./diagnostics.ts";
import type { SourceFile, Span } from "./source.ts";

/** Words the language reserves; none can name a feature, list, let or rule. */
export const KEYWORDS = new Set<string>([
	...EFFECT_VERBS,
	"feature",
	"list",
	"let",
	"rule",
	"on",
	"when",
	"then",
	"shadow",
	"rollout",
	"reason",
	"and",
	"or",
	"not",
	"in",
	"true",
	"false",
	"count",
	"sum",
	"distinct",
	"of",
	"by",
	"over",
	"where",
	"buckets",
	"for",
	"severity",
]);

export type TokenKind = "ident" | "keyword" | "number" | "duration" | "percent" | "string" | "punct" | "eof";

/**
 * One token. `text` is the source text (the keyword, the punctuation); `value` is the number
 * (a duration in milliseconds, a percentage as written) or the unescaped string.
 */
export interface Token {
	kind: TokenKind;
	text: string;
	value?: number | string;
	span: Span;
}

export interface Lexed {
	tokens: Token[];
	/** Doc comments (`## ...`) by the line they are on, joined into a declaration's description. */
	docs: Map<number, string>;
	diagnostics: Diagnostics;
}

const PUNCT2 = new Set(["==", "!=", "<=", ">="]);
const PUNCT1 = new Set(["(", ")", "[", "]", "{", "}", ",", ".", ":", "=", "<", ">", "+", "-", "*", "/"]);
const isIdentStart = (c: string) => (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_";
const isDigit = (c: string) => c >= "0" && c <= "9";
const isIdent = (c: string) => isIdentStart(c) || isDigit(c);

/**
 * Turns rules source into tokens. Comments run from `#` to the end of the line; `##` comments
 * are documentation for the declaration below them. Newlines carry no meaning.
 * @example lex({ path: "a.rules", text: "when posts_10m[event.actor] > 5" }).tokens.length // 10
 */
export function lex(file: SourceFile): Lexed {
	const { text } = file;
	const tokens: Token[] = [];
	const docs = new Map<number, string>();
	const diagnostics = new Diagnostics();
	let i = 0;
	let line = 1;
	let lineStart = 0;
	const span = (start: number, end: number, l = line, ls = lineStart): Span => ({
		file: file.path,
		start,
		end,
		line: l,
		col: start - ls + 1,
	});

	while (i < text.length) {
		const c = text[i] as string;
		if (c === "\n") {
			i++;
			line++;
			lineStart = i;
			continue;
		}
		if (c === " " || c === "\t" || c === "\r") {
			i++;
			continue;
		}
		if (c === "#") {
			let j = i;
			while (j < text.length && text[j] !== "\n") j++;
			if (text[i + 1] === "#") docs.set(line, text.slice(i + 2, j).trim());
			i = j;
			continue;
		}
		const start = i;
		if (isIdentStart(c)) {
			while (i < text.length && isIdent(text[i] as string)) i++;
			const word = text.slice(start, i);
			tokens.push({ kind: KEYWORDS.has(word) ? "keyword" : "ident", text: word, span: span(start, i) });
			continue;
		}
		if (isDigit(c)) {
			while (i < text.length && (isDigit(text[i] as string) || text[i] === "_")) i++;
			if (text[i] === "." && isDigit(text[i + 1] ?? "")) {
				i++;
				while (i < text.length && isDigit(text[i] as string)) i++;
			}
			const digits = text.slice(start, i).replaceAll("_", "");
			let unitEnd = i;
			while (unitEnd < text.length && isIdent(text[unitEnd] as string)) unitEnd++;
			const unit = text.slice(i, unitEnd);
			if (unit) {
				const whole = text.slice(start, unitEnd);
				try {
					tokens.push({
						kind: "duration",
						text: whole,
						value: parseDuration(digits + unit),
						span: span(start, unitEnd),
					});
				} catch {
					diagnostics.add(
						"R1004",
						span(start, unitEnd),
						`invalid duration \`${whole}\``,
						"write a number and a unit: ms, s, m, h, d, w (e.g. 10m, 7d)",
					);
					tokens.push({ kind: "duration", text: whole, value: Number.NaN, span: span(start, unitEnd) });
				}
				i = unitEnd;
			} else if (text[i] === "%") {
				i++;
				tokens.push({ kind: "percent", text: text.slice(start, i), value: Number(digits), span: span(start, i) });
			} else {
				tokens.push({ kind: "number", text: text.slice(start, i), value: Number(digits), span: span(start, i) });
			}
			continue;
		}
		if (c === '"') {
			const s = readString(text, i, span, diagnostics);
			tokens.push({ kind: "string", text: text.slice(i, s.end), value: s.value, span: span(i, s.end) });
			i = s.end;
			continue;
		}
		const two = text.slice(i, i + 2);
		if (PUNCT2.has(two)) {
			tokens.push({ kind: "punct", text: two, span: span(i, i + 2) });
			i += 2;
			continue;
		}
		if (PUNCT1.has(c)) {
			tokens.push({ kind: "punct", text: c, span: span(i, i + 1) });
			i++;
			continue;
		}
		const cp = text.codePointAt(i) as number;
		const ch = String.fromCodePoint(cp);
		const hint =
			c === "&" || c === "|"
				? "write `and`, `or`"
				: c === "!"
					? "write `not`"
					: c === "'"
						? 'strings use double quotes: "..."'
						: undefined;
		diagnostics.add("R1001", span(i, i + ch.length), `unexpected character \`${ch}\``, hint);
		i += ch.length;
	}
	tokens.push({ kind: "eof", text: "end of file", span: span(text.length, text.length) });
	return { tokens, docs, diagnostics };
}

const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", '"': '"', "\\": "\\" };

function readString(
	text: string,
	open: number,
	span: (s: number, e: number) => Span,
	diagnostics: Diagnostics,
): { value: string; end: number } {
	let out = "";
	let i = open + 1;
	while (i < text.length) {
		const c = text[i] as string;
		if (c === '"') return { value: out, end: i + 1 };
		if (c === "\n") break;
		if (c === "\\") {
			const e = text[i + 1] ?? "";
			if (e in ESCAPES) {
				out += ESCAPES[e];
				i += 2;
				continue;
			}
			const m = /^u\{([0-9a-fA-F]{1,6})\}/.exec(text.slice(i + 1, i + 10));
			if (m && Number.parseInt(m[1] as string, 16) <= 0x10ffff) {
				out += String.fromCodePoint(Number.parseInt(m[1] as string, 16));
				i += 1 + m[0].length;
				continue;
			}
			diagnostics.add("R1003", span(i, i + 2), `invalid escape \`\\${e}\``, 'use \\n, \\t, \\r, \\", \\\\ or \\u{hex}');
			i += 2;
			continue;
		}
		out += c;
		i++;
	}
	diagnostics.add("R1002", span(open, i), "unterminated string", 'close it with " on the same line');
	return { value: out, end: i };
}
