import { type BinaryReport, binaryReport } from "../metrics.ts";
import type { TextClassifier } from "./model-port.ts";

/** What `bulwark eval text --json` prints: a stable interface, scripts depend on its keys. */
export interface TextEvaluation extends BinaryReport {
	model: string;
}

/**
 * Scores every row with the model and reports the metrics at the model's threshold (or `threshold`).
 * @example evaluateText(model, [{ text: "you idiot", label: 1 }]).accuracy // 1 when model.score(...) >= model.threshold
 */
export function evaluateText(
	model: TextClassifier,
	rows: readonly { text: string; label: 0 | 1 }[],
	options: { threshold?: number } = {},
): TextEvaluation {
	const scores = rows.map((r) => model.score(r.text));
	const labels = rows.map((r) => r.label);
	return { model: model.name, ...binaryReport(scores, labels, options.threshold ?? model.threshold) };
}
