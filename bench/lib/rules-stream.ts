// The benchmark's recorded event stream: the simulator's events (seeded), run once through the
// window store, the velocity detector, the pack and enforcement, recording per event everything
// that is the same for every engine: the feature values a rule may read, the entity states and
// the signals. The engines are then timed on these records (see bench/rules.ts).

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { WindowTables } from "../../src/adapters/state/memory/windows.ts";
import { type Signal, velocityDetector } from "../../src/core/detectors/index.ts";
import { type EntityState, enforce } from "../../src/core/enforcement/index.ts";
import type { BulwarkEvent, EventType } from "../../src/core/events/index.ts";
import { DEFAULT_FEATURES, FeatureCatalog, type WindowValue } from "../../src/core/features/index.ts";
import {
	defaultEnv,
	type EvalEnv,
	formatDiagnostic,
	type ListKind,
	loadRules,
	MemoryListStore,
	parse,
	type RulePack,
	type SourceFile,
} from "../../src/core/rules/index.ts";
import { type EntityRef, entityKey } from "../../src/core/shared/index.ts";
import { DEFAULT_START, Simulation } from "../../src/simulator/index.ts";
import { Rng } from "../../src/simulator/prng.ts";
import { type FeatureFact, factsOn } from "./rules-facts.ts";

export const PACK_DIR = new URL("../rules-pack", import.meta.url).pathname;

export interface BenchPack {
	pack: RulePack;
	sources: SourceFile[];
	/** Every list of the pack: the managed ones (which the pack reads too) and copies of the inline ones. */
	lists: MemoryListStore;
}

/** Entries of the lists the pack declares without entries: deterministic, realistic sizes. */
export function managedLists(): { name: string; kind: ListKind; values: string[] }[] {
	const rng = new Rng(20_27);
	const hex = (n: number) => Array.from({ length: n }, () => rng.u32().toString(16).padStart(8, "0")).join("");
	const word = () => rng.u32().toString(36);
	const tlds = ["com", "net", "biz", "club", "top", "io", "xyz", "info"];
	// Four of the simulator's six spam domains are known (the other two are not yet on the list).
	const spam = ["bit.ly/3xq", "win-prize.club", "cheap-follows.biz", "crypto-x2.io"];
	for (let i = 0; i < 10_000; i++) spam.push(`${word()}.${tlds[i % tlds.length]}`);
	// Half of the 185/8 space the simulator's botnets use, and 5,000 other hosting ranges.
	const ranges = ["185.0.0.0/9"];
	for (let i = 0; i < 5_000; i++) {
		const bits = [16, 20, 24][i % 3] as number;
		const a = ((1 + rng.int(222)) << 24) | (rng.int(256) << 16) | (rng.int(256) << 8);
		const net = (a >>> 0) & (bits === 16 ? 0xffff0000 : bits === 20 ? 0xfffff000 : 0xffffff00);
		ranges.push(`${net >>> 24}.${(net >>> 16) & 255}.${(net >>> 8) & 255}.0/${bits}`);
	}
	const media = Array.from({ length: 20_000 }, () => hex(8));
	return [
		{ name: "spam_domains", kind: "domains", values: spam },
		{ name: "datacenter_ranges", kind: "ip_ranges", values: ranges },
		{ name: "bad_media", kind: "hashes", values: media },
	];
}

/** bench/rules-pack compiled, with its managed lists filled. Throws with the diagnostics when it does not compile. */
export function loadBenchPack(): BenchPack {
	const sources: SourceFile[] = readdirSync(PACK_DIR)
		.filter((f) => f.endsWith(".rules"))
		.sort()
		.map((f) => ({ path: join(PACK_DIR, f), text: readFileSync(join(PACK_DIR, f), "utf8") }));
	const lists = new MemoryListStore();
	for (const l of managedLists())
		lists.upsert(
			l.name,
			l.kind,
			l.values.map((value) => ({ value, expiresAt: null })),
		);
	const { pack, diagnostics } = loadRules(sources, defaultEnv(), { lists });
	if (!pack) throw new Error(`bench/rules-pack does not compile:\n${diagnostics.map(formatDiagnostic).join("\n")}`);
	for (const s of sources)
		for (const d of parse(s).file.decls)
			if (d.kind === "list" && d.entries)
				lists.upsert(
					d.name.name,
					d.listKind.name as ListKind,
					d.entries.map((x) => ({ value: x.value, expiresAt: null })),
				);
	return { pack, sources, lists };
}

/** One event as every engine sees it. */
export interface Recorded {
	event: BulwarkEvent;
	/** Every window value a rule or the detector may read on this event type (Bulwark's EvalEnv scans these). */
	features: { feature: string; id: string; value: WindowValue }[];
	/** The same values by fact name, for the other engines. */
	featureFacts: Record<string, number>;
	/** Entity state before this event (actor and device), as the rules read it. */
	states: Map<string, EntityState>;
	signals: Signal[];
	/** Rules whose condition held when the pack decided this event in the recording pass. */
	expected: string[];
}

/** Bulwark's second-pass environment over a record: the processor's Context, minus the fetch. */
export class RecordedEnv implements EvalEnv {
	readonly signals: readonly Signal[];
	constructor(private readonly rec: Recorded) {
		this.signals = rec.signals;
	}
	feature(name: string, id: string): WindowValue | undefined {
		const fs = this.rec.features;
		for (let j = 0; j < fs.length; j++) {
			const f = fs[j] as Recorded["features"][number];
			if (f.feature === name && f.id === id) return f.value;
		}
		return undefined;
	}
	entity(ref: EntityRef): EntityState | undefined {
		return this.rec.states.get(entityKey(ref));
	}
}

export interface StreamOptions {
	seed: number;
	accounts: number;
	/** Events to record, after `warmMs` of simulated time that only fills windows and state. */
	events: number;
	warmMs: number;
}

export interface Stream {
	recs: Recorded[];
	/** Simulated events run through before the recorded ones (windows and state warm-up). */
	warmEvents: number;
	/** Rules by how often their condition held on the recorded events. */
	held: Map<string, number>;
	byType: Map<EventType, number>;
}

/**
 * Simulates, and records `events` events after the warm-up. Enforcement of the pack's effects
 * carries labels and suspensions to later events, as on the event path.
 */
export function recordStream(bp: BenchPack, o: StreamOptions): Stream {
	const sim = new Simulation({ seed: o.seed, accounts: o.accounts, durationMs: 30 * 86_400_000 });
	const catalog = new FeatureCatalog([...DEFAULT_FEATURES, ...bp.pack.features]);
	const tables = new WindowTables();
	const detector = velocityDetector();
	const states = new Map<string, EntityState>();
	const factsByType = new Map<EventType, FeatureFact[]>();
	const recStart = DEFAULT_START + o.warmMs;
	const out: Stream = { recs: [], warmEvents: 0, held: new Map(), byType: new Map() };
	for (const e of sim.events()) {
		const prepared = bp.pack.prepare(e);
		for (const op of catalog.opsFor(e)) tables.apply(op);
		const rec: Recorded = { event: e, features: [], featureFacts: {}, states: new Map(), signals: [], expected: [] };
		const value = (feature: string, id: string): WindowValue => {
			for (const f of rec.features) if (f.feature === feature && f.id === id) return f.value;
			const v = tables.answer(catalog.query(feature, id, e.ts));
			rec.features.push({ feature, id, value: v });
			return v;
		};
		for (const q of detector.needs(e)) value(q.feature, q.id);
		const facts = factsByType.get(e.type) ?? factsOn(e.type).features;
		factsByType.set(e.type, facts);
		for (const f of facts) {
			const id = f.id(e);
			rec.featureFacts[f.name] = id === undefined ? 0 : (value(f.feature, id) as number);
		}
		const needs = prepared.needs;
		for (const q of needs.features)
			if (!rec.features.some((x) => x.feature === q.feature && x.id === q.id))
				throw new Error(
					`bench/lib/rules-equiv.ts misses ${q.feature}[${q.id}], which the pack reads on ${e.type} (event ${e.id})`,
				);
		const keys = [`account:${e.actor}`];
		if (e.context?.deviceId) keys.push(`device:${e.context.deviceId}`);
		for (const ref of needs.entities)
			if (!keys.includes(entityKey(ref)))
				throw new Error(`the pack reads the state of ${entityKey(ref)}; the benchmark records actor and device only`);
		for (const k of keys) {
			const s = states.get(k);
			if (s) rec.states.set(k, s);
		}
		if (detector.on.includes(e.type)) rec.signals = detector.detect(e, new RecordedEnv(rec));
		const result = prepared.evaluate(new RecordedEnv(rec));
		for (const h of result.hits) {
			if (h.outcome === "errored") throw new Error(`rule ${h.rule} errored on event ${e.id}: ${h.error}`);
			rec.expected.push(h.rule);
		}
		if (result.effects.length) enforce(result.effects, { ts: e.ts, who: "rules:bench", eventId: e.id, states });
		if (e.ts < recStart) {
			out.warmEvents++;
			continue;
		}
		out.recs.push(rec);
		out.byType.set(e.type, (out.byType.get(e.type) ?? 0) + 1);
		for (const name of rec.expected) out.held.set(name, (out.held.get(name) ?? 0) + 1);
		if (out.recs.length >= o.events) break;
	}
	if (out.recs.length < o.events) throw new Error(`the simulation ended after ${out.recs.length} recorded events`);
	return out;
}
