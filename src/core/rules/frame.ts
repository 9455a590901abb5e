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

const NO_SIGNALS: readonly Signal[] = [];

/**
 * The evaluation state of one event, as the compiled code (codegen.ts) reads and writes it:
 * memoised lets and event-only calls, what the first pass found it needs, and what the rule
 * being evaluated has read (for the trace).
 */
export class Frame implements Runtime {
	phase: 1 | 2 = 1;
	env: EvalEnv | undefined;
	/** Memoised values by slot; undefined: not computed yet on this event. */
	m: (Value | undefined)[];
	/** By memo slot: the reads recorded while computing it (label, value pairs), replayed on reuse. */
	ms: (unknown[] | undefined)[] = [];
	/** Reads of the rule being evaluated, as label, value pairs (`sn` entries used; Err values as they came). */
	sb: unknown[] = [];
	sn = 0;
	/** Values found not yet known (a count): a rule that adds none is decided in the first pass. */
	pend = 0;
	readonly features: FeatureRequest[] = [];
	readonly entities: EntityRef[] = [];
	/** Entity states asked for this event, as kind, id, state triples. */
	private states: unknown[] = [];

	constructor(
		public event: BulwarkEvent,
		private readonly lists: ListReader | undefined,
		private readonly inline: ReadonlyMap<string, ListView>,
		private readonly slots = 0,
	) {
		this.m = new Array(slots);
	}

	/** Starts over on another event (a feature's frame, reused from event to event). */
	reset(event: BulwarkEvent): void {
		this.event = event;
		this.m = new Array(this.slots);
		this.ms = [];
		this.sn = 0;
	}

	get at(): number {
		return this.event.ts;
	}

	list(name: string): ListView | Err {
		return this.inline.get(name) ?? this.lists?.list(name) ?? new Err(`list ${name} is not loaded`);
	}

	entity(kind: EntityKind, id: string): EntityState | undefined {
		// Rules read the actor's state many times an event (its labels, its suspension): asked once.
		const seen = this.states;
		for (let i = 0; i < seen.length; i += 3) if (seen[i + 1] === id && seen[i] === kind) return seen[i + 2] as never;
		const s = this.env?.entity({ kind, id });
		seen.push(kind, id, s);
		return s;
	}

	/** The second pass's values (states already asked for are forgotten: they came from the previous env). */
	useEnv(env: EvalEnv): void {
		this.phase = 2;
		if (this.env !== env) this.states = [];
		this.env = env;
	}

	signalScore(name: string): number {
		const signals = this.env?.signals ?? NO_SIGNALS;
		let best = Number.NEGATIVE_INFINITY;
		for (let i = 0; i < signals.length; i++) {
			const s = signals[i] as Signal;
			if (s.name === name && s.score > best) best = s.score;
		}
		return best === Number.NEGATIVE_INFINITY ? 0 : best;
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

	/** The reads recorded for the rule being evaluated, by label (an errored one as `errored: message`). */
	seen(): Record<string, unknown> {
		const out: Record<string, unknown> = {};
		const b = this.sb;
		for (let i = 0; i < this.sn; i += 2) {
			const label = b[i] as string;
			const v = b[i + 1];
			const value = v instanceof Err ? `errored: ${v.message}` : v;
			if (label === "__proto__")
				Object.defineProperty(out, label, { value, enumerable: true, writable: true, configurable: true });
			else out[label] = value;
		}
		return out;
	}
}
