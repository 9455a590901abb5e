import type { Expr } from "./ast.ts";
import { checkExpr } from "./check-expr.ts";
import { eventPath, resolveField } from "./check-field.ts";
import type { CheckState, Ctx } from "./check-state.ts";
import { didYouMean } from "./suggest.ts";
import { T, type Type, typeName } from "./types.ts";
import type { Value } from "./values.ts";

const isErr = (t: Type) => t.t === "error";

/** An expression where a list is expected: an unknown bare name is an unknown list (R2004). */
export function checkListArg(s: CheckState, e: Expr, ctx: Ctx): Type {
	if (e.kind === "name" && e.name !== "event" && !s.names.has(e.name)) {
		const lists = [...s.names].filter(([, v]) => v.kind === "list").map(([k]) => k);
		s.diags.add(
			"R2004",
			e.span,
			`unknown list \`${e.name}\``,
			didYouMean(e.name, lists) ?? (lists.length ? `lists: ${lists.join(", ")}` : "declare it: `list NAME: KIND`"),
		);
		return s.set(e, T.error);
	}
	return checkExpr(s, e, ctx);
}

function literalOf(e: Expr): Value | undefined {
	if (e.kind === "str" || e.kind === "num" || e.kind === "bool") return e.value;
	return undefined;
}

/** A builtin call: arity, argument types, literal arguments (validated once), what it may read here. */
export function checkCall(s: CheckState, e: Expr & { kind: "call" }, ctx: Ctx): Type {
	if (e.callee === "has") return checkHas(s, e, ctx);
	const b = s.env.builtins.get(e.callee);
	if (!b) {
		for (const a of e.args) checkExpr(s, a, ctx);
		s.diags.add(
			"R2005",
			e.calleeSpan,
			`unknown function \`${e.callee}\``,
			didYouMean(e.callee, [...s.env.builtins.names(), "has"]),
		);
		return s.set(e, T.error);
	}
	const params = b.signature.params;
	const required = params.filter((p) => !p.optional).length;
	const argTypes = e.args.map((a, k) => (params[k]?.namedList ? checkListArg(s, a, ctx) : checkExpr(s, a, ctx)));
	const sig = `${b.name}(${params.map((p) => (p.optional ? `${p.name}?` : p.name)).join(", ")})`;
	if (e.args.length < required || e.args.length > params.length) {
		const n = required === params.length ? `${required}` : `${required} to ${params.length}`;
		s.diags.add(
			"R3003",
			e.span,
			`\`${b.name}\` takes ${n} argument${params.length === 1 ? "" : "s"}, found ${e.args.length}`,
			sig,
		);
		return s.set(e, T.error);
	}
	let ok = true;
	const literals: (Value | undefined)[] = [];
	e.args.forEach((a, k) => {
		const p = params[k] as (typeof params)[number];
		const t = argTypes[k] as Type;
		literals.push(literalOf(a));
		if (isErr(t)) {
			ok = false;
			return;
		}
		if (!p.accepts(t) && t.t === "named_list" && p.namedList) {
			ok = false;
			const what = a.kind === "name" ? `\`${a.name}\`` : "this";
			s.diags.add("R3007", a.span, `\`${b.name}\` needs a ${p.describe}; ${what} is a ${typeName(t)}`, sig);
			return;
		}
		if (!p.accepts(t)) {
			ok = false;
			s.diags.add(
				"R3002",
				a.span,
				`argument \`${p.name}\` of \`${b.name}\` must be ${p.describe}, found ${typeName(t)}`,
				sig,
			);
			return;
		}
		if (p.literal && literalOf(a) === undefined) {
			ok = false;
			s.diags.add(
				"R3008",
				a.span,
				`argument \`${p.name}\` of \`${b.name}\` must be written as a literal`,
				"it is checked and prepared once, before any event",
			);
		}
	});
	if (ctx.mode === "feature" && (b.reads === "state" || b.reads === "signals")) {
		s.diags.add(
			"R3010",
			e.span,
			`${ctx.where} calls \`${b.name}\`, which reads ${b.reads === "state" ? "entity state" : "detector signals"}`,
			"a feature's filter, key and value read only the event and lists",
		);
		return s.set(e, T.error);
	}
	if (!ok) return s.set(e, T.error);
	if (b.validate) {
		const problem = b.validate(literals, { signals: s.env.signals.map((x) => x.name) });
		if (problem) {
			const at = e.args.find((_, k) => params[k]?.literal) ?? e;
			s.diags.add(problem.code, at.span, problem.message, problem.hint);
			return s.set(e, T.error);
		}
	}
	const ret = typeof b.signature.returns === "function" ? b.signature.returns(argTypes) : b.signature.returns;
	return s.set(e, ret, { r: "builtin", builtin: b });
}

function checkHas(s: CheckState, e: Expr & { kind: "call" }, ctx: Ctx): Type {
	const arg = e.args[0];
	if (e.args.length !== 1 || !arg) {
		s.diags.add("R3003", e.span, `\`has\` takes 1 argument, found ${e.args.length}`, "has(event.data.replyTo)");
		return s.set(e, T.error);
	}
	const p = eventPath(arg);
	if (!p) {
		checkExpr(s, arg, ctx);
		s.diags.add(
			"R3013",
			arg.span,
			"`has` tells whether an optional event field was sent",
			"e.g. has(event.data.replyTo)",
		);
		return s.set(e, T.error);
	}
	const r = resolveField(s, arg, p.path, p.spans, ctx, true);
	if (!r) return s.set(e, T.error);
	if (!r.optional) {
		s.diags.add("R3013", arg.span, `\`event.${p.path.join(".")}\` is always sent, so \`has\` is always true`);
		return s.set(e, T.error);
	}
	return s.set(e, T.bool, { r: "has", path: p.path });
}
