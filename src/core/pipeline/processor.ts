import type { Decision, Effect, Policy, RuleHitSeen, Trace } from "../decisions/index.ts";
import { evaluatePolicy, verdictOf } from "../decisions/index.ts";
import type { Detector, DetectorContext, Signal } from "../detectors/index.ts";
import type { ActionRecord, EntityState, EntityStateStore, Mutation } from "../enforcement/index.ts";
import { activeLabels, enforce } from "../enforcement/index.ts";
import type { BulwarkEvent, EventType } from "../events/index.ts";
import { validateEvent } from "../events/index.ts";
import type { FeatureCatalog, WindowQuery, WindowStore, WindowValue } from "../features/index.ts";
import type { EvalEnv, Prepared, RulesResult } from "../rules/index.ts";
import { firedLines } from "../rules/index.ts";
import type { Clock, EntityRef, Problem } from "../shared/index.ts";
import { entityKey, newId } from "../shared/index.ts";
import type { AcceptedEvent, Bus, DeadLetter, DeadLetterReason, EventStore } from "./ports.ts";
import type { LiveRules, RulesProvider } from "./rules.ts";

export type Outcome =
	| { status: "accepted" | "duplicate"; decision: Decision }
	| { status: "rejected"; reason: DeadLetterReason; problems: Problem[]; deadLetterId: string | null };

/** Hooks for metrics; every one optional and called synchronously after commit. */
export interface PipelineObserver {
	accepted?(e: BulwarkEvent, d: Decision): void;
	duplicate?(): void;
	rejected?(reason: DeadLetterReason): void;
	signal?(s: Signal): void;
	effect?(e: Effect): void;
	/** One per rule that matched or errored on an accepted event (rules that did not match are not reported). */
	rule?(hit: RuleHitSeen): void;
}

export interface ProcessorDeps {
	events: EventStore;
	windows: WindowStore;
	entities: EntityStateStore;
	features: FeatureCatalog;
	detectors: readonly Detector[];
	/** The built-in policy; its effects and the rules' are enforced together. */
	policy: Policy;
	/**
	 * The rules pack, read once per event (a swap lands between events). Its features must be in
	 * `features`. Absent, or `current()` undefined: no rules run and the event path pays nothing.
	 */
	rules?: RulesProvider;
	clock: Clock;
	bus?: Bus;
	observer?: PipelineObserver;
}

export interface SubmitOptions {
	/** Who sent the events: an API key's name, `cli`, `replay:<id>`. */
	source: string;
	/** Keep rejected inputs as dead letters (default true; a replay that fails again keeps the old one). */
	deadLetter?: boolean;
}

/** The topic every accepted event is published on after it is durable: `{ event, decision }`. */
export const DECISIONS_TOPIC = "decisions";

/**
 * The event path: validate, deduplicate, update windows, run detectors, decide, enforce, and
 * make it all durable in one commit before answering. Failures of a feature lookup or a
 * detector are values in the trace: the event is still decided and stored.
 * @example
 * const [out] = await processor.submit([JSON.stringify(event)], { source: "api" });
 * if (out.status === "accepted") console.log(out.decision.verdict);
 */
export class Processor {
	private readonly inflight = new Map<string, InFlight>();
	private deciding = 0;
	private readonly detectorsByType = new Map<EventType, Detector[]>();

	constructor(private readonly deps: ProcessorDeps) {
		for (const d of deps.detectors) {
			for (const t of d.on) this.detectorsByType.set(t, [...(this.detectorsByType.get(t) ?? []), d]);
		}
	}

	/**
	 * True while some submit has applied window updates for events it has not yet handed to
	 * storage: a snapshot of the windows taken now would count events its seq does not cover.
	 */
	get midBatch(): boolean {
		return this.deciding > 0;
	}

	/** Processes raw JSON texts (one event each); outcomes in input order. */
	async submit(raws: readonly string[], opts: SubmitOptions): Promise<Outcome[]> {
		const receivedAt = this.deps.clock.now();
		const n = raws.length;
		const outcomes: Outcome[] = new Array(n);
		const events: (BulwarkEvent | undefined)[] = new Array(n);
		const deadLetters: DeadLetter[] = [];
		const ids: string[] = [];
		const keep = opts.deadLetter !== false;

		for (let i = 0; i < n; i++) {
			const raw = raws[i] as string;
			const checked = parseAndValidate(raw);
			if (checked.ok) {
				events[i] = checked.event;
				ids.push(checked.event.id);
				continue;
			}
			const dl = keep ? newDeadLetter(raw, checked.reason, checked.problems, opts.source, receivedAt, false) : null;
			if (dl) deadLetters.push(dl);
			outcomes[i] = {
				status: "rejected",
				reason: checked.reason,
				problems: checked.problems,
				deadLetterId: dl?.id ?? null,
			};
		}

		const stored = ids.length ? await this.deps.events.findDecisions(ids) : NO_DECISIONS;
		// One record for the whole submit, shared by its fresh ids in `inflight`: a submit of the
		// same id meanwhile waits for it rather than deciding the event a second time.
		const mine: InFlight = {
			settled: undefined as unknown as Promise<void>,
			outcomes,
			index: new Map(),
			failed: false,
		};
		const later: { i: number; id: string; wait: InFlight | undefined }[] = [];
		const fresh: number[] = [];
		for (let i = 0; i < n; i++) {
			const e = events[i];
			if (!e) continue;
			const id = e.id;
			const prior = stored.get(id);
			if (prior) outcomes[i] = { status: "duplicate", decision: prior };
			else if (mine.index.has(id) || this.inflight.has(id)) {
				later.push({ i, id, wait: mine.index.has(id) ? undefined : this.inflight.get(id) });
			} else {
				mine.index.set(id, i);
				fresh.push(i);
			}
		}

		let settle!: () => void;
		mine.settled = new Promise<void>((r) => {
			settle = r;
		});
		for (const i of fresh) this.inflight.set((events[i] as BulwarkEvent).id, mine);

		const accepted: AcceptedEvent[] = [];
		const mutations: Mutation[] = [];
		try {
			let committed: Promise<void> | undefined;
			this.deciding++;
			try {
				for (let k = 0; k < fresh.length; k++) {
					// A long batch lets the event loop in now and then, so that other requests' commits
					// are answered while it runs (their clients can send more meanwhile) rather than
					// after it: awaits of settled promises alone never leave the microtask queue.
					if (k % YIELD_EVERY === YIELD_EVERY - 1) await yieldToEventLoop();
					const i = fresh[k] as number;
					const event = events[i] as BulwarkEvent;
					const { decision, mutations: m } = await this.decide(event);
					for (const x of m) mutations.push(x);
					accepted.push({ event, decision, receivedAt, source: opts.source, raw: raws[i] });
					outcomes[i] = { status: "accepted", decision };
				}
				if (accepted.length || mutations.length || deadLetters.length) {
					committed = this.deps.events.commit({ events: accepted, mutations, deadLetters });
				}
			} finally {
				this.deciding--;
			}
			await committed;
		} catch (err) {
			mine.failed = true;
			throw err;
		} finally {
			settle();
			for (const i of fresh) this.inflight.delete((events[i] as BulwarkEvent).id);
		}

		if (later.length) {
			for (const l of later) {
				let decision: Decision | undefined;
				if (l.wait) {
					await l.wait.settled;
					const first = l.wait.failed ? undefined : l.wait.outcomes[l.wait.index.get(l.id) as number];
					if (first && first.status !== "rejected") decision = first.decision;
				} else {
					const first = outcomes[mine.index.get(l.id) as number];
					if (first && first.status !== "rejected") decision = first.decision;
				}
				decision ??= (await this.deps.events.findDecisions([l.id])).get(l.id);
				if (!decision) throw new Error(`event ${l.id} was in flight and did not commit`);
				outcomes[l.i] = { status: "duplicate", decision };
			}
		}

		this.notify(accepted, outcomes);
		if (accepted.length && this.deps.bus) {
			this.deps.bus
				.publish(
					DECISIONS_TOPIC,
					accepted.map((a) => ({ event: a.event, decision: a.decision })),
				)
				.catch(() => {});
		}
		return outcomes;
	}

	/** Keeps an input that never reached validation (an oversized body) as a dead letter. */
	async deadLetter(
		raw: string,
		reason: DeadLetterReason,
		problems: Problem[],
		source: string,
		truncated: boolean,
	): Promise<DeadLetter> {
		const dl = newDeadLetter(raw, reason, problems, source, this.deps.clock.now(), truncated);
		await this.deps.events.commit({ events: [], mutations: [], deadLetters: [dl] });
		this.deps.observer?.rejected?.(reason);
		return dl;
	}

	/** Applies effects on behalf of a person or an API caller (audited as `who`), outside any event. */
	async act(effects: readonly Effect[], who: string): Promise<ActionRecord[]> {
		const keys = [...new Set(effects.map((e) => entityKey(e.entity)))];
		const states = await this.deps.entities.get(keys);
		const result = enforce(effects, { ts: this.deps.clock.now(), who, eventId: null, states });
		if (result.changed.length) await this.deps.entities.put(result.changed);
		if (result.mutations.length)
			await this.deps.events.commit({ events: [], mutations: result.mutations, deadLetters: [] });
		return result.actions;
	}

	/** Replays stored events into the windows only (no decisions): used after a restart. */
	async rebuildWindows(events: readonly BulwarkEvent[]): Promise<void> {
		const ops = events.flatMap((e) => this.deps.features.opsFor(e));
		if (ops.length) await this.deps.windows.update(ops, []);
	}

	private async decide(e: BulwarkEvent): Promise<{ decision: Decision; mutations: Mutation[] }> {
		const t0 = performance.now();
		const trace: Trace = { features: [], signals: [], fired: [], errors: [] };
		const detectors = this.detectorsByType.get(e.type) ?? NO_DETECTORS;
		const { features } = this.deps;
		// Taken once: a pack swapped in meanwhile runs from the next event on, never mid-event.
		const rules = this.deps.rules?.current();
		// The rules' first pass (event fields and lists only) says which values the rest need.
		let prepared: Prepared | undefined;
		if (rules) {
			try {
				prepared = rules.pack.prepare(e);
			} catch (err) {
				trace.errors.push(`rules: ${message(err)}`);
			}
		}
		const needs = prepared?.needs;

		// Feature requests of all detectors and rules, deduplicated, answered in the same call that
		// applies this event's window ops.
		const wanted: { feature: string; id: string }[] = [];
		const queries: WindowQuery[] = [];
		for (const d of detectors) {
			for (const r of d.needs(e)) {
				if (indexOfFeature(wanted, r.feature, r.id) >= 0) continue;
				wanted.push({ feature: r.feature, id: r.id });
				queries.push(features.query(r.feature, r.id, e.ts));
			}
		}
		if (needs) {
			for (const r of needs.features) {
				if (indexOfFeature(wanted, r.feature, r.id) >= 0) continue;
				let q: WindowQuery;
				try {
					q = features.query(r.feature, r.id, e.ts);
				} catch (err) {
					// A feature the catalog does not keep: the rules reading it come out errored.
					trace.errors.push(`features: ${message(err)}`);
					continue;
				}
				wanted.push(r);
				queries.push(q);
			}
		}
		const ctx = new Context(wanted);
		try {
			const got = await this.deps.windows.update(features.opsFor(e), queries);
			for (let j = 0; j < wanted.length; j++) {
				const w = wanted[j] as { feature: string; id: string };
				const v = got[j] as WindowValue;
				ctx.values[j] = v;
				trace.features.push({ feature: w.feature, id: w.id, value: v });
			}
		} catch (err) {
			trace.errors.push(`features: ${message(err)}`);
		}
		// What detectors read only on some events (decided from the values above): a second read,
		// on those events only.
		for (const d of detectors) if (d.more) await this.readMore(d, e, ctx, wanted, trace);

		const actorKey = `account:${e.actor}`;
		await this.loadStates(
			needs?.entities.length ? [actorKey, ...needs.entities.map(entityKey)] : [actorKey],
			ctx.states,
			trace,
		);
		for (const d of detectors) {
			try {
				for (const sig of d.detect(e, ctx)) trace.signals.push(sig);
			} catch (err) {
				trace.errors.push(`detector ${d.name}: ${message(err)}`);
			}
		}

		const policy = evaluatePolicy(this.deps.policy, { event: e, signals: trace.signals, entity: ctx.entity });
		trace.fired = policy.fired;

		// The rules' second pass, with the fetched values and this event's signals. A rule that
		// fails is `errored` in its hit; a failure of the engine itself is a trace error.
		let ruled: RulesResult | undefined;
		if (prepared) {
			ctx.signals = trace.signals;
			try {
				ruled = prepared.evaluate(ctx);
			} catch (err) {
				trace.errors.push(`rules: ${message(err)}`);
			}
			if (ruled) {
				trace.rules = ruled.hits;
				if (ruled.hits.length) for (const line of firedLines(ruled)) trace.fired.push(line);
				for (const x of ruled.errors) trace.errors.push(x);
			}
		}

		// Policy and rule effects go through the same idempotent, audited enforcement, each
		// audited as who asked: `policy:<name>`, `rules:<version>`.
		const ruleEffects = ruled?.effects ?? NO_EFFECTS;
		let effects = mergeEffects(policy.effects, ruleEffects);
		let mutations: Mutation[] = NO_MUTATIONS;
		if (effects.length) {
			await this.loadStates(
				effects.map((x) => entityKey(x.entity)),
				ctx.states,
				trace,
			);
			let changed: EntityState[] = NO_STATES;
			if (policy.effects.length) {
				const result = enforce(policy.effects, {
					ts: e.ts,
					who: `policy:${this.deps.policy.name}`,
					eventId: e.id,
					states: ctx.states,
				});
				mutations = result.mutations;
				changed = result.changed;
			}
			if (ruleEffects.length) {
				try {
					const result = enforce(ruleEffects, {
						ts: e.ts,
						who: (rules as LiveRules).who,
						eventId: e.id,
						states: ctx.states,
					});
					mutations = mutations.length ? mutations.concat(result.mutations) : result.mutations;
					changed = changed.length ? changed.concat(result.changed) : result.changed;
				} catch (err) {
					// Nothing of the rules' applies (the policy's still does): the decision says so.
					trace.errors.push(`rules: enforcement: ${message(err)}`);
					effects = policy.effects;
				}
			}
			if (changed.length) {
				try {
					await this.deps.entities.put(changed);
				} catch (err) {
					trace.errors.push(`entity state: ${message(err)}`);
				}
			}
		}

		const actor = ctx.states.get(actorKey);
		const decision: Decision = {
			eventId: e.id,
			verdict: verdictOf(effects, actorKey),
			labels: actor ? activeLabels(actor, e.ts).map((l) => l.label) : [],
			effects,
			reasons: effects.length ? [...new Set(effects.map((x) => x.reason))] : [],
			traceId: newId(),
			tookMs: Math.round((performance.now() - t0) * 1000) / 1000,
			decidedAt: this.deps.clock.now(),
			trace,
		};
		return { decision, mutations };
	}

	/** Fetches the values `d.more` asks for (not already fetched) into `ctx`; a failure is a trace error. */
	private async readMore(
		d: Detector,
		e: BulwarkEvent,
		ctx: Context,
		wanted: { feature: string; id: string }[],
		trace: Trace,
	): Promise<void> {
		let extra: { feature: string; id: string }[];
		try {
			extra = (d.more as NonNullable<Detector["more"]>)(e, ctx).filter(
				(r) => indexOfFeature(wanted, r.feature, r.id) < 0,
			);
		} catch (err) {
			trace.errors.push(`detector ${d.name}: ${message(err)}`);
			return;
		}
		if (!extra.length) return;
		try {
			const got = await this.deps.windows.read(extra.map((r) => this.deps.features.query(r.feature, r.id, e.ts)));
			for (let j = 0; j < extra.length; j++) {
				const w = extra[j] as { feature: string; id: string };
				const v = got[j] as WindowValue;
				wanted.push({ feature: w.feature, id: w.id });
				ctx.values[wanted.length - 1] = v;
				trace.features.push({ feature: w.feature, id: w.id, value: v });
			}
		} catch (err) {
			trace.errors.push(`features: ${message(err)}`);
		}
	}

	private async loadStates(keys: readonly string[], into: Map<string, EntityState>, trace: Trace): Promise<void> {
		const missing = [...new Set(keys)].filter((k) => !into.has(k));
		if (!missing.length) return;
		try {
			for (const [k, s] of await this.deps.entities.get(missing)) into.set(k, s);
		} catch (err) {
			trace.errors.push(`entity state: ${message(err)}`);
		}
	}

	private notify(accepted: readonly AcceptedEvent[], outcomes: readonly Outcome[]): void {
		const o = this.deps.observer;
		if (!o) return;
		for (const a of accepted) {
			o.accepted?.(a.event, a.decision);
			for (const s of a.decision.trace.signals) o.signal?.(s);
			for (const x of a.decision.effects) o.effect?.(x);
			const hits = a.decision.trace.rules;
			if (hits && o.rule) for (const h of hits) o.rule(h);
		}
		for (const out of outcomes) {
			if (out.status === "duplicate") o.duplicate?.();
			else if (out.status === "rejected") o.rejected?.(out.reason);
		}
	}
}

const NO_DETECTORS: readonly Detector[] = [];
/** Events decided between two turns of the event loop in a long submit. */
const YIELD_EVERY = 128;
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const NO_DECISIONS: ReadonlyMap<string, Decision> = new Map();

/** A submit being processed: its outcomes so far and where each of its fresh ids sits in them. */
interface InFlight {
	/** Resolves once the submit has committed (or failed: see `failed`). */
	settled: Promise<void>;
	outcomes: Outcome[];
	index: Map<string, number>;
	failed: boolean;
}
const NO_MUTATIONS: Mutation[] = [];
const NO_EFFECTS: Effect[] = [];
const NO_STATES: EntityState[] = [];
const NO_SIGNALS: readonly Signal[] = [];

/** Policy effects, then rule effects; no copy when one side is empty. */
function mergeEffects(policy: Effect[], rules: Effect[]): Effect[] {
	if (!rules.length) return policy;
	if (!policy.length) return rules;
	return policy.concat(rules);
}

/**
 * What detectors, policy and rules see of one event: its fetched feature values, entity states
 * and (for the rules' second pass, which takes this object as its EvalEnv) the signals.
 */
class Context implements DetectorContext, EvalEnv {
	readonly values: (WindowValue | undefined)[] = [];
	readonly states = new Map<string, EntityState>();
	signals: readonly Signal[] = NO_SIGNALS;
	constructor(private readonly wanted: readonly { feature: string; id: string }[]) {}
	feature(name: string, id: string): WindowValue | undefined {
		const j = indexOfFeature(this.wanted, name, id);
		return j < 0 ? undefined : this.values[j];
	}
	readonly entity = (ref: EntityRef): EntityState | undefined => this.states.get(entityKey(ref));
}

function indexOfFeature(list: readonly { feature: string; id: string }[], feature: string, id: string): number {
	for (let j = 0; j < list.length; j++) {
		const w = list[j] as { feature: string; id: string };
		if (w.feature === feature && w.id === id) return j;
	}
	return -1;
}

type Checked = { ok: true; event: BulwarkEvent } | { ok: false; reason: DeadLetterReason; problems: Problem[] };

function parseAndValidate(raw: string): Checked {
	let value: unknown;
	try {
		value = JSON.parse(raw);
	} catch (err) {
		return {
			ok: false,
			reason: "parse",
			problems: [{ pointer: "", message: `not valid JSON: ${message(err)}`, code: "parse" }],
		};
	}
	const v = validateEvent(value);
	if (v.ok) return v;
	const reason = v.problems.some((p) => p.code === "unknown_type") ? "unknown_type" : "schema";
	return { ok: false, reason, problems: v.problems };
}

function newDeadLetter(
	raw: string,
	reason: DeadLetterReason,
	problems: Problem[],
	source: string,
	at: number,
	truncated: boolean,
): DeadLetter {
	return {
		id: newId(),
		receivedAt: at,
		source,
		reason,
		problems,
		raw,
		truncated,
		status: "pending",
		replayedEventId: null,
		resolvedAt: null,
	};
}

function message(err: unknown): string {
	return err instanceof Error ? err.message : String(err);
}
