// The three subjects of `npm run bench -- rules`, each deciding which rules' conditions hold on
// a recorded event: Bulwark through its event path (prepare, needs, evaluate), zen-engine with
// one decision table per event type (hit policy `collect`), json-rules-engine with one engine
// per event type. What each one's time includes is stated in BENCHMARKS.md ("rules").

import { createRequire } from "node:module";
import type { Engine as JreEngine, RuleProperties, TopLevelCondition } from "json-rules-engine";
import { EVENT_TYPES, type EventType } from "../../src/core/events/index.ts";
import type { ListReader, RulePack } from "../../src/core/rules/index.ts";
import { type Cond, factsOf, type Op, rulesOn } from "./rules-equiv.ts";
import { type ComputedFact, type FactInput, type FactValue, factsOn } from "./rules-facts.ts";
import { type Recorded, RecordedEnv } from "./rules-stream.ts";

const require = createRequire(import.meta.url);

/** Bulwark: what Processor.decide does with the pack, minus the window and state fetch. */
export function bulwarkDecide(pack: RulePack, rec: Recorded): string[] {
	const prepared = pack.prepare(rec.event);
	void prepared.needs;
	const out: string[] = [];
	for (const h of prepared.evaluate(new RecordedEnv(rec)).hits) {
		if (h.outcome === "errored") throw new Error(`rule ${h.rule} errored on event ${rec.event.id}: ${h.error}`);
		out.push(h.rule);
	}
	return out;
}

/** Bulwark over every record; returns the number of rules that held (so the work is used). */
export function bulwarkRun(pack: RulePack, recs: readonly Recorded[]): number {
	let held = 0;
	for (const rec of recs) {
		const prepared = pack.prepare(rec.event);
		void prepared.needs;
		held += prepared.evaluate(new RecordedEnv(rec)).hits.length;
	}
	return held;
}

/** Per event type: the facts an engine is given and how to build them from a record. */
class Facts {
	private readonly byType = new Map<EventType, { computed: ComputedFact[]; features: string[] }>();
	constructor(private readonly lists: ListReader) {
		for (const t of EVENT_TYPES) {
			const f = factsOn(t);
			this.byType.set(t, { computed: f.computed, features: f.features.map((x) => x.name) });
			for (const rule of rulesOn(t))
				for (const name of factsOf(rule.all))
					if (!f.computed.some((x) => x.name === name) && !f.features.some((x) => x.name === name))
						throw new Error(`rule ${rule.name} reads fact ${name}, which is not defined on ${t}`);
		}
	}

	input(rec: Recorded): FactInput {
		return { e: rec.event, lists: this.lists, states: rec.states, signals: rec.signals };
	}

	/** Every fact of the record's event type, computed now (zen-engine takes one input object). */
	all(rec: Recorded): Record<string, FactValue> {
		const t = this.byType.get(rec.event.type) as { computed: ComputedFact[]; features: string[] };
		const x = this.input(rec);
		const out: Record<string, FactValue> = {};
		for (const name of t.features) out[name] = rec.featureFacts[name] as number;
		for (const f of t.computed) out[f.name] = f.get(x);
		return out;
	}

	/** The cheap facts only (event fields, features, state, signals); costly ones are left to the engine. */
	cheap(rec: Recorded): Record<string, FactValue> {
		const t = this.byType.get(rec.event.type) as { computed: ComputedFact[]; features: string[] };
		const x = this.input(rec);
		const out: Record<string, FactValue> = {};
		for (const name of t.features) out[name] = rec.featureFacts[name] as number;
		for (const f of t.computed) if (!f.costly) out[f.name] = f.get(x);
		return out;
	}

	costly(): ComputedFact[] {
		const seen = new Map<string, ComputedFact>();
		for (const t of this.byType.values()) for (const f of t.computed) if (f.costly) seen.set(f.name, f);
		return [...seen.values()];
	}
}

// ---- zen-engine ----

interface ZenDecision {
	evaluate(context: unknown): Promise<{ result: unknown }>;
}

const lit = (v: FactValue) => (typeof v === "string" ? JSON.stringify(v) : String(v));
const zenExpr = (x: Cond): string =>
	"any" in x ? `(${x.any.map(zenExpr).join(" or ")})` : `${x[0]} ${x[1]} ${lit(x[2])}`;
const unary = (op: Op, v: FactValue) => (op === "==" ? lit(v) : `${op} ${lit(v)}`);

/**
 * The JDM graph for one event type: input -> one decision table (hit policy `collect`, a column
 * per fact, a unary test per cell, one row per rule; `or` groups and a second test on a fact in
 * an expression column) -> output. The result is `[{ rule }]`, one per rule whose row matched.
 */
export function zenGraph(type: EventType): object | undefined {
	const rules = rulesOn(type);
	if (!rules.length) return undefined;
	const columns: string[] = [];
	const rows: Record<string, string>[] = [];
	let needsExpr = false;
	for (const [i, rule] of rules.entries()) {
		const row: Record<string, string> = { _id: `r${i}`, out: JSON.stringify(rule.name) };
		const rest: string[] = [];
		for (const x of rule.all) {
			if ("any" in x || row[`f_${x[0]}`] !== undefined) {
				rest.push(zenExpr(x));
				continue;
			}
			if (!columns.includes(x[0])) columns.push(x[0]);
			row[`f_${x[0]}`] = unary(x[1], x[2]);
		}
		if (rest.length) {
			row.expr = rest.join(" and ");
			needsExpr = true;
		}
		rows.push(row);
	}
	const inputs: object[] = columns.map((c) => ({ id: `f_${c}`, name: c, field: c }));
	if (needsExpr) inputs.push({ id: "expr", name: "expression" });
	for (const row of rows) for (const inp of inputs as { id: string }[]) row[inp.id] ??= "";
	const at = (x: number) => ({ x, y: 0 });
	return {
		nodes: [
			{ id: "in", type: "inputNode", name: "event", position: at(0), content: { schema: "" } },
			{
				id: "table",
				type: "decisionTableNode",
				name: `rules on ${type}`,
				position: at(300),
				content: {
					hitPolicy: "collect",
					inputs,
					outputs: [{ id: "out", name: "rule", field: "rule" }],
					rules: rows,
					passThrough: false,
					inputField: null,
					outputPath: null,
					executionMode: "single",
				},
			},
			{ id: "out", type: "outputNode", name: "result", position: at(600), content: { schema: "" } },
		],
		edges: [
			{ id: "e1", sourceId: "in", targetId: "table", type: "edge" },
			{ id: "e2", sourceId: "table", targetId: "out", type: "edge" },
		],
	};
}

export class ZenSubject {
	private readonly decisions = new Map<EventType, ZenDecision>();
	private readonly facts: Facts;

	constructor(lists: ListReader) {
		const { ZenEngine } = require("@gorules/zen-engine") as {
			ZenEngine: new () => { createDecision(content: object): ZenDecision };
		};
		const engine = new ZenEngine();
		this.facts = new Facts(lists);
		for (const t of EVENT_TYPES) {
			const g = zenGraph(t);
			if (g) this.decisions.set(t, engine.createDecision(g));
		}
	}

	async decide(rec: Recorded): Promise<string[]> {
		const d = this.decisions.get(rec.event.type);
		if (!d) return [];
		const { result } = await d.evaluate(this.facts.all(rec));
		return (result as { rule: string }[]).map((x) => x.rule);
	}

	/**
	 * Every record, `inFlight` evaluations at a time (1: in order, each awaited, as an event path
	 * decides; more: zen-engine's worker threads overlap them); returns the number of rules that held.
	 */
	async run(recs: readonly Recorded[], inFlight = 1): Promise<number> {
		let held = 0;
		let next = 0;
		const worker = async () => {
			while (next < recs.length) {
				const rec = recs[next++] as Recorded;
				const d = this.decisions.get(rec.event.type);
				if (d) held += ((await d.evaluate(this.facts.all(rec))).result as unknown[]).length;
			}
		};
		await Promise.all(Array.from({ length: inFlight }, worker));
		return held;
	}
}

// ---- json-rules-engine ----

type JreCond =
	| { fact: string; operator: string; value: FactValue; priority: number }
	| { any: JreCond[]; priority: number };

const JRE_OPS: Record<Op, string> = {
	"==": "equal",
	"!=": "notEqual",
	">=": "greaterThanInclusive",
	">": "greaterThan",
	"<=": "lessThanInclusive",
	"<": "lessThan",
};

/**
 * json-rules-engine, one Engine per event type holding that type's rules. Event fields,
 * features, state and signals are runtime facts; list and text facts are dynamic facts,
 * computed when a condition first reads them and cached for the run, and conditions on them
 * run after the cheap ones (condition priority), so a rule whose cheap part fails never pays
 * for them.
 */
export class JreSubject {
	private readonly engines = new Map<EventType, JreEngine>();
	private readonly facts: Facts;
	/** The record being decided: dynamic facts read it (runs are awaited one at a time). */
	private current: FactInput | undefined;

	constructor(lists: ListReader) {
		const { Engine } = require("json-rules-engine") as typeof import("json-rules-engine");
		this.facts = new Facts(lists);
		const costly = this.facts.costly();
		const isCostly = new Set(costly.map((f) => f.name));
		const cond = (x: Cond): JreCond =>
			"any" in x
				? { any: x.any.map(cond), priority: factsOf([x]).some((n) => isCostly.has(n)) ? 1 : 2 }
				: { fact: x[0], operator: JRE_OPS[x[1]], value: x[2], priority: isCostly.has(x[0]) ? 1 : 2 };
		for (const t of EVENT_TYPES) {
			const rules = rulesOn(t);
			if (!rules.length) continue;
			const engine = new Engine([], { allowUndefinedFacts: false });
			for (const f of costly)
				engine.addFact(f.name, () => f.get(this.current as FactInput), { cache: true, priority: 1 });
			for (const rule of rules) {
				const props: RuleProperties = {
					name: rule.name,
					conditions: { all: rule.all.map(cond) } as TopLevelCondition,
					event: { type: rule.name },
				};
				engine.addRule(props);
			}
			this.engines.set(t, engine);
		}
	}

	async decide(rec: Recorded): Promise<string[]> {
		const engine = this.engines.get(rec.event.type);
		if (!engine) return [];
		this.current = this.facts.input(rec);
		const { events } = await engine.run(this.facts.cheap(rec));
		return events.map((e) => e.type);
	}

	async run(recs: readonly Recorded[]): Promise<number> {
		let held = 0;
		for (const rec of recs) {
			const engine = this.engines.get(rec.event.type);
			if (!engine) continue;
			this.current = this.facts.input(rec);
			held += (await engine.run(this.facts.cheap(rec))).events.length;
		}
		return held;
	}
}
