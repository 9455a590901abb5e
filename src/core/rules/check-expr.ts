import type { Expr } from "./ast.ts";
import { checkCall, checkListArg } from "./check-call.ts";
import { eventPath, resolveField } from "./check-field.ts";
import { type CheckState, type Ctx, ctxKey, type Named } from "./check-state.ts";
import { didYouMean } from "./suggest.ts";
import { comparable, isText, sameType, T, type Type, typeName } from "./types.ts";

const isErr = (t: Type) => t.t === "error";

/**
 * Type-checks an expression in a context, records each node's type and what its names refer
 * to, and reports every problem found (an `error` type stops a cascade of follow-on errors).
 */
export function checkExpr(s: CheckState, e: Expr, ctx: Ctx): Type {
	switch (e.kind) {
		case "num":
			return s.set(e, T.number);
		case "dur":
			return s.set(e, T.duration);
		case "str":
			return s.set(e, T.string);
		case "bool":
			return s.set(e, T.bool);
		case "bad":
			return s.set(e, T.error);
		case "list":
			return s.set(e, checkList(s, e, ctx));
		case "name":
			return checkName(s, e, ctx);
		case "member":
			return checkMember(s, e, ctx);
		case "index":
			return checkIndex(s, e, ctx);
		case "call":
			return checkCall(s, e, ctx);
		case "unary": {
			const t = checkExpr(s, e.operand, ctx);
			if (isErr(t)) return s.set(e, T.error);
			if (e.op === "not") {
				if (t.t !== "bool") return fail(s, e, "R3001", `\`not\` needs a bool, found ${typeName(t)}`);
				return s.set(e, T.bool);
			}
			if (t.t !== "number" && t.t !== "duration")
				return fail(s, e, "R3001", `\`-\` needs a number, found ${typeName(t)}`);
			return s.set(e, t);
		}
		case "binary":
			return s.set(e, checkBinary(s, e, ctx));
	}
}

function fail(s: CheckState, e: Expr, code: "R3001" | "R3019", message: string, hint?: string): Type {
	s.diags.add(code, e.span, message, hint);
	return s.set(e, T.error);
}

function checkList(s: CheckState, e: Expr & { kind: "list" }, ctx: Ctx): Type {
	let elem: Type | undefined;
	for (const item of e.items) {
		const t = checkExpr(s, item, ctx);
		if (isErr(t)) continue;
		if (t.t === "list" || t.t === "named_list") {
			s.diags.add("R3001", item.span, `a list literal holds values, not ${typeName(t)}`);
			continue;
		}
		if (!elem) elem = t;
		else if (!comparable(elem, t))
			s.diags.add("R3001", item.span, `list items must share one type: ${typeName(elem)} and ${typeName(t)}`);
	}
	return T.list(elem ?? T.string);
}

const UNIT_HINT = "a duration is written with a unit, e.g. 10m; features and counts are numbers";

function checkBinary(s: CheckState, e: Expr & { kind: "binary" }, ctx: Ctx): Type {
	const l = checkExpr(s, e.left, ctx);
	const r = e.op === "in" || e.op === "not in" ? checkListArg(s, e.right, ctx) : checkExpr(s, e.right, ctx);
	if (isErr(l) || isErr(r)) return T.error;
	const bad = (hint?: string): Type => {
		s.diags.add("R3001", e.span, `\`${e.op}\` does not apply to ${typeName(l)} and ${typeName(r)}`, hint);
		return T.error;
	};
	const numDur = (l.t === "number" && r.t === "duration") || (l.t === "duration" && r.t === "number");
	switch (e.op) {
		case "and":
		case "or":
			return l.t === "bool" && r.t === "bool" ? T.bool : bad(`\`${e.op}\` joins conditions (bools)`);
		case "==":
		case "!=":
			return comparable(l, r) ? T.bool : bad(numDur ? UNIT_HINT : undefined);
		case "<":
		case "<=":
		case ">":
		case ">=":
			return (l.t === "number" || l.t === "duration" || l.t === "string") && sameType(l, r)
				? T.bool
				: bad(numDur ? UNIT_HINT : undefined);
		case "in":
		case "not in":
			if (r.t === "named_list") return isText(l) ? T.bool : bad("lists hold strings, domains, IPs, hashes");
			if (r.t === "list") return comparable(l, r.of) ? T.bool : bad();
			return bad("the right side of `in` is a list");
		case "+":
		case "-":
			if (l.t === "number" && r.t === "number") return T.number;
			if (l.t === "duration" && r.t === "duration") return T.duration;
			if (e.op === "+" && l.t === "string" && r.t === "string") return T.string;
			return bad(numDur ? UNIT_HINT : undefined);
		case "*":
			if (l.t === "number" && r.t === "number") return T.number;
			return numDur ? T.duration : bad();
		case "/":
			if (l.t === "number" && r.t === "number") return T.number;
			if (l.t === "duration" && r.t === "number") return T.duration;
			if (l.t === "duration" && r.t === "duration") return T.number;
			return bad();
	}
}

function allNames(s: CheckState): string[] {
	return [...s.names.keys()];
}

function namedType(s: CheckState, e: Expr, n: Named, ctx: Ctx): Type {
	switch (n.kind) {
		case "list":
			s.usedLists.add(n.decl.name.name);
			return s.set(e, T.namedList(n.decl.listKind.name as never), {
				r: "list",
				name: n.decl.name.name,
				kind: n.decl.listKind.name as never,
			});
		case "let": {
			s.usedLets.add(n.decl.name.name);
			return s.set(e, checkLet(s, n.decl.name.name, ctx), { r: "let", name: n.decl.name.name });
		}
		default: {
			const name = n.kind === "feature" ? n.decl.name.name : n.spec.name;
			const entity = n.kind === "feature" ? "event.actor" : n.spec.entity === "account" ? "event.actor" : "…";
			s.diags.add("R3018", e.span, `feature \`${name}\` is read for one entity`, `write \`${name}[${entity}]\``);
			return s.set(e, T.error);
		}
	}
}

function checkName(s: CheckState, e: Expr & { kind: "name" }, ctx: Ctx): Type {
	if (e.name === "event")
		return fail(s, e, "R3019", "`event` is not a value; read one of its fields", "e.g. event.actor, event.data.text");
	const n = s.names.get(e.name);
	if (n) return namedType(s, e, n, ctx);
	const builtin = s.env.builtins.get(e.name);
	s.diags.add(
		"R2001",
		e.span,
		`unknown name \`${e.name}\``,
		builtin ? `\`${e.name}\` is a function: call it, e.g. \`${e.name}(...)\`` : didYouMean(e.name, allNames(s)),
	);
	return s.set(e, T.error);
}

/** The type of a let in a context (checked once per context; cycles reported). */
export function checkLet(s: CheckState, name: string, ctx: Ctx): Type {
	const n = s.names.get(name);
	if (n?.kind !== "let") return T.error;
	const key = ctxKey(ctx);
	const cached = s.letTypes.get(name)?.get(key);
	if (cached) return cached;
	if (s.letStack.includes(name)) {
		const chain = [...s.letStack.slice(s.letStack.indexOf(name)), name].join(" -> ");
		s.diags.add("R2009", n.decl.name.span, `\`${name}\` depends on itself: ${chain}`);
		return T.error;
	}
	s.letStack.push(name);
	const t = checkExpr(s, n.decl.value, ctx);
	s.letStack.pop();
	const byCtx = s.letTypes.get(name) ?? new Map<string, Type>();
	s.letTypes.set(name, byCtx);
	byCtx.set(key, t);
	const first = s.letFirst.get(name);
	if (!first) s.letFirst.set(name, { type: t, where: ctx.where });
	else if (!isErr(t) && !isErr(first.type) && !sameType(first.type, t))
		s.diags.add(
			"R3017",
			n.decl.name.span,
			`\`${name}\` is ${typeName(first.type)} in ${first.where} but ${typeName(t)} in ${ctx.where}`,
			"give the two uses separate lets",
		);
	return t;
}

function checkMember(s: CheckState, e: Expr & { kind: "member" }, ctx: Ctx): Type {
	const p = eventPath(e);
	if (!p) {
		const t = checkExpr(s, e.object, ctx);
		if (isErr(t)) return s.set(e, T.error);
		return fail(s, e, "R3019", `\`.${e.name}\` reads a field of the event; ${typeName(t)} has no fields`);
	}
	const r = resolveField(s, e, p.path, p.spans, ctx);
	if (!r || !("type" in r.leaf)) return s.set(e, T.error);
	return s.set(e, r.leaf.type, { r: "field", path: p.path, field: r.leaf });
}

function checkIndex(s: CheckState, e: Expr & { kind: "index" }, ctx: Ctx): Type {
	const keyType = checkExpr(s, e.index, ctx);
	if (e.object.kind !== "name")
		return fail(s, e, "R3019", "only a feature can be read with `[...]`", "e.g. posts_5m[event.actor]");
	const name = e.object.name;
	const n = s.names.get(name);
	if (!n) {
		const features = [...s.names].filter(([, v]) => v.kind === "feature" || v.kind === "external").map(([k]) => k);
		s.diags.add("R2003", e.object.span, `unknown feature \`${name}\``, didYouMean(name, features));
		return s.set(e, T.error);
	}
	if (n.kind !== "feature" && n.kind !== "external")
		return fail(s, e, "R3019", `\`${name}\` is a ${n.kind}, not a feature: only features are read with \`[...]\``);
	if (ctx.mode === "feature") {
		s.diags.add(
			"R3010",
			e.span,
			`${ctx.where} reads feature \`${name}\``,
			"a feature's filter, key and value read only the event and lists",
		);
		return s.set(e, T.error);
	}
	const entity = n.kind === "feature" ? s.featureEntity.get(name) : n.spec.entity;
	if (n.kind === "external" && n.spec.agg.kind === "last") {
		s.diags.add(
			"R3019",
			e.span,
			`feature \`${name}\` keeps recent items, which rules cannot read`,
			"rules read count, sum and distinct features",
		);
		return s.set(e, T.error);
	}
	if (!entity || isErr(keyType)) return s.set(e, T.error);
	if (keyType.t !== "entity" || keyType.kind !== entity) {
		s.diags.add(
			"R3006",
			e.index.span,
			`feature \`${name}\` is kept per ${entity}, but this is ${keyType.t === "entity" ? `a ${keyType.kind}` : `a ${typeName(keyType)}`}`,
			entity === "account" ? "e.g. event.actor, event.data.replyTo.authorId" : undefined,
		);
		return s.set(e, T.error);
	}
	return s.set(e, T.number, { r: "feature", name, entity });
}
