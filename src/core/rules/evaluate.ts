import type { Effect } from "../decisions/effects.ts";
import type { EventType } from "../events/types.ts";
import type { FeatureRequest } from "../features/spec.ts";
import type { EntityRef } from "../shared/entity.ts";
import type { EffectFn } from "./compile-effects.ts";
import type { Fn } from "./compile-expr.ts";
import type { RuleCost } from "./costs.ts";
import type { EvalEnv, Frame } from "./frame.ts";
import { inRollout } from "./rollout.ts";
import { Err, PENDING, type Value } from "./values.ts";

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
	/**
	 * Its effects or rollout key may ask for values to fetch (a feature, an entity state), so the
	 * first pass evaluates them when the condition is not decided yet. Absent: assumed so.
	 */
	effectsNeed?: boolean;
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
 * gone, rules that read nothing to fetch are decided, and `needs` lists what the rest read.
 * Fetch that, then `evaluate`.
 * @example
 * const prepared = pack.prepare(event);
 * const values = await windows.update(catalog.opsFor(event), prepared.needs.features.map((r) => catalog.query(r.feature, r.id, event.ts)));
 * const result = prepared.evaluate({ feature, entity, signals });
 */
export class Prepared {
	constructor(
		private readonly frame: Frame,
		private readonly live: readonly CompiledRule[],
		/** By live rule: its hit when the first pass decided it (it read nothing still to fetch). */
		private readonly decided: readonly (RuleHit | undefined)[],
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
		c.useEnv(env);
		const explain = !!opts.explain;
		const { live, decided, timed } = this;
		const out: RulesResult = {
			effects: [],
			hits: [],
			errors: [],
			considered: live.length + this.ruledOut.length,
			evaluated: live.length,
		};
		for (let i = 0; i < live.length; i++) {
			const rule = live[i] as CompiledRule;
			let hit = decided[i];
			if (hit === undefined) {
				const t0 = timed ? performance.now() : 0;
				c.sn = 0;
				try {
					hit = evalRule(rule, c, explain);
				} catch (err) {
					hit = internalError(rule, err);
				}
				if (timed && rule.cost) rule.cost.sampledMs += performance.now() - t0;
				if (hit === undefined) continue;
			}
			out.hits.push(hit);
			if (hit.outcome === "fired") for (const e of hit.effects) out.effects.push(e);
			else if (hit.outcome === "errored") out.errors.push(`rule ${rule.name}: ${hit.error}`);
		}
		if (explain)
			for (const rule of this.ruledOut)
				out.hits.push({ rule: rule.name, at: rule.at, outcome: "no_match", effects: [], seen: {} });
		return out;
	}
}

function internalError(rule: CompiledRule, err: unknown): RuleHit {
	const error = `internal error: ${err instanceof Error ? err.message : String(err)}`;
	return { rule: rule.name, at: rule.at, outcome: "errored", effects: [], seen: {}, error };
}

function evalRule(rule: CompiledRule, c: Frame, explain: boolean): RuleHit | undefined {
	const v = rule.when(c);
	if (v === false)
		return explain ? { rule: rule.name, at: rule.at, outcome: "no_match", effects: [], seen: c.seen() } : undefined;
	return conclude(rule, v, c);
}

function errored(rule: CompiledRule, c: Frame, v: Value): RuleHit {
	const error = v instanceof Err ? v.message : v === PENDING ? "a value was not fetched" : "not a condition";
	return { rule: rule.name, at: rule.at, outcome: "errored", effects: [], seen: c.seen(), error };
}

/** The hit of a rule whose condition came out `v` (not false): its effects and how it ends. */
function conclude(rule: CompiledRule, v: Value, c: Frame): RuleHit {
	if (v !== true) return errored(rule, c, v);
	const effects: Effect[] = [];
	for (const f of rule.effects) {
		const e = f(c);
		if (e === null) continue;
		if (e === PENDING || e instanceof Err) return errored(rule, c, e);
		effects.push(e);
	}
	let outcome: Outcome = "fired";
	if (rule.shadow) outcome = "shadow";
	else if (rule.rollout) {
		const id = rule.rollout.by ? rule.rollout.by(c) : c.event.actor;
		if (typeof id !== "string" || id === "" || !inRollout(rule.name, id, rule.rollout.percent)) outcome = "held_back";
	}
	return { rule: rule.name, at: rule.at, outcome, effects, seen: c.seen() };
}

/**
 * First pass over one rule: false rules it out; a rule that read nothing still to fetch (no
 * feature, state or signal) is decided now, and its hit returned, since the second pass would
 * compute the same from the same memoised values; anything else keeps it (recording its needs,
 * those of its effects and rollout key included). A rule that throws is kept, so the second
 * pass records it as errored.
 */
export function firstPass(rule: CompiledRule, c: Frame): RuleHit | boolean {
	const mark = c.mark();
	const pend = c.pend;
	c.sn = 0;
	try {
		const v = rule.when(c);
		if (v === false) {
			c.rollback(mark);
			return false;
		}
		if (c.pend === pend) {
			const hit = conclude(rule, v, c);
			if (c.pend === pend) return hit;
		} else if (rule.effectsNeed === false) return true;
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
