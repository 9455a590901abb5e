import type { Expr } from "./ast.ts";
import type { NodeInfo, Ref } from "./check-state.ts";
import { type Entry, emitModule } from "./codegen.ts";
import type { Frame } from "./frame.ts";
import { spanText } from "./source.ts";
import type { Type } from "./types.ts";
import type { Value } from "./values.ts";

export type Fn = (c: Frame) => Value;

/**
 * Calls at least this costly that read only the event and lists are memoised per event, one
 * slot per distinct call (same builtin, same arguments), so rules sharing a keyword count or a
 * list lookup compute it once; named-list `in` tests are memoised alike.
 */
const MEMO_COST = 3;
const FEATURE_COST = 8;

/** What the compiler knows of an expression before emitting it. */
export interface Shape {
	/** Static cost, ordering `and`/`or` operands and a rule's conditions (cheapest first). */
	cost: number;
	/** The first pass may ask for a feature value or an entity state in it. */
	needs: boolean;
	/** It may come out not-yet-known or errored. */
	stop: boolean;
	/** It may add reads to the trace (features, state, signals, lets). */
	records: boolean;
	/** Its per-event memo slot, or -1. */
	slot: number;
	/** `and`/`or`: the flattened operands, cheapest first. */
	parts?: readonly Expr[];
}

/** A compiled expression: its function (callable once the compiler has finished), cost and needs. */
export interface Compiled {
	fn: Fn;
	cost: number;
	/** The first pass may find values to fetch in it. */
	needs: boolean;
}

const leaf = (cost: number): Shape => ({ cost, needs: false, stop: false, records: false, slot: -1 });

/**
 * Compiles the expressions of a pack to JavaScript, all in one module (see codegen.ts):
 * `compile` registers an expression and returns its handle; `finish` emits and binds them all.
 * Lets and costly event-only calls get per-event memo slots.
 */
export class ExprCompiler {
	/** Memo slots handed out (the size of a frame's memo). */
	slots = 0;
	private readonly shapes = new Map<Expr, Shape>();
	private readonly letSlots = new Map<string, number>();
	private readonly keySlots = new Map<string, number>();
	private readonly entries: (Entry & { bind: (f: Fn) => void })[] = [];
	private finished = false;

	constructor(
		private readonly info: ReadonlyMap<Expr, NodeInfo>,
		private readonly texts: ReadonlyMap<string, string>,
		readonly letExpr: (name: string) => Expr,
	) {}

	typeOf(e: Expr): Type {
		return (this.info.get(e) as NodeInfo).type;
	}

	refOf(e: Expr): Ref | undefined {
		return this.info.get(e)?.ref;
	}

	text(e: Expr): string {
		return spanText(this.texts.get(e.span.file) ?? "", e.span);
	}

	/** One expression; its `fn` runs once `finish` has been called. */
	compile(e: Expr): Compiled {
		const s = this.shape(e);
		return this.register({ exprs: [e], all: false }, s.cost, s.needs);
	}

	/** Several conditions that must all hold (a rule's `when`s): a Kleene `and`, cheapest first. */
	compileAll(es: readonly Expr[]): Compiled {
		const sorted = [...es].sort((a, b) => this.shape(a).cost - this.shape(b).cost);
		const cost = sorted.reduce((n, e) => n + this.shape(e).cost, 0);
		return this.register(
			{ exprs: sorted, all: true },
			cost,
			sorted.some((e) => this.shape(e).needs),
		);
	}

	/** Whether the first pass may find values to fetch in `e`. */
	needs(e: Expr): boolean {
		return this.shape(e).needs;
	}

	/** Emits every registered expression as one module and binds each handle to its function. */
	finish(): void {
		if (this.finished) throw new Error("the expression compiler has already finished");
		this.finished = true;
		const fns = emitModule(this, this.entries);
		for (let i = 0; i < fns.length; i++) this.entries[i]?.bind(fns[i] as Fn);
	}

	private register(entry: Entry, cost: number, needs: boolean): Compiled {
		if (this.finished) throw new Error("the expression compiler has already finished");
		let bound: Fn | undefined;
		const out: Compiled = { fn: (c) => (bound as Fn)(c), cost, needs };
		this.entries.push({
			...entry,
			bind: (f) => {
				bound = f;
				out.fn = f;
			},
		});
		return out;
	}

	shape(e: Expr): Shape {
		let s = this.shapes.get(e);
		if (!s) {
			s = this.analyse(e);
			this.shapes.set(e, s);
		}
		return s;
	}

	private analyse(e: Expr): Shape {
		const ref = this.refOf(e);
		switch (e.kind) {
			case "num":
			case "str":
			case "bool":
			case "dur":
				return leaf(0);
			case "list":
				return or(
					e.items.map((i) => this.shape(i)),
					0,
				);
			case "name": {
				if (ref?.r === "list") return leaf(0);
				if (ref?.r !== "let") throw new Error("unresolved name");
				const body = this.shape(this.letExpr(ref.name));
				let slot = this.letSlots.get(ref.name);
				if (slot === undefined) {
					slot = this.slots++;
					this.letSlots.set(ref.name, slot);
				}
				return { cost: body.cost, needs: body.needs, stop: body.stop, records: true, slot };
			}
			case "member":
				return leaf(1);
			case "index": {
				const key = this.shape(e.index);
				return { cost: FEATURE_COST + key.cost, needs: true, stop: true, records: true, slot: -1 };
			}
			case "call": {
				if (ref?.r === "has") return leaf(1);
				const b = (ref as Ref & { r: "builtin" }).builtin;
				const args = or(
					e.args.map((a) => this.shape(a)),
					b.cost,
				);
				if (b.reads === "state") return { ...args, needs: true, stop: true, records: true };
				if (b.reads === "signals") return { ...args, stop: true, records: true };
				return { ...args, stop: true, slot: args.cost >= MEMO_COST ? this.keySlot(e) : -1 };
			}
			case "unary": {
				const o = this.shape(e.operand);
				return { ...o, slot: -1, parts: undefined };
			}
			case "binary": {
				if (e.op === "and" || e.op === "or") {
					const parts = flatten(e, e.op).sort((a, b) => this.shape(a).cost - this.shape(b).cost);
					return {
						...or(
							parts.map((p) => this.shape(p)),
							0,
						),
						parts,
					};
				}
				const both = or([this.shape(e.left), this.shape(e.right)], 1);
				if (e.op === "in" || e.op === "not in") {
					const named = this.refOf(e.right)?.r === "list";
					if (!named) return both;
					return { ...both, cost: both.cost + 2, stop: true, slot: this.keySlot(e) };
				}
				return e.op === "/" ? { ...both, stop: true } : both;
			}
			default:
				throw new Error(`cannot compile ${e.kind}`);
		}
	}

	/** One memo slot per distinct event-only expression (its structure, not where it is written). */
	private keySlot(e: Expr): number {
		const k = this.key(e);
		let slot = this.keySlots.get(k);
		if (slot === undefined) {
			slot = this.slots++;
			this.keySlots.set(k, slot);
		}
		return slot;
	}

	private key(e: Expr): string {
		const ref = this.refOf(e);
		switch (e.kind) {
			case "num":
				return `${e.value}`;
			case "str":
				return JSON.stringify(e.value);
			case "bool":
				return `${e.value}`;
			case "dur":
				return `${e.ms}ms`;
			case "list":
				return `[${e.items.map((i) => this.key(i)).join(",")}]`;
			case "name":
				return ref?.r === "list" ? `list:${ref.name}` : `let:${(ref as { name: string }).name}`;
			case "member": {
				const f = ref as Ref & { r: "field" };
				return `event.${f.path.join(".")}:${f.field.type.t}${"keys" in f.field && f.field.keys ? ":keys" : ""}`;
			}
			case "index":
				return `${(ref as Ref & { r: "feature" }).name}[${this.key(e.index)}]`;
			case "call":
				if (ref?.r === "has") return `has(${ref.path.join(".")})`;
				return `${(ref as Ref & { r: "builtin" }).builtin.name}(${e.args.map((a) => this.key(a)).join(",")})`;
			case "unary":
				return `${e.op}(${this.key(e.operand)})`;
			case "binary":
				return `(${this.key(e.left)} ${e.op} ${this.key(e.right)})`;
			default:
				throw new Error(`cannot compile ${e.kind}`);
		}
	}
}

/** The shape of a node over `parts`: costs add up (plus its own), flags are or-ed. */
function or(parts: readonly Shape[], own: number): Shape {
	const s = leaf(own);
	for (const p of parts) {
		s.cost += p.cost;
		s.needs ||= p.needs;
		s.stop ||= p.stop;
		s.records ||= p.records;
	}
	return s;
}

function flatten(e: Expr, op: "and" | "or"): Expr[] {
	return e.kind === "binary" && e.op === op ? [...flatten(e.left, op), ...flatten(e.right, op)] : [e];
}
