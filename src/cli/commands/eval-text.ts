import { join, resolve } from "node:path";
import { loadTextData, packageRoot, parseTextFormat, type TextDataset } from "../../core/ml/text/data.ts";
import { evaluateText, type TextEvaluation } from "../../core/ml/text/evaluate.ts";
import type { LoadTextModel } from "../../core/ml/text/model-port.ts";
import type { Command, Flags } from "../main.ts";
import { table } from "../table.ts";

/** The trainer's loader, imported on first use so this command starts without loading a model runtime. */
async function defaultLoader(): Promise<LoadTextModel> {
	return (await import("../../core/ml/text/model.ts")).loadTextModel;
}

export const evalTextCommand: Command = {
	usage:
		"eval text --model NAME --data FILE [--format jsonl|tweeteval|olid|davidson|sms] [--models-dir DIR] [--threshold T] [--olid-task a|b] [--positive abuse|hate]",
	summary: "measure a text model on labelled data: accuracy, macro-F1, per-class P/R/F1, ROC-AUC, calibration",
	options: {
		model: { type: "string" },
		data: { type: "string" },
		format: { type: "string" },
		"models-dir": { type: "string" },
		threshold: { type: "string" },
		"olid-task": { type: "string" },
		positive: { type: "string" },
	},
	async run(pos, flags) {
		if (pos[0] !== "text")
			throw new Error("usage: bulwark eval text --model NAME --data FILE (only text models so far)");
		const report = await evalText(flags);
		process.stdout.write(`${flags.json ? JSON.stringify(report) : formatEvaluation(report)}\n`);
		return 0;
	},
};

/** Reads the flags, loads the model and the data, and evaluates. `load` replaces the model loader in tests. */
export async function evalText(flags: Flags, load?: LoadTextModel): Promise<TextEvaluation & { data: string }> {
	const name = flags.model;
	const file = flags.data;
	if (typeof name !== "string" || name === "") throw new Error("give the model: --model NAME (a folder under models/)");
	if (typeof file !== "string" || file === "") throw new Error("give the labelled data: --data FILE");
	const format = typeof flags.format === "string" ? parseTextFormat(flags.format) : undefined;
	let threshold: number | undefined;
	if (typeof flags.threshold === "string") {
		threshold = Number(flags.threshold);
		if (flags.threshold.trim() === "" || !Number.isFinite(threshold) || threshold < 0 || threshold > 1)
			throw new Error(`--threshold must be a number from 0 to 1, got "${flags.threshold}"`);
	}
	const olidTask = flags["olid-task"] ?? (name === "targeted" ? "b" : "a");
	if (olidTask !== "a" && olidTask !== "b") throw new Error(`--olid-task must be a or b, got "${olidTask}"`);
	const positive = flags.positive ?? (name === "hate" ? "hate" : "abuse");
	if (positive !== "abuse" && positive !== "hate")
		throw new Error(`--positive must be abuse or hate (Davidson's positive class), got "${positive}"`);
	const data: TextDataset = loadTextData(file, { format, olidTask, davidsonPositive: positive });
	if (data.rows.length === 0) throw new Error(`${file}: no labelled rows`);
	const modelsDir =
		typeof flags["models-dir"] === "string" ? resolve(flags["models-dir"]) : join(packageRoot(), "models");
	const model = (load ?? (await defaultLoader()))(join(modelsDir, name));
	return { ...evaluateText(model, data.rows, { threshold }), data: file };
}

const num = (x: number | null, digits = 4) => (x === null ? "–" : x.toFixed(digits));
const pct = (x: number | null) => (x === null ? "–" : `${(x * 100).toFixed(1)}`);

/** The evaluation for people: the headline figures, then one row per class. */
export function formatEvaluation(r: TextEvaluation & { data?: string }): string {
	return [
		table(
			["model", "data", "n", "accuracy", "macro-F1", "ROC-AUC", "ECE", "threshold"],
			[[r.model, r.data ?? "", r.n, pct(r.accuracy), pct(r.macroF1), num(r.auc), num(r.ece), num(r.threshold, 3)]],
		),
		"",
		table(
			["class", "precision", "recall", "F1", "support"],
			(["0", "1"] as const).map((c) => [
				c,
				pct(r.perClass[c].precision),
				pct(r.perClass[c].recall),
				pct(r.perClass[c].f1),
				r.perClass[c].support,
			]),
		),
		"(accuracy, macro-F1, precision, recall and F1 in %; ECE: expected calibration error over 10 bins)",
	].join("\n");
}
