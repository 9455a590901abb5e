import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { LabelledAccount } from "./data.ts";
import { evaluateAccounts, trainedScorer } from "./evaluate.ts";
import { decodeBotModel, encodeBotModel, loadBotModel } from "./model.ts";
import { syntheticAccounts } from "./synthetic.ts";
import { calibrate, DEFAULT_RECIPE, trainBotModel } from "./train.ts";

const recipe = { ...DEFAULT_RECIPE, gbdt: { ...DEFAULT_RECIPE.gbdt, rounds: 40 } };
const rows = syntheticAccounts(600, 1);
const trained = trainBotModel(rows, recipe);
const dir = mkdtempSync(join(tmpdir(), "bulwark-bot-model-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const { meta, forest } = encodeBotModel("bot", trained, { note: "test" });
writeFileSync(join(dir, "forest.bin"), forest);
writeFileSync(join(dir, "model.json"), JSON.stringify(meta));

describe("bot model artifact", () => {
	it("scores as the trained forest did, calibrated on the reference humans", () => {
		const m = loadBotModel(dir);
		assert.equal(m.threshold, 0.95);
		assert.equal(meta.calibration.source, "synthetic/humans");
		const scorer = trainedScorer(trained);
		for (const r of rows.slice(0, 50)) {
			const x = m.features(r.profile);
			assert.equal(m.score(r.profile), scorer.scoreFeatures(x));
		}
		const e = evaluateAccounts(m, rows);
		assert.ok((e.f1 as number) > 0.9 && (e.auc as number) > 0.97, JSON.stringify(e));
	});

	it("is the same artifact from the same data and seed", () => {
		const again = encodeBotModel("bot", trainBotModel(rows, recipe), { note: "test" });
		assert.equal(again.meta.forest.sha256, meta.forest.sha256);
		assert.equal(again.meta.sha256, meta.sha256);
	});

	it("explains a score by the features that moved it", () => {
		const m = loadBotModel(dir);
		const bot = rows[1] as LabelledAccount;
		const top = m.explain(bot.profile, 3);
		assert.equal(top.length, 3);
		assert.ok(Math.abs(top[0]?.weight as number) >= Math.abs(top[2]?.weight as number));
		const all = m.explain(bot.profile, 100);
		const sum = all.reduce((s, c) => s + c.weight, 0);
		const c = m.forest.contributions(m.features(bot.profile));
		assert.ok(Math.abs(sum + (c[c.length - 1] as number) - m.margin(bot.profile)) < 1e-9);
	});

	it("refuses a damaged or edited artifact, naming the file", () => {
		const json = readFileSync(join(dir, "model.json"), "utf8");
		const flipped = forest.slice();
		flipped[100] = (flipped[100] as number) ^ 1;
		assert.throws(() => decodeBotModel(json, flipped, dir), /forest\.bin: sha256 .* does not match .*damaged/);
		assert.throws(() => decodeBotModel(json, forest.slice(0, -8), dir), /forest\.bin: \d+ bytes, model\.json says/);
		const edited = JSON.stringify({ ...meta, threshold: 0.5 });
		assert.throws(() => decodeBotModel(edited, forest, dir), /model\.json: sha256 of its scoring fields/);
		const margins = [...meta.calibration.humanMargins];
		margins[0] = (margins[0] as number) - 1;
		const moved = JSON.stringify({ ...meta, calibration: { ...meta.calibration, humanMargins: margins } });
		assert.throws(() => decodeBotModel(moved, forest, dir), /scoring fields/);
		assert.throws(() => decodeBotModel("{", forest, dir), /model\.json: not JSON/);
		assert.throws(() => decodeBotModel(JSON.stringify({ ...meta, format: 9 }), forest, dir), /format 9 is not 1/);
		const layout = JSON.stringify({ ...meta, features: [...meta.features].reverse() });
		assert.throws(() => decodeBotModel(layout, forest, dir), /feature layout/);
		assert.throws(() => loadBotModel(join(dir, "nowhere")), /nowhere\/model\.json: cannot read \(ENOENT\)/);
	});
});

describe("score calibration", () => {
	it("is the share of reference humans below, strictly increasing beyond them", () => {
		const humans = [-2, -1, 0];
		assert.equal(calibrate(humans, -1), 0.5);
		assert.equal(calibrate(humans, -2), 0.25);
		assert.equal(calibrate(humans, 0), 0.75);
		assert.ok(calibrate(humans, 5) > calibrate(humans, 1) && calibrate(humans, 5) < 1);
		assert.ok(calibrate(humans, -9) < calibrate(humans, -3) && calibrate(humans, -9) > 0);
		assert.ok(calibrate(humans, -0.5) > 0.5 && calibrate(humans, -0.5) < 0.75);
	});
});
