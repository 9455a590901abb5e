import type { BulwarkEvent, EventType } from "../events/index.ts";
import type { FeatureSpec } from "../features/spec.ts";
import { COST_SAMPLE_EVERY, RuleCosts } from "./costs.ts";
import { type CompiledRule, firstPass, Prepared, type RuleHit, type RulesResult } from "./evaluate.ts";
import { type EvalEnv, Frame } from "./frame.ts";
import type { ListReader, ListView } from "./lists/ports.ts";
import type { ListKind } from "./types.ts";

/** A rule as the outside sees it (for listings, metrics labels, the API). */
export interface RuleInfo {
	name: string;
	at: string;
	on: readonly EventType[] | null;
	shadow: boolean;
	rolloutPercent: number | null;
	description?: string;
}

export interface ListInfo {
	name: string;
	kind: ListKind;
	/** Entries written in the rules file (else the list comes from the list store). */
	inline: boolean;
}

/**
 * A compiled rules pack: compile once, run for every event. Immutable; a new version is a new
 * pack, so swapping packs is one reference assignment.
 * @example
 * const { pack } = loadRules([{ path: "rules/spam.rules", text }]);
 * const catalog = new FeatureCatalog([...DEFAULT_FEATURES, ...pack.features]);
 * const prepared = pack.prepare(event); // then fetch prepared.needs, then prepared.evaluate(env)
 */
export class RulePack {
	private readonly byType = new Map<EventType, CompiledRule[]>();
	private events = 0;
	/** Per-rule evaluation counts and sampled time; see `useCosts`. */
	costs = new RuleCosts();

	constructor(
		/** Windowed features the rules declared: register them with the FeatureCatalog. */
		readonly features: readonly FeatureSpec[],
		private readonly compiled: readonly CompiledRule[],
		readonly lists: readonly ListInfo[],
		private readonly store: ListReader | undefined,
		private readonly inline: ReadonlyMap<string, ListView>,
		/**
		 * Each declared feature's declaration, whitespace-normalised. A new pack version whose
		 * feature has the same name but another definition must not inherit the old window
		 * state: compare these to decide (rename, reset, or refuse the deploy).
		 */
		readonly featureDefinitions: ReadonlyMap<string, string> = new Map(),
		/** Per-event memo slots of the compiled expressions (the size of a Frame's memo). */
		private readonly slots = 0,
	) {
		this.useCosts(this.costs);
	}

	/**
	 * Counts and times this pack's rules into `costs` (by rule name): give a new version the
	 * running version's `costs` and each rule's totals carry on across the deploy.
	 */
	useCosts(costs: RuleCosts): void {
		this.costs = costs;
		for (const r of this.compiled) r.cost = costs.of(r.name);
	}

	get rules(): RuleInfo[] {
		return this.compiled.map((r) => {
			const info: RuleInfo = {
				name: r.name,
				at: r.at,
				on: r.types,
				shadow: r.shadow,
				rolloutPercent: r.rollout?.percent ?? null,
			};
			if (r.description) info.description = r.description;
			return info;
		});
	}

	/** Rules that apply to an event type (those with no `on` apply to every type), in pack order. */
	rulesFor(type: EventType): readonly CompiledRule[] {
		let list = this.byType.get(type);
		if (!list) {
			list = this.compiled.filter((r) => r.types === null || r.types.includes(type));
			this.byType.set(type, list);
		}
		return list;
	}

	/** First pass: event fields and lists only; synchronous and cheap. */
	prepare(event: BulwarkEvent): Prepared {
		const frame = new Frame(event, this.store, this.inline, this.slots);
		const live: CompiledRule[] = [];
		const decided: (RuleHit | undefined)[] = [];
		const out: CompiledRule[] = [];
		const timed = ++this.events % COST_SAMPLE_EVERY === 0;
		const rules = this.rulesFor(event.type);
		for (let i = 0; i < rules.length; i++) {
			const r = rules[i] as CompiledRule;
			const cost = r.cost as NonNullable<CompiledRule["cost"]>;
			cost.evaluations++;
			let d: RuleHit | boolean;
			if (timed) {
				const t0 = performance.now();
				d = firstPass(r, frame);
				cost.sampledMs += performance.now() - t0;
				cost.sampled++;
			} else d = firstPass(r, frame);
			if (d === false) out.push(r);
			else {
				live.push(r);
				decided.push(d === true ? undefined : d);
			}
		}
		return new Prepared(frame, live, decided, out, timed);
	}

	/** Both passes, for callers that already hold every value `env` can give (tests, backtests). */
	evaluate(event: BulwarkEvent, env: EvalEnv, opts: { explain?: boolean } = {}): RulesResult {
		return this.prepare(event).evaluate(env, opts);
	}
}
