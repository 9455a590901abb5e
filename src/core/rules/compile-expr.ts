import type { Expr } from "./ast.ts";
import type { Builtin } from "./builtins/registry.ts";
import type { NodeInfo, Ref } from "./check-state.ts";
import { zeroOf } from "./fields.ts";
import type { Frame } from "./frame.ts";
import type { CallSite } from "./runtime.ts";
import { spanText } from "./source.ts";
import type { Type } from "./types.ts";
import { Err, isStop, PENDING, type Value } from "./values.ts";

export type Fn = (c: Frame) => Value;

/** Calls at least this costly, reading only the event and lists, are memoised per event. */
const MEMO_COST = 10;
const FEATURE_COST = 8;

/** What compiling expressions shares: node info from the checker, source texts, memo slots, compiled lets. */
export class ExprCompiler {
	slots = 0;
	private readonly lets = new Map<string, { fn: Fn; cost: number }>();

	constructor(
		private readonly info: ReadonlyMap<Expr, NodeInfo>,
		private readonly texts: ReadonlyMap<string, string>,
		private readonly letExpr: (name: string) => Expr,
	) {}

	typeOf(e: Expr): Type {
		return (this.info.get(e) as NodeInfo).type;
	}

	text(e: Expr): string {
		return spanText(this.texts.get(e.span.file) ?? "", e.span);
	}

	/** A compiled expression and its static cost (used to order `and`/`or` operands). */
	compile(e: Expr): { fn: Fn; cost: number } {
		const ref = this.info.get(e)?.ref;
		switch (e.kind) {
			case "num":
			case "str":
			case "bool": {
				const v = e.value;
				return { fn: () => v, cost: 0 };
			}
			case "dur": {
				const v = e.ms;
				return { fn: () => v, cost: 0 };
			}
			case "list": {
				const items = e.items.map((i) => this.compile(i));
				const fns = items.map((i) => i.fn);
				return {
					fn: (c) => {
						const out: Value[] = [];
						for (const f of fns) {
							const v = f(c);
							if (isStop(v)) return v;
							out.push(v);
						}
						return out;
					},
					cost: items.reduce((a, i) => a + i.cost, 0),
				};
			}
			case "name":
				return this.compileName(ref);
			case "member":
				return { fn: fieldAccessor(ref as Ref & { r: "field" }), cost: 1 };
			case "index":
				return this.compileFeature(e, ref as Ref & { r: "feature" });
			case "call":
				if (ref?.r === "has") return { fn: hasAccessor(ref.path), cost: 1 };
				return this.compileCall(e as Expr & { kind: "call" }, (ref as Ref & { r: "builtin" }).builtin);
			case "unary": {
				const o = this.compile(e.operand);
				const f = o.fn;
				if (e.op === "not") return { fn: (c) => not(f(c)), cost: o.cost };
				return {
					fn: (c) => {
						const v = f(c);
						return isStop(v) ? v : -(v as number);
					},
					cost: o.cost,
				};
			}
			case "binary":
				return this.compileBinary(e);
			default:
				throw new Error(`cannot compile ${e.kind}`);
		}
	}

	private compileName(ref: Ref | undefined): { fn: Fn; cost: number } {
		if (ref?.r === "list") {
			const name = ref.name;
			return { fn: () => name, cost: 0 };
		}
		if (ref?.r !== "let") throw new Error("unresolved name");
		return this.compileLet(ref.name);
	}

	private compileLet(name: string): { fn: Fn; cost: number } {
		const done = this.lets.get(name);
		if (done) return done;
		const slot = this.slots++;
		let inner: Fn = () => new Err(`let ${name} is not compiled`);
		const entry = { fn: memoised(slot, (c) => inner(c), name), cost: 0 };
		this.lets.set(name, entry);
		const body = this.compile(this.letExpr(name));
		inner = body.fn;
		entry.cost = body.cost;
		return entry;
	}

	private compileFeature(e: Expr & { kind: "index" }, ref: Ref & { r: "feature" }): { fn: Fn; cost: number } {
		const key = this.compile(e.index);
		const keyFn = key.fn;
		const { name, entity } = ref;
		const label = this.text(e);
		return {
			fn: (c) => {
				const id = keyFn(c);
				if (isStop(id)) return id;
				if (id === "") return new Err(`${label}: the event has no ${entity} here`);
				if (c.phase === 1) {
					c.needFeature(name, id as string);
					return PENDING;
				}
				const w = c.env?.feature(name, id as string);
				const v = typeof w === "number" ? w : new Err(`feature ${name} of ${entity}:${String(id)} is not available`);
				c.record(label, v);
				return v;
			},
			cost: FEATURE_COST + key.cost,
		};
	}

	private compileCall(e: Expr & { kind: "call" }, b: Builtin): { fn: Fn; cost: number } {
		const args = e.args.map((a) => this.compile(a));
		const fns = args.map((a) => a.fn);
		const params = b.signature.params;
		const literals = e.args.map((a) =>
			a.kind === "str" || a.kind === "num" || a.kind === "bool" ? a.value : undefined,
		);
		const site: CallSite = {
			prepared: b.prepare ? b.prepare(literals) : undefined,
			kinds: e.args.map((a) => {
				const t = this.typeOf(a);
				return t.t === "entity" ? t.kind : undefined;
			}),
		};
		const cost = b.cost + args.reduce((a, x) => a + x.cost, 0);
		const label = this.text(e);
		const entityArg = params.findIndex((p) => p.entity);
		const kind = site.kinds[entityArg];
		const argv: Value[] = new Array(fns.length);
		const evalArgs = (c: Frame): Value | undefined => {
			for (let k = 0; k < fns.length; k++) {
				const v = (fns[k] as Fn)(c);
				if (isStop(v)) return v;
				argv[k] = v;
			}
			return undefined;
		};
		const impl = b.impl;
		if (b.reads === "state" || b.reads === "signals") {
			const state = b.reads === "state";
			return {
				fn: (c) => {
					const stop = evalArgs(c);
					if (stop !== undefined) return stop;
					if (c.phase === 1) {
						if (state && kind && argv[entityArg] !== "") c.needEntity(kind, argv[entityArg] as string);
						return PENDING;
					}
					const v = impl(argv, c, site);
					c.record(label, v);
					return v;
				},
				cost,
			};
		}
		const plain: Fn = (c) => {
			const stop = evalArgs(c);
			return stop !== undefined ? stop : impl(argv, c, site);
		};
		return { fn: cost >= MEMO_COST ? memoised(this.slots++, plain) : plain, cost };
	}

	private compileBinary(e: Expr & { kind: "binary" }): { fn: Fn; cost: number } {
		if (e.op === "and" || e.op === "or") {
			const parts = flatten(e, e.op).map((x) => this.compile(x));
			parts.sort((a, b) => a.cost - b.cost);
			const fns = parts.map((p) => p.fn);
			const cost = parts.reduce((a, p) => a + p.cost, 0);
			return { fn: e.op === "and" ? and(fns) : or(fns), cost };
		}
		const l = this.compile(e.left);
		const r = this.compile(e.right);
		const lf = l.fn;
		const rf = r.fn;
		const cost = l.cost + r.cost + 1;
		if (e.op === "in" || e.op === "not in") {
			const negate = e.op === "not in";
			const named = this.info.get(e.right)?.ref?.r === "list";
			return {
				fn: (c) => {
					const a = lf(c);
					if (isStop(a)) return a;
					const b = rf(c);
					if (isStop(b)) return b;
					let found: boolean;
					if (named) {
						const list = c.list(b as string);
						if (list instanceof Err) return list;
						found = list.has(String(a), c.at);
					} else found = (b as readonly Value[]).includes(a);
					return found !== negate;
				},
				cost: cost + (named ? 2 : 0),
			};
		}
		const op = OPS[e.op] as (a: Value, b: Value) => Value;
		return {
			fn: (c) => {
				const a = lf(c);
				if (isStop(a)) return a;
				const b = rf(c);
				if (isStop(b)) return b;
				return op(a, b);
			},
			cost,
		};
	}
}

const OPS: Partial<Record<string, (a: Value, b: Value) => Value>> = {
	"==": (a, b) => a === b,
	"!=": (a, b) => a !== b,
	"<": (a, b) => (a as number) < (b as number),
	"<=": (a, b) => (a as number) <= (b as number),
	">": (a, b) => (a as number) > (b as number),
	">=": (a, b) => (a as number) >= (b as number),
	"+": (a, b) => (typeof a === "string" ? a + (b as string) : (a as number) + (b as number)),
	"-": (a, b) => (a as number) - (b as number),
	"*": (a, b) => (a as number) * (b as number),
	"/": (a, b) => ((b as number) === 0 ? new Err("division by zero") : (a as number) / (b as number)),
};

function flatten(e: Expr, op: "and" | "or"): Expr[] {
	return e.kind === "binary" && e.op === op ? [...flatten(e.left, op), ...flatten(e.right, op)] : [e];
}

function not(v: Value): Value {
	return v === true ? false : v === false ? true : v;
}

/**
 * Kleene `and`, cheapest operand first: false as soon as one is false; otherwise not-yet-known
 * if one is, errored if one is, else true. Operand order never changes the answer.
 */
export function and(fns: readonly Fn[]): Fn {
	return kleene(fns, false);
}

/** Kleene `or`: true as soon as one is true (the dual of {@link and}). */
export function or(fns: readonly Fn[]): Fn {
	return kleene(fns, true);
}

/** `decisive` ends the evaluation (false for `and`, true for `or`); `!decisive` is the empty answer. */
function kleene(fns: readonly Fn[], decisive: boolean): Fn {
	return (c) => {
		let pending = false;
		let err: Err | undefined;
		for (const f of fns) {
			const v = f(c);
			if (v === decisive) return decisive;
			if (v === PENDING) pending = true;
			else if (v instanceof Err) err ??= v;
		}
		return pending ? PENDING : (err ?? !decisive);
	};
}

/**
 * Computes once per event (per frame); replays the reads it recorded into the current rule's
 * trace. A let (`label` given) also records its own value, so a trace shows `claim_match: 0.81`.
 */
function memoised(slot: number, f: Fn, label?: string): Fn {
	return (c) => {
		const m = c.memo[slot];
		if (m) {
			if (c.seen) for (const s of m.seen) c.seen.push(s as [string, unknown]);
			return m.v;
		}
		const from = c.seen ? c.seen.length : 0;
		const v = f(c);
		if (v === PENDING) return v;
		const seen: [string, unknown][] = c.seen ? c.seen.slice(from) : [];
		if (label !== undefined) {
			const own: [string, unknown] = [label, v instanceof Err ? `errored: ${v.message}` : v];
			seen.push(own);
			c.seen?.push(own);
		}
		c.memo[slot] = { v, seen };
		return v;
	};
}

function fieldAccessor(ref: Ref & { r: "field" }): Fn {
	const path = ref.path;
	const zero = zeroOf(ref.field.type) as Value;
	const keys = "keys" in ref.field && !!ref.field.keys;
	return (c) => {
		let v: unknown = c.event;
		for (let k = 0; k < path.length; k++) {
			if (v === null || v === undefined) return zero;
			v = (v as Record<string, unknown>)[path[k] as string];
		}
		if (v === null || v === undefined) return zero;
		if (keys) return Object.keys(v as object);
		return v as Value;
	};
}

function hasAccessor(path: readonly string[]): Fn {
	return (c) => {
		let v: unknown = c.event;
		for (let k = 0; k < path.length; k++) {
			if (v === null || v === undefined) return false;
			v = (v as Record<string, unknown>)[path[k] as string];
		}
		return v !== null && v !== undefined;
	};
}
