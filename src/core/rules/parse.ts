import type {
	AggKindName,
	Decl,
	DurLit,
	EffectNode,
	Expr,
	FeatureDecl,
	Ident,
	LetDecl,
	ListDecl,
	ParsedFile,
	RuleDecl,
	StrLit,
} from "./ast.ts";
import { Cursor, ParseAbort } from "./cursor.ts";
import type { Diagnostic } from "./diagnostics.ts";
import { lex, type Token } from "./lexer.ts";
import { EFFECT_VERBS, parseEffect } from "./parse-effects.ts";
import { parseExpr } from "./parse-expr.ts";
import { join, type SourceFile, type Span } from "./source.ts";

const DECL_WORDS = ["feature", "list", "let", "rule"];
const CLAUSES = ["on", "when", "then", "shadow", "rollout", "reason"];
const isDeclStart = (t: Token) => t.kind === "keyword" && DECL_WORDS.includes(t.text);

export interface Parsed {
	file: ParsedFile;
	diagnostics: Diagnostic[];
}

/**
 * Parses one rules file into declarations. Syntax errors are collected: after one, the parser
 * skips to the next clause or declaration and goes on, so one run reports every broken place.
 * @example
 * const { file, diagnostics } = parse({ path: "rules/spam.rules", text: 'rule r { when true then block }' });
 * file.decls[0].kind // "rule"
 */
export function parse(source: SourceFile): Parsed {
	const lexed = lex(source);
	const diags = lexed.diagnostics;
	const c = new Cursor(lexed.tokens, diags);
	const decls: Decl[] = [];
	while (c.peek().kind !== "eof") {
		const t = c.peek();
		if (!isDeclStart(t)) {
			diags.add("R1102", t.span, `expected \`feature\`, \`list\`, \`let\` or \`rule\`, found ${tokenText(t)}`);
			c.next();
			c.skipUntil(isDeclStart);
			continue;
		}
		try {
			const d = parseDecl(c, docFor(lexed.docs, t.span.line));
			if (d) decls.push(d);
		} catch (err) {
			if (!(err instanceof ParseAbort)) throw err;
			if (c.peek() === t) c.next();
			c.skipUntil(isDeclStart);
		}
	}
	return { file: { path: source.path, text: source.text, decls }, diagnostics: diags.items };
}

function tokenText(t: Token): string {
	return t.kind === "eof" ? "end of file" : t.kind === "string" ? "a string" : `\`${t.text}\``;
}

function docFor(docs: Map<number, string>, line: number): string | undefined {
	const lines: string[] = [];
	for (let l = line - 1; docs.has(l); l--) lines.unshift(docs.get(l) as string);
	return lines.length ? lines.join(" ") : undefined;
}

function parseDecl(c: Cursor, doc: string | undefined): Decl | undefined {
	const kw = c.next();
	let d: Decl | undefined;
	if (kw.text === "feature") d = parseFeature(c, kw.span);
	else if (kw.text === "list") d = parseList(c, kw.span);
	else if (kw.text === "let") d = parseLet(c, kw.span);
	else d = parseRule(c, kw.span);
	if (d && doc) d.doc = doc;
	return d;
}

/** `post.created, post.liked`: event type names, each a dotted name. */
function parseTypes(c: Cursor): Ident[] {
	const out: Ident[] = [];
	do {
		const first = c.peek();
		if (first.kind !== "ident") c.fail("an event type (e.g. post.created)");
		c.next();
		let name = first.text;
		let span = first.span;
		while (c.eatPunct(".")) {
			const part = c.peek();
			if (part.kind !== "ident" && part.kind !== "keyword") c.fail("the rest of the event type");
			c.next();
			name += `.${part.text}`;
			span = join(span, part.span);
		}
		out.push({ name, span });
	} while (c.eatPunct(","));
	return out;
}

function parseDuration(c: Cursor, what: string): DurLit {
	const t = c.peek();
	if (t.kind !== "duration") c.fail(`a duration ${what} (e.g. 10m)`);
	c.next();
	return { ms: t.value as number, text: t.text, span: t.span };
}

function parseFeature(c: Cursor, start: Span): FeatureDecl | undefined {
	const name = c.expectName("the feature's name");
	c.expectPunct("=", " after the feature's name");
	const aggTok = c.peek();
	if (!(aggTok.kind === "keyword" && ["count", "sum", "distinct"].includes(aggTok.text)))
		c.fail("`count`, `sum` or `distinct`");
	c.next();
	const agg = { kind: aggTok.text as AggKindName, span: aggTok.span };
	let value: Expr | undefined;
	if (agg.kind !== "count") {
		value = parseExpr(c);
		c.expectKw("of", ` after the value to ${agg.kind} (e.g. \`${agg.kind} event.actor of post.created\`)`);
	}
	const on = parseTypes(c);
	let where: Expr | undefined;
	let by: Expr | undefined;
	let over: DurLit | undefined;
	let buckets: { value: number; span: Span } | undefined;
	for (;;) {
		const t = c.peek();
		if (t.kind !== "keyword" || !["where", "by", "over", "buckets"].includes(t.text)) break;
		c.next();
		const twice = () => c.diagnostics.add("R1103", t.span, `\`${t.text}\` is given twice in feature \`${name.name}\``);
		if (t.text === "where") {
			if (where) twice();
			where = parseExpr(c);
		} else if (t.text === "by") {
			if (by) twice();
			by = parseExpr(c);
		} else if (t.text === "over") {
			if (over) twice();
			over = parseDuration(c, "after `over`");
		} else {
			const n = c.peek();
			if (n.kind !== "number") c.fail("a whole number of buckets");
			c.next();
			buckets = { value: n.value as number, span: n.span };
		}
	}
	const span = join(start, c.last().span);
	if (!by || !over) {
		const missing = [!by && "`by KEY`", !over && "`over WINDOW`"].filter(Boolean).join(" and ");
		c.diagnostics.add(
			"R1104",
			name.span,
			`feature \`${name.name}\` needs ${missing}`,
			"e.g. `feature posts_10m = count post.created by event.actor over 10m`",
		);
		return undefined;
	}
	const f: FeatureDecl = { kind: "feature", name, agg, on, by, over, span };
	if (value) f.value = value;
	if (where) f.where = where;
	if (buckets) f.buckets = buckets;
	return f;
}

function parseList(c: Cursor, start: Span): ListDecl {
	const name = c.expectName("the list's name");
	c.expectPunct(":", " and the list's kind (e.g. `list spam_domains: domains`)");
	const kt = c.peek();
	if (kt.kind !== "ident") c.fail("the list's kind (domains, ip_ranges, hashes, keywords, strings)");
	c.next();
	const d: ListDecl = { kind: "list", name, listKind: { name: kt.text, span: kt.span }, span: start };
	if (c.eatPunct("=")) {
		c.expectPunct("[", " to start the entries");
		const entries: StrLit[] = [];
		while (!c.atPunct("]")) {
			entries.push(c.expectString("an entry, as a string"));
			if (!c.eatPunct(",")) break;
		}
		c.expectPunct("]", " to close the entries");
		d.entries = entries;
	}
	d.span = join(start, c.last().span);
	return d;
}

function parseLet(c: Cursor, start: Span): LetDecl {
	const name = c.expectName("the name to define");
	c.expectPunct("=", ` after \`let ${name.name}\``);
	const value = parseExpr(c);
	return { kind: "let", name, value, span: join(start, c.last().span) };
}

function parseRule(c: Cursor, start: Span): RuleDecl {
	const name = c.expectName("the rule's name");
	c.expectPunct("{", ` to open rule \`${name.name}\``);
	const rule: RuleDecl = { kind: "rule", name, when: [], effects: [], span: start };
	const seen = new Set<string>();
	while (!c.atPunct("}")) {
		const t = c.peek();
		if (t.kind === "eof" || isDeclStart(t)) {
			c.diagnostics.add("R1101", t.span, `expected \`}\` to close rule \`${name.name}\`, found ${tokenText(t)}`);
			rule.recovered = true;
			rule.span = join(start, c.last().span);
			return rule;
		}
		try {
			parseClause(c, rule, seen);
		} catch (err) {
			if (!(err instanceof ParseAbort)) throw err;
			rule.recovered = true;
			if (c.peek() === t) c.next();
			c.skipUntil((x) => (x.kind === "keyword" && CLAUSES.includes(x.text)) || isDeclStart(x) || x.text === "}");
		}
	}
	c.next();
	rule.span = join(start, c.last().span);
	return rule;
}

function parseClause(c: Cursor, rule: RuleDecl, seen: Set<string>): void {
	const t = c.peek();
	if (t.kind !== "keyword" || !CLAUSES.includes(t.text))
		c.fail("a clause (`on`, `when`, `then`, `shadow`, `rollout`, `reason`) or `}`");
	c.next();
	if (t.text !== "when" && t.text !== "then") {
		if (seen.has(t.text))
			c.diagnostics.add("R1103", t.span, `\`${t.text}\` is given twice in rule \`${rule.name.name}\``);
		seen.add(t.text);
	}
	switch (t.text) {
		case "on":
			rule.on = [...(rule.on ?? []), ...parseTypes(c)];
			return;
		case "when":
			rule.when.push(parseExpr(c));
			return;
		case "shadow":
			rule.shadow = t.span;
			return;
		case "reason":
			rule.reason = c.expectString("the rule's reason, as a string");
			return;
		case "rollout": {
			const p = c.peek();
			if (p.kind !== "percent") c.fail("a percentage after `rollout` (e.g. 10%)");
			c.next();
			rule.rollout = { percent: p.value as number, span: join(t.span, p.span) };
			if (c.eatKw("by")) rule.rollout.by = parseExpr(c);
			return;
		}
		default: {
			const effects: EffectNode[] = [];
			while (c.peek().kind === "keyword" && (EFFECT_VERBS as readonly string[]).includes(c.peek().text))
				effects.push(parseEffect(c));
			if (!effects.length)
				c.fail(`an effect after \`then\` (${EFFECT_VERBS.join(", ")})`, 'e.g. `then label "spam" for 1d`');
			rule.effects.push(...effects);
		}
	}
}
