import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { loadTextModel } from "../../core/ml/text/model.ts";
import { synthetic } from "../../core/ml/text/synthetic.ts";
import { trainTextCommand } from "./train-text.ts";

const root = mkdtempSync(join(tmpdir(), "bulwark-train-text-"));
after(() => rmSync(root, { recursive: true, force: true }));

test("train text --model spam writes a loadable model with a card", async () => {
	const data = join(root, "data");
	mkdirSync(join(data, "text", "sms-spam"), { recursive: true });
	const { texts, labels } = synthetic(300, 21);
	const tsv = texts.map((t, i) => `${labels[i] ? "spam" : "ham"}\t${t}`).join("\n");
	writeFileSync(join(data, "text", "sms-spam", "SMSSpamCollection"), `${tsv}\n`);
	const out = join(root, "models");
	const write = process.stdout.write;
	let printed = "";
	process.stdout.write = ((s: string) => {
		printed += s;
		return true;
	}) as typeof process.stdout.write;
	const stderr = process.stderr.write;
	process.stderr.write = (() => true) as typeof process.stderr.write;
	let code: number;
	try {
		code = await trainTextCommand.run(["text"], { model: "spam", "data-dir": data, out, seed: "4", json: true });
	} finally {
		process.stdout.write = write;
		process.stderr.write = stderr;
	}
	assert.equal(code, 0);
	const [summary] = JSON.parse(printed) as { model: string; macroF1: number; sha256: string }[];
	assert.equal(summary?.model, "spam");
	assert.ok((summary?.macroF1 ?? 0) > 0.9);
	const m = loadTextModel(join(out, "spam"));
	assert.equal(m.name, "spam");
	const card = readFileSync(join(out, "spam", "MODEL_CARD.md"), "utf8");
	assert.match(card, /text\/sms-spam\/SMSSpamCollection/);
	assert.match(card, new RegExp(summary?.sha256 ?? "x"));
	assert.match(card, /stratified 80\/20/);
});

test("train text refuses an unknown model", async () => {
	await assert.rejects(() => trainTextCommand.run(["text"], { model: "nope" }), /give --model/);
});
