import type { Ident, StrLit } from "./ast.ts";
import type { Diagnostics } from "./diagnostics.ts";
import type { Token } from "./lexer.ts";

/** Thrown inside the parser to abandon a clause or declaration after its error was recorded. */
export class ParseAbort extends Error {}

/** How a token reads in "expected X, found Y". */
export function describe(t: Token): string {
	switch (t.kind) {
		case "eof":
			return "end of file";
		case "string":
			return "a string";
		case "ident":
			return `name \`${t.text}\``;
		default:
			return `\`${t.text}\``;
	}
}

/** A position in the token list with the small helpers a recursive-descent parser needs. */
export class Cursor {
	private i = 0;
	constructor(
		private readonly tokens: readonly Token[],
		readonly diagnostics: Diagnostics,
	) {}

	peek(k = 0): Token {
		return this.tokens[Math.min(this.i + k, this.tokens.length - 1)] as Token;
	}

	next(): Token {
		const t = this.peek();
		if (t.kind !== "eof") this.i++;
		return t;
	}

	/** The token before the current one (for span ends). */
	last(): Token {
		return this.tokens[Math.max(0, this.i - 1)] as Token;
	}

	atKw(...words: string[]): boolean {
		const t = this.peek();
		return t.kind === "keyword" && words.includes(t.text);
	}

	atPunct(p: string): boolean {
		const t = this.peek();
		return t.kind === "punct" && t.text === p;
	}

	eatKw(word: string): Token | undefined {
		return this.atKw(word) ? this.next() : undefined;
	}

	eatPunct(p: string): Token | undefined {
		return this.atPunct(p) ? this.next() : undefined;
	}

	expectKw(word: string, context = ""): Token {
		return this.eatKw(word) ?? this.fail(`\`${word}\`${context}`);
	}

	expectPunct(p: string, context = ""): Token {
		return this.eatPunct(p) ?? this.fail(`\`${p}\`${context}`);
	}

	/** A name being declared: a keyword is reported (R2013) but accepted, so parsing goes on. */
	expectName(what: string): Ident {
		const t = this.peek();
		if (t.kind === "ident") return { name: this.next().text, span: t.span };
		if (t.kind === "keyword" && /^[a-z_]/.test(t.text)) {
			this.diagnostics.add(
				"R2013",
				t.span,
				`\`${t.text}\` is a reserved word and cannot be a name`,
				`rename it, e.g. \`${t.text}_1\``,
			);
			return { name: this.next().text, span: t.span };
		}
		return this.fail(what);
	}

	expectString(what: string): StrLit {
		const t = this.peek();
		if (t.kind !== "string") return this.fail(what);
		this.next();
		return { value: t.value as string, span: t.span };
	}

	fail(expected: string, hint?: string): never {
		const t = this.peek();
		this.diagnostics.add("R1101", t.span, `expected ${expected}, found ${describe(t)}`, hint);
		throw new ParseAbort();
	}

	/** Skips tokens until one `stop` accepts (or the end). */
	skipUntil(stop: (t: Token) => boolean): void {
		while (this.peek().kind !== "eof" && !stop(this.peek())) this.next();
	}
}
