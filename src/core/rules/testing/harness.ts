import type { Signal } from "../../detectors/types.ts";
import { enforce } from "../../enforcement/enforce.ts";
import type { ActiveLabel, EntityState, EntityStateStore } from "../../enforcement/state.ts";
import { emptyState } from "../../enforcement/state.ts";
import type { BulwarkEvent } from "../../events/index.ts";
import { validateEvent } from "../../events/validate.ts";
import type { WindowStore, WindowValue } from "../../features/ports.ts";
import { FeatureCatalog, type FeatureSpec } from "../../features/spec.ts";
import { parseDuration } from "../../shared/duration.ts";
import { entityKey, parseEntityKey } from "../../shared/entity.ts";
import type { RulesResult } from "../evaluate.ts";
import { MemoryListStore } from "../lists/memory.ts";
import type { RulePack } from "../pack.ts";
import { checkExpect } from "./expect.ts";
import type { SwitchableLists } from "./lists.ts";
import type { EventSpec, Expect, ListEntrySpec, RuleTest, RuleTestFile, StateSpec } from "./spec.ts";

/** The default time of a test's first event: 2027-01-15T00:00:00Z (the simulator's epoch too). */
export const TEST_START = Date.UTC(2027, 0, 15);

/** What rule tests run against: the pack, the lists it was compiled with, and features kept outside it. */
export interface RulesUnderTest {
	pack: RulePack;
	lists: SwitchableLists;
	/** Features maintained outside the pack (the built-in catalogue) that its rules may read. */
	external: readonly FeatureSpec[];
	/** A fresh, empty state store per test (the in-memory adapter, in the CLI and tests). */
	newStore(): WindowStore & EntityStateStore;
}

export interface TestOutcome {
	name: string;
	ok: boolean;
	failures: string[];
	events: number;
}

/**
 * Runs every test of a file through the same steps as the event path: the first pass, one
 * window update with the needed queries, entity states, the second pass, then enforcement of
 * the effects into the store (so labels carry over to later events).
 * @example const outcomes = await runTestFile(underTest, JSON.parse(text));
 */
export async function runTestFile(u: RulesUnderTest, file: RuleTestFile): Promise<TestOutcome[]> {
	const out: TestOutcome[] = [];
	for (const t of file.tests) out.push(await runTest(u, file, t));
	return out;
}

async function runTest(u: RulesUnderTest, file: RuleTestFile, t: RuleTest): Promise<TestOutcome> {
	const failures: string[] = [];
	const start = typeof t.start === "number" ? t.start : t.start ? Date.parse(t.start) : TEST_START;
	const store = u.newStore();
	const catalog = new FeatureCatalog([...u.external, ...u.pack.features]);
	let events = 0;
	try {
		u.lists.target = buildLists(u.pack, { ...file.lists, ...t.lists }, start);
		await store.put(Object.entries(t.state ?? {}).map(([k, s]) => buildState(k, s, start)));
		let ts = start;
		let last: { event: BulwarkEvent; result: RulesResult } | undefined;
		for (const [i, step] of t.events.entries()) {
			const repeat = "repeat" in step ? step.repeat : 1;
			const spec = "repeat" in step ? step.event : step;
			const every = "repeat" in step && step.every ? parseDuration(step.every) : undefined;
			for (let n = 1; n <= repeat; n++) {
				const raw = fill(spec, n) as EventSpec;
				ts = nextTime(raw, { ts, start, first: events === 0, every: n > 1 ? every : undefined });
				const event = toEvent(raw, ts, `t${i + 1}${repeat > 1 ? `-${n}` : ""}`);
				const where = `event ${i + 1}${repeat > 1 ? ` (repeat ${n})` : ""}`;
				if (!event.ok) {
					failures.push(`${where} breaks the event contract: ${event.problems.join("; ")}`);
					return { name: t.name, ok: false, failures, events };
				}
				const result = await step1(u, catalog, store, event.event, raw.signals ?? []);
				events++;
				last = { event: event.event, result };
				const expect: Expect | undefined =
					n === repeat ? (("repeat" in step ? step.expect : undefined) ?? raw.expect) : undefined;
				if (expect) {
					const states = await store.get(keysOf(expect));
					for (const f of checkExpect(expect, event.event, result, (k) => states.get(k)))
						failures.push(`${where}: ${f}`);
				}
			}
		}
		if (t.expect && last) {
			const states = await store.get(keysOf(t.expect));
			for (const f of checkExpect(t.expect, last.event, last.result, (k) => states.get(k)))
				failures.push(`last event: ${f}`);
		}
	} catch (err) {
		failures.push(`the test could not run: ${err instanceof Error ? err.message : String(err)}`);
	} finally {
		u.lists.target = undefined;
	}
	return { name: t.name, ok: failures.length === 0, failures, events };
}

async function step1(
	u: RulesUnderTest,
	catalog: FeatureCatalog,
	store: WindowStore & EntityStateStore,
	e: BulwarkEvent,
	signalSpecs: NonNullable<EventSpec["signals"]>,
): Promise<RulesResult> {
	const prepared = u.pack.prepare(e);
	const needs = prepared.needs;
	const values = await store.update(
		catalog.opsFor(e),
		needs.features.map((r) => catalog.query(r.feature, r.id, e.ts)),
	);
	const fetched = new Map<string, WindowValue>();
	for (const [k, r] of needs.features.entries()) fetched.set(`${r.feature}|${r.id}`, values[k] as WindowValue);
	const states = await store.get([`account:${e.actor}`, ...needs.entities.map(entityKey)]);
	const signals: Signal[] = signalSpecs.map((s) => ({
		detector: "test",
		name: s.name,
		entity: s.entity ? parseEntityKey(s.entity) : { kind: "account", id: e.actor },
		score: s.score,
		reason: "given by the test",
		evidence: {},
	}));
	const result = prepared.evaluate(
		{ feature: (name, id) => fetched.get(`${name}|${id}`), entity: (ref) => states.get(entityKey(ref)), signals },
		{ explain: true },
	);
	if (result.effects.length) {
		const more = await store.get(result.effects.map((x) => entityKey(x.entity)));
		for (const [k, s] of more) states.set(k, s);
		const applied = enforce(result.effects, { ts: e.ts, who: "rules:test", eventId: e.id, states });
		if (applied.changed.length) await store.put(applied.changed);
	}
	return result;
}

/** An explicit `ts`, else `at` after the start, else `every` or `after` (1s) after the previous event. */
function nextTime(raw: EventSpec, t: { ts: number; start: number; first: boolean; every: number | undefined }): number {
	if (raw.ts !== undefined) return raw.ts;
	if (raw.at) return t.start + parseDuration(raw.at);
	if (t.first) return t.start + (raw.after ? parseDuration(raw.after) : 0);
	return t.ts + (t.every ?? parseDuration(raw.after ?? "1s"));
}

function keysOf(x: Expect): string[] {
	return [...Object.keys(x.labels ?? {}), ...Object.keys(x.notLabels ?? {})];
}

/** Replaces `{n}` in every string of a repeated event. */
function fill(v: unknown, n: number): unknown {
	if (typeof v === "string") return v.replaceAll("{n}", String(n));
	if (Array.isArray(v)) return v.map((x) => fill(x, n));
	if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x, n)]));
	return v;
}

function toEvent(
	raw: EventSpec,
	ts: number,
	id: string,
): { ok: true; event: BulwarkEvent } | { ok: false; problems: string[] } {
	const { after: _a, at: _b, signals: _c, expect: _d, ...rest } = raw;
	const candidate = { id, ...rest, ts };
	const v = validateEvent(candidate);
	return v.ok
		? { ok: true, event: v.event }
		: { ok: false, problems: v.problems.map((p) => `${p.pointer || "/"} ${p.message}`) };
}

function buildLists(pack: RulePack, specs: Record<string, ListEntrySpec[]>, start: number): MemoryListStore {
	const store = new MemoryListStore();
	for (const [name, entries] of Object.entries(specs)) {
		const info = pack.lists.find((l) => l.name === name);
		if (!info) throw new Error(`the rules declare no list \`${name}\``);
		if (info.inline) throw new Error(`list \`${name}\` has its entries in the rules file; a test cannot replace them`);
		store.upsert(
			name,
			info.kind,
			entries.map((e) =>
				typeof e === "string"
					? { value: e, expiresAt: null }
					: { value: e.value, expiresAt: e.expires ? start + parseDuration(e.expires) : null },
			),
		);
	}
	return store;
}

function buildState(key: string, s: StateSpec, start: number): EntityState {
	parseEntityKey(key);
	const labels: ActiveLabel[] = (s.labels ?? []).map((l) => {
		const spec = typeof l === "string" ? { label: l } : l;
		const createdAt = start - (spec.age ? parseDuration(spec.age) : 0);
		return {
			label: spec.label,
			source: "human",
			reason: "given by the test",
			createdAt,
			expiresAt: spec.ttl ? createdAt + parseDuration(spec.ttl) : null,
			by: "test",
			actionId: `test-${spec.label}`,
		};
	});
	return {
		...emptyState(key),
		status: s.suspended ? "suspended" : "active",
		labels,
		openCases: s.openCases ?? [],
	};
}
