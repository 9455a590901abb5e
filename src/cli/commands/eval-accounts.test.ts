import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { loadLabelledAccounts } from "../../core/ml/accounts/data.ts";
import { evaluateAccounts, type Scorer } from "../../core/ml/accounts/evaluate.ts";
import { encodeBotModel, loadBotModel, STREAM_FOREST_FILE } from "../../core/ml/accounts/model.ts";
import { FEATURE_INDEX, profileFeatures } from "../../core/ml/accounts/profile.ts";
import { syntheticAccounts } from "../../core/ml/accounts/synthetic.ts";
import { DEFAULT_RECIPE, trainBotModel } from "../../core/ml/accounts/train.ts";
import type { Command } from "../main.ts";
import { byKind } from "./by-kind.ts";
import { evalAccounts, evalAccountsCommand, formatAccountEvaluation } from "./eval-accounts.ts";

const dir = mkdtempSync(join(tmpdir(), "bulwark-eval-accounts-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const HEADER =
	"id,name,screen_name,statuses_count,followers_count,friends_count,favourites_count,listed_count,default_profile,description,created_at,crawled_at,label";
const row = (id: number, statuses: number, favourites: number, label: 0 | 1) =>
	`${id},Ann,ann${id},${statuses},10,100,${favourites},0,,,Tue Jun 11 11:20:35 +0000 2013,2015-05-02 06:41:46,${label}`;
const data = join(dir, "test.csv");
// Labels 1 1 0 0 1 against a rule "no likes is a bot": tp 2, fp 1, fn 1, tn 1.
writeFileSync(
	data,
	[HEADER, row(1, 10, 0, 1), row(2, 5, 3, 1), row(3, 900, 0, 0), row(4, 800, 40, 0), row(5, 20, 0, 1)].join("\n"),
);

/** Scores 0.99 an account without likes, 0.1 otherwise; threshold 0.95. */
const noLikes: Scorer = {
	threshold: 0.95,
	features: (p, out) => profileFeatures(p, undefined, out),
	scoreFeatures: (x, o = 0) => (x[o + FEATURE_INDEX.favourites] === 0 ? 0.99 : 0.1),
};

async function stdout(cmd: Command, pos: string[], flags: Record<string, string | boolean>): Promise<string> {
	const write = process.stdout.write;
	let out = "";
	// Strings only: the test runner itself reports through stdout, in bytes.
	process.stdout.write = ((s: string | Uint8Array, ...rest: never[]) => {
		if (typeof s !== "string") return write.call(process.stdout, s, ...rest);
		out += s;
		return true;
	}) as typeof process.stdout.write;
	try {
		assert.equal(await cmd.run(pos, flags), 0);
	} finally {
		process.stdout.write = write;
	}
	return out;
}

describe("bulwark eval accounts", () => {
	it("measures at the model's threshold with exactly the --json keys scripts depend on", async () => {
		let loadedFrom = "";
		const r = await evalAccounts({ model: "bot", data, "models-dir": dir }, (d) => {
			loadedFrom = d;
			return noLikes;
		});
		assert.equal(loadedFrom, join(dir, "bot"));
		assert.deepEqual(Object.keys(r), ["n", "accuracy", "precision", "recall", "f1", "auc", "mcc"]);
		assert.equal(r.n, 5);
		assert.equal(r.accuracy, 0.6);
		assert.equal(r.precision, 2 / 3);
		assert.equal(r.recall, 2 / 3);
		assert.equal(r.f1, 2 / 3);
		assert.ok(Math.abs((r.mcc as number) - 1 / 6) < 1e-12);
		// positives {0.99, 0.1, 0.99} vs negatives {0.99, 0.1}: 1.5 + 0.5 + 1.5 of 6 pairs
		assert.equal(r.auc, 3.5 / 6);
		const lower = await evalAccounts({ model: "bot", data, "models-dir": dir, threshold: "0.05" }, () => noLikes);
		assert.equal(lower.recall, 1);
		await assert.rejects(
			evalAccounts({ model: "bot", data, threshold: "2" }, () => noLikes),
			/--threshold/,
		);
		await assert.rejects(
			evalAccounts({ model: "bot" }, () => noLikes),
			/--data FILE\.csv/,
		);
		assert.match(formatAccountEvaluation(r), /accuracy\s+precision\s+recall\s+F1\s+ROC-AUC\s+MCC/);
	});

	it("prints one JSON object through the command, with a real artifact", async () => {
		const trained = trainBotModel(syntheticAccounts(400, 3), {
			...DEFAULT_RECIPE,
			gbdt: { ...DEFAULT_RECIPE.gbdt, rounds: 20 },
		});
		const { meta, forest } = encodeBotModel("bot", trained);
		mkdirSync(join(dir, "models", "bot"), { recursive: true });
		writeFileSync(join(dir, "models", "bot", "forest.bin"), forest);
		writeFileSync(join(dir, "models", "bot", "model.json"), JSON.stringify(meta));
		const eval_ = byKind("eval", { accounts: evalAccountsCommand });
		const out = await stdout(eval_, ["accounts"], {
			model: "bot",
			data,
			"models-dir": join(dir, "models"),
			json: true,
		});
		const json = JSON.parse(out);
		assert.deepEqual(Object.keys(json), ["n", "accuracy", "precision", "recall", "f1", "auc", "mcc"]);
		assert.equal(json.n, 5);
		// A flag of another kind is refused, not ignored.
		await assert.rejects(eval_.run(["accounts"], { model: "bot", data, format: "jsonl" }), /--format is not an option/);
		await assert.rejects(eval_.run(["people"], {}), /usage: bulwark eval accounts/);
		// The forest leaving one family out never trains on the platform: --platform there is refused, not ignored.
		await assert.rejects(
			eval_.run(["accounts"], { "leave-one-out": true, platform: data }),
			/--platform goes with --matrix/,
		);
	});

	it("--stream scores as the detector serves: the platform's forest and humans", async () => {
		const shared = syntheticAccounts(400, 3);
		const platform = syntheticAccounts(300, 8).map((r, i) => ({ ...r, source: "platform/p", group: `a${i}` }));
		const recipe = { ...DEFAULT_RECIPE, gbdt: { ...DEFAULT_RECIPE.gbdt, rounds: 20 }, platform: ["platform/p"] };
		const trained = trainBotModel([...shared, ...platform], recipe);
		const { meta, forest, stream } = encodeBotModel("bot", trained);
		const models = join(dir, "models-stream");
		mkdirSync(join(models, "bot"), { recursive: true });
		writeFileSync(join(models, "bot", "forest.bin"), forest);
		writeFileSync(join(models, "bot", STREAM_FOREST_FILE), stream as Uint8Array);
		writeFileSync(join(models, "bot", "model.json"), JSON.stringify(meta));
		const flags = { model: "bot", data, "models-dir": models };
		const served = await evalAccounts({ ...flags, stream: true });
		const m = loadBotModel(join(models, "bot"));
		const view = m.forStream();
		const rows = loadLabelledAccounts(data).rows;
		const expected = evaluateAccounts(
			{ threshold: view.threshold, features: (p, o) => m.features(p, o), scoreFeatures: view.scoreFeatures },
			rows,
		);
		assert.equal(served.auc, expected.auc);
		assert.equal(served.f1, expected.f1);
		assert.deepEqual(await evalAccounts(flags), evaluateAccounts(m, rows));
		// A model trained without the platform's accounts has no stream view to measure.
		await assert.rejects(
			evalAccounts({ ...flags, "models-dir": join(dir, "models"), stream: true }),
			/has no platform forest: train it with the platform's reviewed accounts/,
		);
	});
});
