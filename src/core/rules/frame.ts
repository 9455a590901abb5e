import type { Signal } from "../detectors/types.ts";
import type { EntityState } from "../enforcement/state.ts";
import type { BulwarkEvent } from "../events/index.ts";
import type { FeatureRequest, WindowValue } from "../features/index.ts";
import type { EntityKind, EntityRef } from "../shared/entity.ts";
import type { ListReader, ListView } from "./lists/ports.ts";
import type { Runtime } from "./runtime.ts";
import { Err, type Value } from "./values.ts";

/**
 * What the second pass reads, fetched by the caller in one go after the first pass said what
 * it needs: window values, entity states, and this event's detector signals. The Processor's
 * detector context already has `feature` and `entity` of this shape.
 */
export interface EvalEnv {
	/** A feature value fetched for this event; undefined when it was not fetched or the lookup failed. */
	feature(name: string, id: string): WindowValue | undefined;
	/** An entity's hot state; undefined for an entity with none (active, no labels). */
	entity(ref: EntityRef): EntityState | undefined;
	signals: readonly Signal[];
}

export interface MemoEntry {
	v: Value;
	seen: readonly [string, unknown][];
}

const NO_SIGNALS: readonly Signal[] = [];

/**
 * The evaluation state of one event: memoised lets and expensive calls, what the first pass
 * found it needs, and what the rule being evaluated has read (for the trace).
 */
export class Frame implements Runtime {
	phase: 1 | 2 = 1;
	env: EvalEnv | undefined;
	memo: (MemoEntry | undefined)[] = [];
	/** Reads of the rule being evaluated, as [source text, value]; null when not recording. */
	seen: [string, unknown][] | null = null;
	readonly features: FeatureRequest[] = [];
	readonly entities: EntityRef[] = [];
	private scores: Map<string, number> | undefined;

	constructor(
		public event: BulwarkEvent,
		private readonly lists: ListReader | undefined,
		private readonly inline: ReadonlyMap<string, ListView>,
	) {}

	get at(): number {
		return this.event.ts;
	}

	list(name: string): ListView | Err {
		return this.inline.get(name) ?? this.lists?.list(name) ?? new Err(`list ${name} is not loaded`);
	}

	entity(kind: EntityKind, id: string): EntityState | undefined {
		return this.env?.entity({ kind, id });
	}

	signalScore(name: string): number {
		if (!this.scores) {
			this.scores = new Map();
			for (const s of this.env?.signals ?? NO_SIGNALS)
				if (s.score > (this.scores.get(s.name) ?? Number.NEGATIVE_INFINITY)) this.scores.set(s.name, s.score);
		}
		return this.scores.get(name) ?? 0;
	}

	// Needs are deduplicated by a scan: an event asks for a handful (a Set of joined-string keys
	// and the splices of a rollback were ~12% of evaluating the default pack, measured).
	needFeature(feature: string, id: string): void {
		const fs = this.features;
		for (let i = 0; i < fs.length; i++) {
			const r = fs[i] as FeatureRequest;
			if (r.id === id && r.feature === feature) return;
		}
		fs.push({ feature, id });
	}

	needEntity(kind: EntityKind, id: string): void {
		const es = this.entities;
		for (let i = 0; i < es.length; i++) {
			const r = es[i] as EntityRef;
			if (r.id === id && r.kind === kind) return;
		}
		es.push({ kind, id });
	}

	/** A point to roll needs back to (when the first pass rules a rule out after it asked for values). */
	mark(): number {
		return this.features.length * 65_536 + this.entities.length;
	}

	rollback(mark: number): void {
		// pop, not `length =`: setting an array's length is a runtime call (measured ~3%).
		const f = Math.floor(mark / 65_536);
		const e = mark % 65_536;
		while (this.features.length > f) this.features.pop();
		while (this.entities.length > e) this.entities.pop();
	}

	record(label: string, v: Value): void {
		if (this.seen) this.seen.push([label, v instanceof Err ? `errored: ${v.message}` : v]);
	}
}
