import type { Decision, Effect } from "../decisions/index.ts";
import type { ActionRecord } from "../enforcement/index.ts";
import type { BulwarkEvent } from "../events/index.ts";
import type { RuleInfo } from "../rules/index.ts";
import { entityKey } from "../shared/index.ts";

/** What one rule did over a replay. */
export interface RuleTally {
	rule: string;
	/** Where it is declared: `rules/spam.rules:42`. */
	at: string;
	/** `live`, `shadow`, or `rollout 25%`: as the pack declares it. */
	mode: string;
	/** Events on which it fired (its effects were applied). */
	hits: number;
	/** Events on which it matched in shadow (nothing applied). */
	shadowHits: number;
	/** Events on which it matched but the entity was outside its rollout (nothing applied). */
	heldBack: number;
	/** Events on which it could not be computed. */
	errors: number;
	/** The first error message, as a sample. */
	firstError?: string;
	/** Distinct entities its effects were aimed at, over every match (fired, shadow, held back). */
	entities: number;
	entitiesByKind: Record<string, number>;
	/** Effects it asked for over every match, by `kind[:detail]@target` (`label.add:spam@post`). */
	effects: Record<string, number>;
	/** Audit rows its fired effects wrote (an effect that changes nothing writes none). */
	actions: number;
	firstHitTs: number | null;
	lastHitTs: number | null;
}

/**
 * What the pack as written did. The counts are events on which at least one rule fired
 * (matched in shadow, was held back, errored); the entities, effects and actions are only those
 * of rules that fired, since only those are enforced.
 */
export interface PackTally {
	hits: number;
	shadowHits: number;
	heldBack: number;
	errors: number;
	entities: number;
	entitiesByKind: Record<string, number>;
	effects: Record<string, number>;
	actions: number;
}

interface Acc {
	info: RuleInfo;
	hits: number;
	shadowHits: number;
	heldBack: number;
	errors: number;
	firstError?: string;
	targets: Set<string>;
	effects: Map<string, number>;
	actions: number;
	first: number | null;
	last: number | null;
}

/**
 * Counts, per rule, what a replay's decisions say the rules did: outcomes from each decision's
 * trace, the effects asked for and the entities they aim at, and the audit rows written.
 * @example
 * const tally = new BacktestTally(pack.rules);
 * tally.add(event, decision); // for each decided event
 * tally.rules(); // [{ rule: "spam_post", hits: 12, shadowHits: 0, ... }]
 */
export class BacktestTally {
	private readonly byName = new Map<string, Acc>();
	private readonly packTargets = new Set<string>();
	private readonly packEffects = new Map<string, number>();
	private packHits = 0;
	private packShadow = 0;
	private packHeldBack = 0;
	private packErrors = 0;
	private packActions = 0;
	/** Post id -> author, from every post.created seen (warm-up included). */
	private readonly authors = new Map<string, string>();
	/** Decided events counted (not warm-up). */
	events = 0;

	constructor(rules: readonly RuleInfo[]) {
		for (const info of rules) this.acc(info.name, info);
	}

	/** One decided event; `counted` false for warm-up events (their posts' authors are still kept). */
	add(e: BulwarkEvent, d: Decision, counted = true): void {
		if (e.type === "post.created") this.authors.set((e.data as { postId: string }).postId, e.actor);
		if (!counted) return;
		this.events++;
		const hits = d.trace.rules;
		if (hits) {
			let fired = false;
			let shadow = false;
			let heldBack = false;
			let errored = false;
			for (const h of hits) {
				const a = this.acc(h.rule);
				switch (h.outcome) {
					case "fired":
						a.hits++;
						fired = true;
						break;
					case "shadow":
						a.shadowHits++;
						shadow = true;
						break;
					case "held_back":
						a.heldBack++;
						heldBack = true;
						break;
					case "errored":
						a.errors++;
						errored = true;
						a.firstError ??= h.error;
						continue;
					default:
						continue;
				}
				if (a.first === null) a.first = e.ts;
				a.last = e.ts;
				for (const x of h.effects) {
					a.targets.add(entityKey(x.entity));
					bump(a.effects, effectKey(x));
				}
			}
			if (fired) this.packHits++;
			if (shadow) this.packShadow++;
			if (heldBack) this.packHeldBack++;
			if (errored) this.packErrors++;
		}
		for (const x of d.effects) {
			this.packTargets.add(entityKey(x.entity));
			bump(this.packEffects, effectKey(x));
		}
	}

	/** Audit rows enforcement wrote for counted events; each is credited to the rule its reason names. */
	addActions(actions: readonly ActionRecord[]): void {
		for (const r of actions) {
			if (!r.who.startsWith("rules:")) continue;
			this.packActions++;
			// `rule_name: reason`, or `rule_name` alone for a rule with no reason (reasonOf).
			const i = r.reason.indexOf(":");
			const a = this.byName.get(i < 0 ? r.reason : r.reason.slice(0, i));
			if (a) a.actions++;
		}
	}

	/** Every rule of the pack (and any other a decision named), in pack order. */
	rules(): RuleTally[] {
		return [...this.byName.values()].map((a) => {
			const t: RuleTally = {
				rule: a.info.name,
				at: a.info.at,
				mode: a.info.shadow ? "shadow" : a.info.rolloutPercent !== null ? `rollout ${a.info.rolloutPercent}%` : "live",
				hits: a.hits,
				shadowHits: a.shadowHits,
				heldBack: a.heldBack,
				errors: a.errors,
				entities: a.targets.size,
				entitiesByKind: byKind(a.targets),
				effects: Object.fromEntries(a.effects),
				actions: a.actions,
				firstHitTs: a.first,
				lastHitTs: a.last,
			};
			if (a.firstError !== undefined) t.firstError = a.firstError;
			return t;
		});
	}

	pack(): PackTally {
		return {
			hits: this.packHits,
			shadowHits: this.packShadow,
			heldBack: this.packHeldBack,
			errors: this.packErrors,
			entities: this.packTargets.size,
			entitiesByKind: byKind(this.packTargets),
			effects: Object.fromEntries(this.packEffects),
			actions: this.packActions,
		};
	}

	/** The entities (`kind:id`) a rule's matches aimed at; empty for a rule that never matched. */
	targetsOf(rule: string): ReadonlySet<string> {
		return this.byName.get(rule)?.targets ?? new Set();
	}

	/** The entities the pack's fired rules aimed at. */
	packTargetsSet(): ReadonlySet<string> {
		return this.packTargets;
	}

	/** The author of a post created during the replay. */
	readonly authorOf = (postId: string): string | undefined => this.authors.get(postId);

	private acc(name: string, info?: RuleInfo): Acc {
		let a = this.byName.get(name);
		if (!a) {
			a = {
				info: info ?? { name, at: "", on: null, shadow: false, rolloutPercent: null },
				hits: 0,
				shadowHits: 0,
				heldBack: 0,
				errors: 0,
				targets: new Set(),
				effects: new Map(),
				actions: 0,
				first: null,
				last: null,
			};
			this.byName.set(name, a);
		}
		return a;
	}
}

/**
 * An effect's key in the tallies: `kind[:detail]@targetKind`, the detail being the label, the
 * queue, the surfaces or the challenge: `label.add:spam@post`, `review.open:spam@account`,
 * `visibility.limit:search,recommendations@account`, `nudge@account`.
 */
export function effectKey(x: Effect): string {
	const at = `@${x.entity.kind}`;
	switch (x.kind) {
		case "label.add":
		case "label.remove":
			return `${x.kind}:${x.label}${at}`;
		case "visibility.limit":
			return `${x.kind}:${x.surfaces.join(",")}${at}`;
		case "review.open":
			return `${x.kind}:${x.queue}${at}`;
		case "challenge":
			return `${x.kind}:${x.challenge}${at}`;
		default:
			return `${x.kind}${at}`;
	}
}

function bump(m: Map<string, number>, k: string): void {
	m.set(k, (m.get(k) ?? 0) + 1);
}

function byKind(keys: ReadonlySet<string>): Record<string, number> {
	const out: Record<string, number> = {};
	for (const k of keys) {
		const kind = k.slice(0, k.indexOf(":"));
		out[kind] = (out[kind] ?? 0) + 1;
	}
	return out;
}
