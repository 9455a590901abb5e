import type { BulwarkEvent, EventType } from "../events/index.ts";
import type { FeatureRequest } from "../features/index.ts";
import type { TextClassifier } from "../ml/text/model-port.ts";
import type { Detector, Signal } from "./types.ts";

/**
 * A text classifier as the detector uses it: `explain`, when the model has it (the shipped
 * TextModel does), gives the n-grams that pushed a text's score up, for reviewers.
 */
export interface ExplainableClassifier extends TextClassifier {
	explain?(text: string, k?: number): readonly { readonly feature: string; readonly weight: number }[];
}

export interface TextDetectorOptions {
	/** How many contributing n-grams a flagged text's signal carries (default 5). */
	explain?: number;
}

const TEXT_EVENTS: readonly EventType[] = ["post.created", "report.filed"];
const NO_FEATURES: FeatureRequest[] = [];

/** The signal name a model's scores are emitted under: `text.<model>`. */
export const textSignalName = (model: string): string => `text.${model}`;

/**
 * Text detectors, one per model: each scores the text of `post.created` (and of `report.filed`
 * when it has one) and emits `text.<model>` with the calibrated probability as score, for every
 * scored text (rules choose their own cut-offs). The top contributing n-grams are computed only
 * when the score is at or above the model's threshold: explanations are for reviewers, and most
 * posts are not flagged. One detector per model, so that a model that throws costs only its own
 * signal: the processor records `detector text.<model>: ...` in the trace and the event is still
 * decided with the other models' signals.
 * @example
 * const ds = textDetectors([loadTextModel("models/spam")]);
 * ds[0].detect(post, ctx) // [{ name: "text.spam", score: 0.97, evidence: { threshold: 0.311, flagged: 1, top1: "free entry (+0.812)", ... } }]
 */
export function textDetectors(models: readonly ExplainableClassifier[], opts: TextDetectorOptions = {}): Detector[] {
	const k = opts.explain ?? 5;
	return models.map((m) => textDetector(m, k));
}

function textDetector(m: ExplainableClassifier, k: number): Detector {
	const name = textSignalName(m.name);
	return {
		name,
		on: TEXT_EVENTS,
		needs: () => NO_FEATURES,
		detect(e: BulwarkEvent): Signal[] {
			const target = textOf(e);
			if (!target) return [];
			const score = m.score(target.text);
			if (!Number.isFinite(score)) throw new Error(`score is ${score}`);
			const flagged = score >= m.threshold;
			const evidence: Record<string, number | string> = { threshold: round(m.threshold), flagged: flagged ? 1 : 0 };
			if (flagged && m.explain && k > 0) {
				try {
					let i = 0;
					for (const c of m.explain(target.text, k)) {
						if (++i > k) break;
						evidence[`top${i}`] = `${c.feature} (${c.weight >= 0 ? "+" : ""}${round(c.weight)})`;
					}
				} catch (err) {
					// The score stands without its explanation.
					evidence.explainError = err instanceof Error ? err.message : String(err);
				}
			}
			return [
				{
					detector: name,
					name,
					entity: target.entity,
					score: round(score),
					reason: `${m.name} model: ${round(score)} ${flagged ? ">=" : "<"} threshold ${round(m.threshold)}`,
					evidence,
				},
			];
		},
	};
}

function textOf(e: BulwarkEvent): { text: string; entity: Signal["entity"] } | undefined {
	if (e.type === "post.created") return { text: e.data.text, entity: { kind: "post", id: e.data.postId } };
	if (e.type === "report.filed" && e.data.text) return { text: e.data.text, entity: { kind: "account", id: e.actor } };
	return undefined;
}

const round = (x: number): number => Math.round(x * 1000) / 1000;
