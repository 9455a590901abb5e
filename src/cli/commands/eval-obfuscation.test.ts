import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { TextClassifier } from "../../core/ml/text/model-port.ts";
import { ATTACK_NAMES } from "../../core/ml/text/obfuscate.ts";
import { evalObfuscation, formatObfuscation } from "./eval-obfuscation.ts";

/** Flags a text holding "idiot" or "moron" as written. */
const keywords: TextClassifier = {
	name: "keywords",
	threshold: 0.5,
	score: (t) => (/idiot|moron/.test(t) ? 0.9 : 0.1),
};

const dir = mkdtempSync(join(tmpdir(), "bulwark-eval-obfuscation-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const data = join(dir, "val.jsonl");
writeFileSync(
	data,
	[
		{ text: "you idiot", label: 1 },
		{ text: "what a moron", label: 1 },
		{ text: "go away", label: 1 },
		{ text: "lovely day", label: 0 },
	]
		.map((r) => JSON.stringify(r))
		.join("\n"),
);

describe("bulwark eval obfuscation", () => {
	it("keeps the --json keys scripts depend on, one entry per attack", async () => {
		let loadedFrom = "";
		const r = await evalObfuscation({ model: "abuse", data, "models-dir": dir, seed: "5" }, (d) => {
			loadedFrom = d;
			return keywords;
		});
		assert.equal(loadedFrom, join(dir, "abuse"));
		const json = JSON.parse(JSON.stringify(r));
		assert.deepEqual(Object.keys(json).sort(), [
			"attacks",
			"cleanRecall",
			"data",
			"minRatio",
			"model",
			"n",
			"rate",
			"seed",
			"target",
			"threshold",
		]);
		assert.deepEqual(Object.keys(json.attacks), ATTACK_NAMES);
		for (const a of ATTACK_NAMES) assert.deepEqual(Object.keys(json.attacks[a]), ["recall", "ratio", "changed"]);
		assert.equal(json.n, 3);
		assert.equal(json.cleanRecall, 2 / 3);
		assert.equal(json.seed, 5);
		assert.equal(json.target, 0.9);
		assert.ok(json.attacks.case.ratio >= 0 && json.attacks.case.ratio <= 1);
		assert.match(formatObfuscation(r), /attack\s+recall\s+ratio[\s\S]*clean[\s\S]*mix/);
	});

	it("measures the attacks asked for and writes the stress set", async () => {
		const out = join(dir, "stress.jsonl");
		const r = await evalObfuscation({ model: "abuse", data, attack: "leet,emoji", out }, () => keywords);
		assert.deepEqual(Object.keys(r.attacks), ["leet", "emoji"]);
		const lines = readFileSync(out, "utf8")
			.trim()
			.split("\n")
			.map((l) => JSON.parse(l));
		assert.equal(lines.length, 6);
		assert.deepEqual(Object.keys(lines[0]), ["attack", "text", "label"]);
	});

	it("refuses bad flags with the valid choices", async () => {
		const load = () => keywords;
		await assert.rejects(evalObfuscation({ model: "abuse", data, attack: "rot13" }, load), /unknown attack "rot13"/);
		await assert.rejects(evalObfuscation({ model: "abuse", data, seed: "x" }, load), /--seed/);
		await assert.rejects(evalObfuscation({ model: "abuse", data, rate: "0" }, load), /--rate/);
		await assert.rejects(evalObfuscation({ data }, load), /--model NAME/);
	});
});
