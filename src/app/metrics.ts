import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { RuleHitSeen } from "../core/decisions/index.ts";
import type { PipelineObserver, RulesProvider } from "../core/pipeline/index.ts";
import { COST_SAMPLE_EVERY, type RuleOutcomeCounts } from "../core/rules/index.ts";

/**
 * The Prometheus registry and the pipeline observer that feeds it. With `rules`, per-rule
 * counters (every rule of the live pack is listed from the start, at 0).
 */
export function createMetrics(opts: { rules?: RulesProvider } = {}): {
	registry: Registry;
	observer: PipelineObserver;
	/** A rule's outcomes counted since start (across pack versions, by rule name); zeros for one never seen. */
	ruleCounts(rule: string): RuleOutcomeCounts;
} {
	const registry = new Registry();
	collectDefaultMetrics({ register: registry, prefix: "bulwark_process_" });
	const events = new Counter({
		name: "bulwark_events_total",
		help: "Events accepted, by type and verdict",
		labelNames: ["type", "verdict"],
		registers: [registry],
	});
	const rejected = new Counter({
		name: "bulwark_events_rejected_total",
		help: "Inputs rejected, by reason (all kept as dead letters)",
		labelNames: ["reason"],
		registers: [registry],
	});
	const duplicates = new Counter({
		name: "bulwark_events_duplicate_total",
		help: "Events whose id was seen before (answered with the original decision)",
		registers: [registry],
	});
	const decide = new Histogram({
		name: "bulwark_decision_seconds",
		help: "Time to decide one event (features, detectors, policy, enforcement), before the durable write",
		buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05],
		registers: [registry],
	});
	const signals = new Counter({
		name: "bulwark_signals_total",
		help: "Detector signals, by detector and name",
		labelNames: ["detector", "name"],
		registers: [registry],
	});
	const effects = new Counter({
		name: "bulwark_effects_total",
		help: "Effects decided, by kind",
		labelNames: ["kind"],
		registers: [registry],
	});
	const rules = new RuleCounts();
	new Counter({
		name: "bulwark_rule_hits_total",
		help: "Rules that matched or errored on an accepted event, by rule and outcome (fired, shadow, held_back, errored)",
		labelNames: ["rule", "outcome"],
		registers: [registry],
		collect() {
			this.reset();
			rules.seed(opts.rules);
			for (const [rule, c] of rules.counts)
				for (let k = 0; k < OUTCOMES.length; k++) this.inc({ rule, outcome: OUTCOMES[k] as string }, c[k] as number);
		},
	});
	new Counter({
		name: "bulwark_rule_errors_total",
		help: "Rules that came out errored (a value they needed could not be computed), by rule",
		labelNames: ["rule"],
		registers: [registry],
		collect() {
			this.reset();
			rules.seed(opts.rules);
			for (const [rule, c] of rules.counts) this.inc({ rule }, c[ERRORED] as number);
		},
	});
	new Counter({
		name: "bulwark_rule_effects_total",
		help: "Effects applied by fired rules, by rule and effect kind",
		labelNames: ["rule", "kind"],
		registers: [registry],
		collect() {
			this.reset();
			for (const [key, n] of rules.effects) {
				const [rule, kind] = key.split("\u0000") as [string, string];
				this.inc({ rule, kind }, n);
			}
		},
	});
	new Counter({
		name: "bulwark_rule_evaluations_total",
		help: "Events each rule was considered for (its event type matched), by rule",
		labelNames: ["rule"],
		registers: [registry],
		collect() {
			this.reset();
			for (const c of opts.rules?.current()?.pack.costs.reportAll() ?? []) this.inc({ rule: c.rule }, c.evaluations);
		},
	});
	new Counter({
		name: "bulwark_rule_cost_seconds_total",
		help: `Time spent evaluating each rule, by rule: estimated from one event in ${COST_SAMPLE_EVERY}, timed rule by rule`,
		labelNames: ["rule"],
		registers: [registry],
		collect() {
			this.reset();
			for (const c of opts.rules?.current()?.pack.costs.reportAll() ?? []) this.inc({ rule: c.rule }, c.seconds);
		},
	});
	new Gauge({
		name: "bulwark_rules_loaded",
		help: "Rules in the live pack, labelled with its version (no series: no pack)",
		labelNames: ["version"],
		registers: [registry],
		collect() {
			this.reset();
			const live = opts.rules?.current();
			if (live) this.set({ version: live.version }, live.pack.rules.length);
		},
	});
	return {
		registry,
		ruleCounts: (rule) => {
			const c = rules.counts.get(rule) ?? [0, 0, 0, 0];
			return { fired: c[0] as number, shadow: c[1] as number, heldBack: c[2] as number, errored: c[ERRORED] as number };
		},
		observer: {
			rule: (h) => rules.count(h),
			accepted: (e, d) => {
				events.inc({ type: e.type, verdict: d.verdict });
				decide.observe(d.tookMs / 1000);
			},
			duplicate: () => duplicates.inc(),
			rejected: (reason) => rejected.inc({ reason }),
			signal: (s) => signals.inc({ detector: s.detector, name: s.name }),
			effect: (x) => effects.inc({ kind: x.kind }),
		},
	};
}

const OUTCOMES = ["fired", "shadow", "held_back", "errored"] as const;
const ERRORED = 3;

/**
 * Per-rule counts kept as plain numbers on the event path (one map lookup per hit) and turned
 * into Prometheus series only when /metrics is read.
 */
class RuleCounts {
	readonly counts = new Map<string, number[]>();
	private seeded: unknown;

	count(h: RuleHitSeen): void {
		if (h.outcome === "no_match") return;
		const k = h.outcome === "fired" ? 0 : h.outcome === "shadow" ? 1 : h.outcome === "held_back" ? 2 : ERRORED;
		let c = this.counts.get(h.rule);
		if (!c) {
			c = [0, 0, 0, 0];
			this.counts.set(h.rule, c);
		}
		(c[k] as number)++;
		if (k === 0)
			for (const e of h.effects) {
				const key = `${h.rule}\u0000${e.kind}`;
				this.effects.set(key, (this.effects.get(key) ?? 0) + 1);
			}
	}

	/** Effects applied by fired rules, by `rule\0kind`. */
	readonly effects = new Map<string, number>();

	/** Every rule of the live pack gets its series at 0, once per pack, so a rule that never hit still shows. */
	seed(provider: RulesProvider | undefined): void {
		const live = provider?.current();
		if (!live || live.pack === this.seeded) return;
		this.seeded = live.pack;
		for (const r of live.pack.rules) if (!this.counts.has(r.name)) this.counts.set(r.name, [0, 0, 0, 0]);
	}
}

/** What the state metrics read, on each scrape. */
export interface StateGauges {
	windowKeys(): number;
	entities(): number;
	droppedLateOps(): number;
	storageTransactions(): number;
	lastCommittedSeq(): number;
}

/**
 * Metrics of the embedded state and its snapshots, for an operator: keys held, ops dropped as
 * late, write transactions, and each background snapshot (outcome, duration, the seq it covers,
 * when the last one succeeded). Returns what the snapshot code calls when one ends.
 */
export function stateMetrics(
	registry: Registry,
	read: StateGauges,
): { snapshotDone(outcome: "ok" | "failed", seconds: number, seq: number | undefined): void } {
	const gauge = (name: string, help: string, value: () => number) =>
		new Gauge({
			name,
			help,
			registers: [registry],
			collect() {
				this.set(value());
			},
		});
	gauge("bulwark_window_keys", "Window keys held in memory (all features)", read.windowKeys);
	gauge("bulwark_entity_states", "Entity states held in memory", read.entities);
	gauge(
		"bulwark_window_late_ops",
		"Window ops dropped since start as older than their key's ring",
		read.droppedLateOps,
	);
	gauge(
		"bulwark_storage_transactions",
		"Write transactions committed since start (a group commit of many events counts once)",
		read.storageTransactions,
	);
	gauge("bulwark_storage_last_seq", "Seq of the last event made durable", read.lastCommittedSeq);
	const snapshots = new Counter({
		name: "bulwark_snapshots_total",
		help: "Background state snapshots, by outcome (ok, failed)",
		labelNames: ["outcome"],
		registers: [registry],
	});
	const duration = new Histogram({
		name: "bulwark_snapshot_seconds",
		help: "Wall time of a background snapshot, dump (a millisecond a turn of the event loop) and write",
		buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
		registers: [registry],
	});
	const seqGauge = new Gauge({
		name: "bulwark_snapshot_seq",
		help: "Seq the last successful snapshot covers (a restart replays the events after it)",
		registers: [registry],
	});
	const last = new Gauge({
		name: "bulwark_snapshot_last_success_timestamp_seconds",
		help: "Wall-clock time of the last successful snapshot (0: none since start)",
		registers: [registry],
	});
	snapshots.inc({ outcome: "ok" }, 0);
	snapshots.inc({ outcome: "failed" }, 0);
	return {
		snapshotDone(outcome, seconds, seq) {
			snapshots.inc({ outcome });
			duration.observe(seconds);
			if (outcome === "ok") {
				if (seq !== undefined) seqGauge.set(seq);
				last.set(Date.now() / 1000);
			}
		},
	};
}
