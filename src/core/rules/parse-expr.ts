import type { BinaryOp, Expr } from "./ast.ts";
import type { Cursor } from "./cursor.ts";
import { join } from "./source.ts";

const COMPARE = new Set(["==", "!=", "<", "<=", ">", ">="]);

/**
 * Reads one expression. Precedence, loosest first: `or`, `and`, `not`, comparisons and `in`
 * (not chained), `+ -`, `* /`, unary `-`, then `.field`, `[key]` and calls.
 */
export function parseExpr(c: Cursor): Expr {
	return parseOr(c);
}

function binary(op: BinaryOp, left: Expr, right: Expr): Expr {
	return { kind: "binary", op, left, right, span: join(left.span, right.span) };
}

function parseOr(c: Cursor): Expr {
	let e = parseAnd(c);
	while (c.eatKw("or")) e = binary("or", e, parseAnd(c));
	return e;
}

function parseAnd(c: Cursor): Expr {
	let e = parseNot(c);
	while (c.eatKw("and")) e = binary("and", e, parseNot(c));
	return e;
}

function parseNot(c: Cursor): Expr {
	const t = c.peek();
	if (t.kind === "keyword" && t.text === "not" && !(c.peek(1).kind === "keyword" && c.peek(1).text === "in")) {
		c.next();
		const operand = parseNot(c);
		return { kind: "unary", op: "not", operand, span: join(t.span, operand.span) };
	}
	return parseCompare(c);
}

function parseCompare(c: Cursor): Expr {
	const left = parseAdd(c);
	const t = c.peek();
	let op: BinaryOp | undefined;
	if (t.kind === "punct" && COMPARE.has(t.text)) op = t.text as BinaryOp;
	else if (t.kind === "keyword" && t.text === "in") op = "in";
	else if (t.kind === "keyword" && t.text === "not" && c.peek(1).kind === "keyword" && c.peek(1).text === "in") {
		c.next();
		op = "not in";
	}
	if (!op) return left;
	c.next();
	const e = binary(op, left, parseAdd(c));
	const again = c.peek();
	if (again.kind === "punct" && COMPARE.has(again.text))
		c.fail("`and` or `or` between comparisons", "comparisons do not chain: write `a < b and b < c`");
	return e;
}

function parseAdd(c: Cursor): Expr {
	let e = parseMul(c);
	for (;;) {
		const op = c.eatPunct("+") ?? c.eatPunct("-");
		if (!op) return e;
		e = binary(op.text as BinaryOp, e, parseMul(c));
	}
}

function parseMul(c: Cursor): Expr {
	let e = parseUnary(c);
	for (;;) {
		const op = c.eatPunct("*") ?? c.eatPunct("/");
		if (!op) return e;
		e = binary(op.text as BinaryOp, e, parseUnary(c));
	}
}

function parseUnary(c: Cursor): Expr {
	const t = c.eatPunct("-");
	if (t) {
		const operand = parseUnary(c);
		if (operand.kind === "num") return { kind: "num", value: -operand.value, span: join(t.span, operand.span) };
		return { kind: "unary", op: "-", operand, span: join(t.span, operand.span) };
	}
	return parsePostfix(c);
}

/** A primary followed by `.field`, `[key]`: also what an effect's target is. */
export function parsePostfix(c: Cursor): Expr {
	let e = parsePrimary(c);
	for (;;) {
		if (c.eatPunct(".")) {
			const t = c.peek();
			if (t.kind !== "ident" && t.kind !== "keyword") c.fail("a field name after `.`");
			c.next();
			e = { kind: "member", object: e, name: t.text, nameSpan: t.span, span: join(e.span, t.span) };
		} else if (c.eatPunct("[")) {
			const index = parseExpr(c);
			const close = c.expectPunct("]", " to close `[`");
			e = { kind: "index", object: e, index, span: join(e.span, close.span) };
		} else return e;
	}
}

function parsePrimary(c: Cursor): Expr {
	const t = c.peek();
	switch (t.kind) {
		case "number":
			c.next();
			return { kind: "num", value: t.value as number, span: t.span };
		case "duration":
			c.next();
			return { kind: "dur", ms: t.value as number, text: t.text, span: t.span };
		case "string":
			c.next();
			return { kind: "str", value: t.value as string, span: t.span };
		case "percent":
			return c.fail("a value", "a percentage only follows `rollout`; write a number such as 0.25");
		case "ident": {
			c.next();
			if (!c.eatPunct("(")) return { kind: "name", name: t.text, span: t.span };
			const args: Expr[] = [];
			if (!c.atPunct(")")) {
				do {
					if (c.atPunct(")")) break;
					args.push(parseExpr(c));
				} while (c.eatPunct(","));
			}
			const close = c.expectPunct(")", ` to close the call to \`${t.text}\``);
			return { kind: "call", callee: t.text, calleeSpan: t.span, args, span: join(t.span, close.span) };
		}
		case "keyword":
			if (t.text === "true" || t.text === "false") {
				c.next();
				return { kind: "bool", value: t.text === "true", span: t.span };
			}
			return c.fail("a value");
		case "punct":
			if (t.text === "(") {
				c.next();
				const inner = parseExpr(c);
				c.expectPunct(")", " to close `(`");
				return inner;
			}
			if (t.text === "[") {
				c.next();
				const items: Expr[] = [];
				if (!c.atPunct("]")) {
					do {
						if (c.atPunct("]")) break;
						items.push(parseExpr(c));
					} while (c.eatPunct(","));
				}
				const close = c.expectPunct("]", " to close the list");
				return { kind: "list", items, span: join(t.span, close.span) };
			}
			return c.fail("a value");
		default:
			return c.fail("a value");
	}
}
