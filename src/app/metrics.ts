import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";
import type { PipelineObserver } from "../core/pipeline/index.ts";

/** The Prometheus registry and the pipeline observer that feeds it. */
export function createMetrics(): { registry: Registry; observer: PipelineObserver } {
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
	return {
		registry,
		observer: {
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
