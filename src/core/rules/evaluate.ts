import type { Effect } from "../decisions/effects.ts";
import type { EventType } from "../events/types.ts";
import type { FeatureRequest } from "../features/spec.ts";
import type { EntityRef } from "../shared/entity.ts";
import type { EffectFn } from "./compile-effects.ts";
import type { Fn } from "./compile-expr.ts";
import type { RuleCost } from "./costs.ts";
import type { EvalEnv, Frame } from "./frame.ts";
import { inRollout } from "./rollout.ts";
import { Err, PENDING } from "./values.ts";

/** A compiled rule: its condition (all `when`s, cheapest test first) and its effects. */
export interface CompiledRule {
	name: string;
	/** `rules/spam.rules:12`: where it is declared. */
	at: string;
	types: readonly EventType[] | null;
	shadow: boolean;
	rollout?: { percent: number; by: Fn | null };
	when: Fn;
	effects: readonly EffectFn[];
	description?: string;
	/** Where its evaluations are counted and timed (set by the pack that runs it). */
	cost?: RuleCost;
}

/**
 * What became of one rule on one event. `fired`: its effects apply. `shadow`: it matched but
 * is in shadow. `held_back`: it matched but the entity is outside its rollout. `errored`: its
 * condition or an effect could not be computed (a missing feature, a regex over budget).
 * `no_match` appears only when asked to explain.
 */
export type Outcome = "fired" | "shadow" | "held_back" | "errored" | "no_match";

export interface RuleHit {
	rule: string;
	at: string;
	outcome: Outcome;
	/** The effects it asked for (applied only when `fired`). */
	effects: Effect[];
	/** What it read: feature values, signal scores, entity state, by source text. */
	seen: Record<string, unknown>;
	error?: string;
}

export interface RulesResult {
	/** Effects to apply: those of fired rules, in rule order. */
	effects: Effect[];
	hits: RuleHit[];
	/** `rule NAME: message` for each errored rule, for the decision trace's errors. */
	errors: string[];
	/** Rules that applied to the event type / that survived the first pass. */
	considered: number;
	evaluated: number;
}

export interface Needs {
	/** Feature values to fetch (FeatureCatalog.query each, in the window update of this event). */
	features: readonly FeatureRequest[];
	/** Entities whose state rules read (the actor's included when read). */
	entities: readonly EntityRef[];
}

/**
 * An event after the first pass: rules whose cheap, event-only part is already false are
 * gone, and `needs` lists what the rest read. Fetch that, then `evaluate`.
 * @example
 * const prepared = pack.prepare(event);
 * const values = await windows.update(catalog.opsFor(event), prepared.needs.features.map((r) => catalog.query(r.feature, r.id, event.ts)));
 * const result = prepared.evaluate({ feature, entity, signals });
 */
export class Prepared {
	constructor(
		private readonly frame: Frame,
		private readonly live: readonly CompiledRule[],
		private readonly ruledOut: readonly CompiledRule[],
		/** This event is one of the sample whose rules are timed (see RuleCosts). */
		private readonly timed = false,
	) {}

	get needs(): Needs {
		return { features: this.frame.features, entities: this.frame.entities };
	}

	/** Second pass: every remaining rule against fetched values. Never throws for a rule's failure. */
	evaluate(env: EvalEnv, opts: { explain?: boolean } = {}): RulesResult {
		const c = this.frame;
		c.phase = 2;
		c.env = env;
		const out: RulesResult = {
			effects: [],
			hits: [],
			errors: [],
			considered: this.live.length + this.ruledOut.length,
			evaluated: this.live.length,
		};
		// A rule that read nothing leaves its buffer to the next (a hit copies what it read).
		let seen: [string, unknown][] = [];
		for (const rule of this.live) {
			if (seen.length) seen = [];
			c.seen = seen;
			let hit: RuleHit | undefined;
			const t0 = this.timed ? performance.now() : 0;
			try {
				hit = evalRule(rule, c, !!opts.explain);
			} catch (err) {
				hit = {
					rule: rule.name,
					at: rule.at,
					outcome: "errored",
					effects: [],
					seen: {},
					error: `internal error: ${message(err)}`,
				};
			}
			c.seen = null;
			if (this.timed && rule.cost) rule.cost.sampledMs += performance.now() - t0;
			if (!hit) continue;
			out.hits.push(hit);
			if (hit.outcome === "fired") for (const e of hit.effects) out.effects.push(e);
			if (hit.outcome === "errored") out.errors.push(`rule ${rule.name}: ${hit.error}`);
		}
		if (opts.explain)
			for (const rule of this.ruledOut)
				out.hits.push({ rule: rule.name, at: rule.at, outcome: "no_match", effects: [], seen: {} });
		return out;
	}
}

function message(err: unknown): string {
	return err instanceof Error ? err.message : String(err);
}

function evalRule(rule: CompiledRule, c: Frame, explain: boolean): RuleHit | undefined {
	const v = rule.when(c);
	if (v === false && !explain) return undefined;
	const seen = () => Object.fromEntries(c.seen ?? []);
	const base = { rule: rule.name, at: rule.at };
	if (v === false) return { ...base, outcome: "no_match", effects: [], seen: seen() };
	if (v !== true) {
		const error = v instanceof Err ? v.message : v === PENDING ? "a value was not fetched" : "not a condition";
		return { ...base, outcome: "errored", effects: [], seen: seen(), error };
	}
	const effects: Effect[] = [];
	for (const f of rule.effects) {
		const e = f(c);
		if (e === null) continue;
		if (e === PENDING || e instanceof Err) {
			const error = e instanceof Err ? e.message : "a value was not fetched";
			return { ...base, outcome: "errored", effects: [], seen: seen(), error };
		}
		effects.push(e);
	}
	let outcome: Outcome = "fired";
	if (rule.shadow) outcome = "shadow";
	else if (rule.rollout) {
		const id = rule.rollout.by ? rule.rollout.by(c) : c.event.actor;
		if (typeof id !== "string" || id === "" || !inRollout(rule.name, id, rule.rollout.percent)) outcome = "held_back";
	}
	return { ...base, outcome, effects, seen: seen() };
}

/**
 * First pass over one rule: false rules it out; anything else keeps it (and records its
 * needs). A rule that throws is kept, so the second pass records it as errored.
 */
export function firstPass(rule: CompiledRule, c: Frame): boolean {
	const mark = c.mark();
	try {
		if (rule.when(c) === false) {
			c.rollback(mark);
			return false;
		}
		for (const f of rule.effects) f(c);
		rule.rollout?.by?.(c);
	} catch {
		// kept: evaluate() reports it
	}
	return true;
}

/**
 * One line per hit for a decision trace's `fired` list: the rule's name, with how it ended when
 * it did not simply fire.
 * @example firedLines(result) // ["spam_link_burst", "botnet_subnet (shadow)", "boost_participant (held back)"]
 */
export function firedLines(result: RulesResult): string[] {
	return result.hits
		.filter((h) => h.outcome !== "no_match")
		.map((h) => (h.outcome === "fired" ? h.rule : `${h.rule} (${h.outcome.replace("_", " ")})`));
}
