import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { loadTextModel } from "../../core/ml/text/model.ts";
import { synthetic } from "../../core/ml/text/synthetic.ts";
import { DAVIDSON_WEIGHT, SPAM_MIN_F1 } from "../../core/ml/text/xdomain.ts";
import { TEXT_RECIPES, trainTextCommand } from "./train-text.ts";

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
	assert.match(card, /--recipe xdomain/);
	assert.match(card, /the lowest keeping the positive class's F1 on validation >= 0\.955/);
});

test("spam recipes: xdomain (default) adds SMS-cue-masked copies of train and the F1 threshold rule; sms is the first recipe", () => {
	const data = join(root, "spam-data");
	mkdirSync(join(data, "text", "sms-spam"), { recursive: true });
	const rows = Array.from({ length: 50 }, (_, i) =>
		i % 5 ? `ham\tsee you at ${i}` : `spam\tWIN a prize call 0906170${i} now txt STOP`,
	);
	writeFileSync(join(data, "text", "sms-spam", "SMSSpamCollection"), `${rows.join("\n")}\n`);
	const spam = TEXT_RECIPES.spam;
	assert.ok(spam);
	const x = spam.load(data, 1);
	const old = spam.load(data, 1, "sms");
	assert.equal(old.train.texts.length, 40);
	assert.equal(old.minF1, undefined);
	assert.equal(x.train.texts.length, 80);
	assert.deepEqual(x.val.texts, old.val.texts);
	assert.deepEqual(x.train.texts.slice(0, 40), old.train.texts);
	assert.deepEqual(Array.from(x.train.labels).slice(40), Array.from(old.train.labels));
	const masked = x.train.texts.slice(40).find((t) => t.startsWith("WIN"));
	assert.equal(masked, "WIN a prize call now");
	assert.equal(x.minF1, SPAM_MIN_F1);
	assert.match(x.split, /recipe xdomain/);
});

test("train text refuses an unknown model", async () => {
	await assert.rejects(() => trainTextCommand.run(["text"], { model: "nope" }), /give --model/);
});

test("hate recipes: xdomain (default) mixes Davidson in with groups; tweeteval is the first recipe", () => {
	const data = join(root, "hate-data");
	const te = join(data, "text", "tweeteval", "hate");
	mkdirSync(te, { recursive: true });
	mkdirSync(join(data, "text", "davidson2017"), { recursive: true });
	for (const [split, n] of [
		["train", 40],
		["val", 10],
	] as const) {
		writeFileSync(
			join(te, `${split}_text.txt`),
			`${Array.from({ length: n }, (_, i) => `${split} tweet ${i}`).join("\n")}\n`,
		);
		writeFileSync(join(te, `${split}_labels.txt`), `${Array.from({ length: n }, (_, i) => i % 2).join("\n")}\n`);
	}
	const csv = Array.from({ length: 100 }, (_, i) => `${i},3,0,0,3,${i % 10 === 0 ? 0 : i % 3 ? 1 : 2},"davidson ${i}"`);
	writeFileSync(
		join(data, "text", "davidson2017", "labeled_data.csv"),
		`,count,hate_speech,offensive_language,neither,class,tweet\n${csv.join("\n")}\n`,
	);
	const hate = TEXT_RECIPES.hate;
	assert.ok(hate);
	const x = hate.load(data, 1);
	assert.equal(x.train.texts.length, 40 + 60);
	assert.equal(x.val.texts.length, 10 + 20);
	assert.deepEqual(x.val.groupNames, ["tweeteval-val", "davidson-dev"]);
	assert.equal(x.train.weights?.[0], 1);
	assert.equal(x.train.weights?.[40], DAVIDSON_WEIGHT);
	// Davidson class 0 (every tenth row) is the only positive among its rows
	const davPositives = Array.from(x.train.labels)
		.slice(40)
		.filter((l) => l === 1).length;
	assert.equal(davPositives, 6);
	assert.match(x.split, /recipe xdomain/);
	const old = hate.load(data, 1, "tweeteval");
	assert.equal(old.train.texts.length, 40);
	assert.equal(old.val.groups, undefined);
	assert.equal(old.split, "the published train / val files");
});

test("train text rejects a recipe the model does not have", async () => {
	await assert.rejects(
		() => trainTextCommand.run(["text"], { model: "abuse", recipe: "xdomain" }),
		/--recipe xdomain does not apply to abuse/,
	);
	await assert.rejects(
		() => trainTextCommand.run(["text"], { model: "spam", recipe: "tweeteval" }),
		/--recipe tweeteval does not apply to spam: use one of xdomain, sms/,
	);
});
