import type { Expr } from "./ast.ts";
import type { Builtin } from "./builtins/registry.ts";
import type { Ref } from "./check-state.ts";
import type { Fn, Shape } from "./compile-expr.ts";
import { zeroOf } from "./fields.ts";
import type { CallSite } from "./runtime.ts";
import type { Type } from "./types.ts";
import { Err, PENDING } from "./values.ts";

/** What the emitter reads of the compiler. */
export interface EmitSource {
	shape(e: Expr): Shape;
	refOf(e: Expr): Ref | undefined;
	typeOf(e: Expr): Type;
	text(e: Expr): string;
	letExpr(name: string): Expr;
}

/** One function to emit: an expression, or (`all`) a Kleene `and` of conditions in the order given. */
export interface Entry {
	exprs: readonly Expr[];
	all: boolean;
}

// Helpers of every module. `$rec` appends a read to the rule's trace buffer (label, value pairs);
// `$replay` appends the reads a memoised value recorded when it was computed.
const PRELUDE = `"use strict";
const $P = K[0], $E = K[1];
function $rec(c, l, v) { const n = c.sn, b = c.sb; b[n] = l; b[n + 1] = v; c.sn = n + 2; }
function $replay(c, s) { if (s === undefined) return; let n = c.sn; const b = c.sb; for (let i = 0; i < s.length; i++) b[n++] = s[i]; c.sn = n; }
function $noFeature(name, entity, id) { return new $E("feature " + name + " of " + entity + ":" + String(id) + " is not available"); }
`;

/**
 * Emits the expressions of a pack as one JavaScript module (one `new Function`) and returns
 * a function per entry. Each expression becomes straight-line code over temporaries instead of
 * a tree of closures: no call per node, no megamorphic call sites, one shape for the frame.
 * The values are the evaluator's (Value: PENDING and Err flow through as values); `and`/`or`
 * are Kleene, cheapest operand first, exactly as the closures were (see compile-expr.ts).
 * Lets and memoised calls become module functions `m<slot>` that compute once per frame and
 * replay their reads into the trace. Every string from a rules file reaches the module as a
 * constant (`K[i]`), never as source text.
 */
export function emitModule(src: EmitSource, entries: readonly Entry[]): Fn[] {
	const m = new Emitter(src);
	const names = entries.map((entry, i) => {
		const b = new Body();
		const v = entry.all ? m.kleene(b, entry.exprs, false) : m.expr(b, entry.exprs[0] as Expr);
		b.line(`return ${v};`);
		m.decls.push(b.render(`e${i}`));
		return `e${i}`;
	});
	const consts = m.consts.map((_, i) => `k${i} = K[${i}]`).slice(2);
	const source = `${PRELUDE}${consts.length ? `const ${consts.join(", ")};\n` : ""}${m.decls.join("\n")}\nreturn [${names.join(", ")}];`;
	return new Function("K", source)(m.consts) as Fn[];
}

/** One function's body: lines over temporaries `t<n>` and block labels `L<n>`. */
class Body {
	readonly lines: string[] = [];
	private temps = 0;
	private labels = 0;

	tmp(): string {
		return `t${this.temps++}`;
	}

	label(): string {
		return `L${this.labels++}`;
	}

	line(s: string): void {
		this.lines.push(s);
	}

	render(name: string): string {
		const temps = Array.from({ length: this.temps }, (_, i) => `t${i}`);
		return `function ${name}(c) {\n${temps.length ? `let ${temps.join(", ")};\n` : ""}${this.lines.join("\n")}\n}`;
	}
}

const stop = (v: string) => `(${v} === $P || ${v} instanceof $E)`;

class Emitter {
	readonly consts: unknown[] = [PENDING, Err];
	readonly decls: string[] = [];
	private readonly strings = new Map<string, string>();
	private readonly memos = new Set<number>();

	constructor(private readonly src: EmitSource) {}

	/** A module constant holding `v`: `k<n>`. */
	constant(v: unknown): string {
		this.consts.push(v);
		return `k${this.consts.length - 1}`;
	}

	str(s: string): string {
		let k = this.strings.get(s);
		if (k === undefined) {
			k = this.constant(s);
			this.strings.set(s, k);
		}
		return k;
	}

	literal(v: unknown): string {
		if (typeof v === "boolean") return String(v);
		if (typeof v === "number" && Number.isFinite(v) && Object.is(Number(String(v)), v)) return `(${String(v)})`;
		if (typeof v === "string") return this.str(v);
		return this.constant(v);
	}

	/** Emits `e` into `b`; returns what holds its value (a temporary, a constant or a literal). */
	expr(b: Body, e: Expr): string {
		const s = this.src.shape(e);
		if (s.slot < 0) return this.plain(b, e, s);
		this.memo(s.slot, e);
		const t = b.tmp();
		b.line(`${t} = m${s.slot}(c);`);
		return t;
	}

	/**
	 * Kleene `and` (decisive `false`) or `or` (decisive `true`) over `parts` in order: decided as
	 * soon as one is decisive; else not-yet-known if one is, else errored if one is (the first).
	 */
	kleene(b: Body, parts: readonly Expr[], decisive: boolean): string {
		const r = b.tmp();
		const L = b.label();
		const anyStop = parts.some((p) => this.src.shape(p).stop);
		const pending = anyStop ? b.tmp() : "";
		const err = anyStop ? b.tmp() : "";
		if (anyStop) b.line(`${pending} = false; ${err} = undefined;`);
		b.line(`${L}: {`);
		for (const p of parts) {
			const v = this.expr(b, p);
			b.line(`if (${v} === ${decisive}) { ${r} = ${decisive}; break ${L}; }`);
			if (this.src.shape(p).stop)
				b.line(
					`if (${v} === $P) ${pending} = true; else if (${err} === undefined && ${v} instanceof $E) ${err} = ${v};`,
				);
		}
		b.line(anyStop ? `${r} = ${pending} ? $P : ${err} !== undefined ? ${err} : ${!decisive};` : `${r} = ${!decisive};`);
		b.line("}");
		return r;
	}

	/**
	 * `m<slot>(c)`: the memoised value of a let or an event-only expression, computed once per
	 * frame (not-yet-known is not kept: the second pass computes it). A let also records its
	 * own value, so a trace shows `claim_match: 0.81`.
	 */
	private memo(slot: number, e: Expr): void {
		if (this.memos.has(slot)) return;
		this.memos.add(slot);
		const ref = this.src.refOf(e);
		const label = e.kind === "name" && ref?.r === "let" ? ref.name : undefined;
		const body = label === undefined ? e : this.src.letExpr(label);
		const s = this.src.shape(body);
		const b = new Body();
		const replay = s.records
			? `$replay(c, c.ms[${slot}]); `
			: label !== undefined
				? `$rec(c, ${this.str(label)}, r); `
				: "";
		b.line(`let r = c.m[${slot}];`);
		b.line(`if (r !== undefined) { ${replay}return r; }`);
		if (s.records) b.line("const from = c.sn;");
		const v = label === undefined ? this.plain(b, e, s) : this.expr(b, body);
		if (s.stop) b.line(`if (${v} === $P) return ${v};`);
		if (label !== undefined) b.line(`$rec(c, ${this.str(label)}, ${v});`);
		b.line(`c.m[${slot}] = ${v};`);
		if (s.records) b.line(`c.ms[${slot}] = c.sb.slice(from, c.sn);`);
		b.line(`return ${v};`);
		this.decls.push(b.render(`m${slot}`));
	}

	/** Emits `e` itself (not through its memo slot). */
	private plain(b: Body, e: Expr, s: Shape): string {
		const ref = this.src.refOf(e);
		switch (e.kind) {
			case "num":
			case "str":
			case "bool":
				return this.literal(e.value);
			case "dur":
				return this.literal(e.ms);
			case "list":
				return this.list(b, e);
			case "name":
				if (ref?.r === "list") return this.str(ref.name);
				throw new Error("a let is read through its memo slot");
			case "member":
				return this.field(b, ref as Ref & { r: "field" });
			case "index":
				return this.feature(b, e, ref as Ref & { r: "feature" });
			case "call":
				if (ref?.r === "has") return this.has(b, ref.path);
				return this.call(b, e, (ref as Ref & { r: "builtin" }).builtin);
			case "unary": {
				const v = this.expr(b, e.operand);
				const t = b.tmp();
				if (e.op === "not") b.line(`${t} = ${v} === true ? false : ${v} === false ? true : ${v};`);
				else if (s.stop) b.line(`${t} = ${stop(v)} ? ${v} : -${v};`);
				else b.line(`${t} = -${v};`);
				return t;
			}
			case "binary":
				if (e.op === "and" || e.op === "or") return this.kleene(b, s.parts as Expr[], e.op === "or");
				return this.binary(b, e);
			default:
				throw new Error(`cannot compile ${e.kind}`);
		}
	}

	private list(b: Body, e: Expr & { kind: "list" }): string {
		if (e.items.every((i) => i.kind === "num" || i.kind === "str" || i.kind === "bool" || i.kind === "dur"))
			return this.constant(e.items.map((i) => (i.kind === "dur" ? i.ms : (i as { value: unknown }).value)));
		const t = b.tmp();
		const L = b.label();
		b.line(`${L}: {`);
		const vs = e.items.map((i) => {
			const v = this.expr(b, i);
			if (this.src.shape(i).stop) b.line(`if (${stop(v)}) { ${t} = ${v}; break ${L}; }`);
			return v;
		});
		b.line(`${t} = [${vs.join(", ")}];`);
		b.line("}");
		return t;
	}

	/** An event field; an absent one (or an absent object on the way) reads as its type's zero. */
	private field(b: Body, ref: Ref & { r: "field" }): string {
		const t = b.tmp();
		b.line(`${t} = c.event;`);
		for (const p of ref.path) b.line(`if (${t} != null) ${t} = ${t}[${JSON.stringify(p)}];`);
		const zero = this.literal(zeroOf(ref.field.type));
		const keys = "keys" in ref.field && !!ref.field.keys;
		b.line(`${t} = ${t} == null ? ${zero} : ${keys ? `Object.keys(${t})` : t};`);
		return t;
	}

	private has(b: Body, path: readonly string[]): string {
		const t = b.tmp();
		b.line(`${t} = c.event;`);
		for (const p of path) b.line(`if (${t} != null) ${t} = ${t}[${JSON.stringify(p)}];`);
		b.line(`${t} = ${t} != null;`);
		return t;
	}

	/** A windowed feature: asked for in the first pass (not-yet-known), read and recorded in the second. */
	private feature(b: Body, e: Expr & { kind: "index" }, ref: Ref & { r: "feature" }): string {
		const id = this.expr(b, e.index);
		const t = b.tmp();
		const L = b.label();
		const label = this.src.text(e);
		const name = this.str(ref.name);
		b.line(`${L}: {`);
		if (this.src.shape(e.index).stop) b.line(`if (${stop(id)}) { ${t} = ${id}; break ${L}; }`);
		b.line(
			`if (${id} === "") { ${t} = new $E(${this.str(`${label}: the event has no ${ref.entity} here`)}); break ${L}; }`,
		);
		b.line(`if (c.phase === 1) { c.needFeature(${name}, ${id}); c.pend++; ${t} = $P; break ${L}; }`);
		b.line(`const w = c.env === undefined ? undefined : c.env.feature(${name}, ${id});`);
		b.line(`${t} = typeof w === "number" ? w : $noFeature(${name}, ${this.str(ref.entity)}, ${id});`);
		b.line(`$rec(c, ${this.str(label)}, ${t});`);
		b.line("}");
		return t;
	}

	/**
	 * A builtin call: arguments left to right (the first not-yet-known or errored one is the
	 * answer), then the implementation. One reading entity state or signals is not-yet-known in
	 * the first pass (which asks for the state), and recorded in the second.
	 */
	private call(b: Body, e: Expr & { kind: "call" }, builtin: Builtin): string {
		const literals = e.args.map((a) =>
			a.kind === "str" || a.kind === "num" || a.kind === "bool" ? a.value : undefined,
		);
		const site: CallSite = {
			prepared: builtin.prepare ? builtin.prepare(literals) : undefined,
			kinds: e.args.map((a) => {
				const t = this.src.typeOf(a);
				return t.t === "entity" ? t.kind : undefined;
			}),
		};
		const impl = this.constant(builtin.impl);
		const argv = this.constant(new Array(e.args.length));
		const siteK = this.constant(site);
		const t = b.tmp();
		const L = b.label();
		b.line(`${L}: {`);
		const vs = e.args.map((a) => {
			const v = this.expr(b, a);
			if (this.src.shape(a).stop) b.line(`if (${stop(v)}) { ${t} = ${v}; break ${L}; }`);
			return v;
		});
		const reads = builtin.reads === "state" || builtin.reads === "signals";
		if (reads) {
			b.line("if (c.phase === 1) {");
			const entityArg = builtin.signature.params.findIndex((p) => p.entity);
			const kind = site.kinds[entityArg];
			if (builtin.reads === "state" && kind && entityArg >= 0) {
				const v = vs[entityArg] as string;
				b.line(`if (${v} !== "") c.needEntity(${this.str(kind)}, ${v});`);
			}
			b.line(`c.pend++; ${t} = $P; break ${L}; }`);
		}
		if (vs.length) b.line(vs.map((v, i) => `${argv}[${i}] = ${v};`).join(" "));
		b.line(`${t} = ${impl}(${argv}, c, ${siteK});`);
		if (reads) b.line(`$rec(c, ${this.str(this.src.text(e))}, ${t});`);
		b.line("}");
		return t;
	}

	private binary(b: Body, e: Expr & { kind: "binary" }): string {
		const left = this.src.shape(e.left);
		const right = this.src.shape(e.right);
		const a = this.expr(b, e.left);
		const t = b.tmp();
		let open = 0;
		if (left.stop) {
			b.line(`if (${stop(a)}) ${t} = ${a}; else {`);
			open++;
		}
		const z = this.expr(b, e.right);
		if (right.stop) {
			b.line(`if (${stop(z)}) ${t} = ${z}; else {`);
			open++;
		}
		switch (e.op) {
			case "in":
			case "not in": {
				const not = e.op === "not in" ? "!" : "";
				if (this.src.refOf(e.right)?.r === "list") {
					const l = b.tmp();
					b.line(`${l} = c.list(${z});`);
					b.line(`${t} = ${l} instanceof $E ? ${l} : ${not}${l}.has(String(${a}), c.at);`);
				} else b.line(`${t} = ${not}${z}.includes(${a});`);
				break;
			}
			case "/":
				b.line(`${t} = ${z} === 0 ? new $E("division by zero") : ${a} / ${z};`);
				break;
			default:
				b.line(`${t} = ${a} ${JS_OPS[e.op]} ${z};`);
		}
		b.line("}".repeat(open));
		return t;
	}
}

const JS_OPS: Partial<Record<string, string>> = {
	"==": "===",
	"!=": "!==",
	"<": "<",
	"<=": "<=",
	">": ">",
	">=": ">=",
	"+": "+",
	"-": "-",
	"*": "*",
};
