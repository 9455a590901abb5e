import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { evaluateText } from "../../core/ml/text/evaluate.ts";
import type { TextClassifier } from "../../core/ml/text/model-port.ts";
import { evalText, formatEvaluation } from "./eval-text.ts";

/** Scores 0.9 for a text with "idiot", 0.6 with "stupid", 0.1 otherwise. */
const keywords: TextClassifier = {
	name: "keywords",
	threshold: 0.5,
	score: (t) => (t.includes("idiot") ? 0.9 : t.includes("stupid") ? 0.6 : 0.1),
};

const rows: { text: string; label: 0 | 1 }[] = [
	{ text: "you idiot", label: 1 },
	{ text: "stupid question, sorry", label: 0 },
	{ text: "what a stupid take", label: 1 },
	{ text: "lovely day", label: 0 },
	{ text: "go away", label: 1 },
];

const dir = mkdtempSync(join(tmpdir(), "bulwark-eval-text-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const data = join(dir, "val.jsonl");
writeFileSync(data, rows.map((r) => JSON.stringify(r)).join("\n"));

describe("bulwark eval text", () => {
	it("evaluates a classifier at its threshold, or at a given one", () => {
		const r = evaluateText(keywords, rows);
		// predicted 1 1 1 0 0 vs labels 1 0 1 0 1: tp 2, fp 1, fn 1, tn 1
		assert.equal(r.model, "keywords");
		assert.equal(r.n, 5);
		assert.equal(r.accuracy, 0.6);
		assert.deepEqual(r.perClass["1"], { precision: 2 / 3, recall: 2 / 3, f1: 2 / 3, support: 3 });
		assert.deepEqual(r.perClass["0"], { precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
		// positives {0.9, 0.6, 0.1} vs negatives {0.6, 0.1}: 2 + 1.5 + 0.5 = 4 of 6
		assert.equal(r.auc, 4 / 6);
		assert.equal(r.threshold, 0.5);
		const strict = evaluateText(keywords, rows, { threshold: 0.8 });
		assert.equal(strict.threshold, 0.8);
		assert.equal(strict.perClass["1"].precision, 1);
	});

	it("loads the data and the model folder, and keeps the --json keys scripts depend on", async () => {
		let loadedFrom = "";
		const r = await evalText({ model: "abuse", data, "models-dir": dir, threshold: "0.7" }, (d) => {
			loadedFrom = d;
			return keywords;
		});
		assert.equal(loadedFrom, join(dir, "abuse"));
		const json = JSON.parse(JSON.stringify(r));
		for (const k of ["n", "accuracy", "macroF1", "auc", "perClass", "ece", "threshold", "model"])
			assert.ok(k in json, k);
		assert.deepEqual(Object.keys(json.perClass), ["0", "1"]);
		assert.deepEqual(Object.keys(json.perClass["1"]), ["precision", "recall", "f1", "support"]);
		assert.equal(json.threshold, 0.7);
		assert.match(formatEvaluation(r), /macro-F1[\s\S]*class\s+precision\s+recall\s+F1\s+support/);
	});

	it("refuses bad flags with the valid choices", async () => {
		const load = () => keywords;
		await assert.rejects(evalText({ model: "abuse", data, format: "csv" }, load), /use one of jsonl, tweeteval, olid/);
		await assert.rejects(evalText({ model: "abuse", data, threshold: "high" }, load), /--threshold must be a number/);
		await assert.rejects(evalText({ data }, load), /--model NAME/);
		await assert.rejects(evalText({ model: "abuse" }, load), /--data FILE/);
	});
});
