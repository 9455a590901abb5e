import { RuleCosts, type RulePack } from "../rules/index.ts";

/** A compiled rules pack as the event path runs it, with the name its effects are audited under. */
export interface LiveRules {
	readonly pack: RulePack;
	/** Identifies this version of the pack: a content hash, later a deploy number. */
	readonly version: string;
	/** The audit log's `who` for the effects of its rules: `rules:<version>`. */
	readonly who: string;
}

/**
 * Where the Processor takes the rules pack from. It calls `current()` once at the start of each
 * event and uses that pack for the whole event, so a swap lands between events, never inside one.
 */
export interface RulesProvider {
	current(): LiveRules | undefined;
}

/**
 * The holder of the live pack: a swap is one reference assignment.
 * @example
 * const rules = new RulesHolder({ pack, version: "3f2a9c1b7d0e" });
 * new Processor({ ...deps, rules });
 * rules.swap({ pack: next, version: "9e1d..." }); // the next event runs `next`
 */
export class RulesHolder implements RulesProvider {
	private live: LiveRules | undefined;

	constructor(initial?: { pack: RulePack; version: string }) {
		if (initial) this.swap(initial);
	}

	current(): LiveRules | undefined {
		return this.live;
	}

	/** Makes `next` the pack of every event that starts from now on; `undefined` turns rules off. */
	swap(next: { pack: RulePack; version: string } | undefined): void {
		// Per-rule counts and time carry on by rule name across versions (and across a spell
		// with rules off).
		if (next) next.pack.useCosts(this.costs);
		this.live = next ? { pack: next.pack, version: next.version, who: `rules:${next.version}` } : undefined;
	}

	/** Every rule's evaluations and sampled time since start, by rule name, across versions. */
	readonly costs = new RuleCosts();
}
