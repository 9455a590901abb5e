import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { LabelledAccount } from "./data.ts";
import { evaluateAccounts, trainedScorer } from "./evaluate.ts";
import { decodeBotModel, encodeBotModel, loadBotModel, STREAM_FOREST_FILE } from "./model.ts";
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

describe("the platform's forest (train accounts --platform)", () => {
	// The platform's reviewed accounts: three rows (snapshots) of each account, sharing its id.
	const platformRows: LabelledAccount[] = syntheticAccounts(300, 5).flatMap((r, i) =>
		[0, 1, 2].map((k) => ({
			...r,
			profile: { ...r.profile, statuses: (r.profile.statuses as number) + k },
			source: "platform/sim",
			group: `acct-${i}`,
		})),
	);
	const both = trainBotModel([...rows, ...platformRows], { ...recipe, platform: ["platform/sim"] });
	const withStream = encodeBotModel("bot", both, { note: "test" });
	const sdir = mkdtempSync(join(tmpdir(), "bulwark-bot-stream-"));
	after(() => rmSync(sdir, { recursive: true, force: true }));
	writeFileSync(join(sdir, "forest.bin"), withStream.forest);
	writeFileSync(join(sdir, STREAM_FOREST_FILE), withStream.stream as Uint8Array);
	writeFileSync(join(sdir, "model.json"), JSON.stringify(withStream.meta));

	it("leaves the shared sets' forest and calibration as they were without it", () => {
		assert.equal(withStream.meta.forest.sha256, meta.forest.sha256);
		assert.deepEqual(withStream.meta.calibration, meta.calibration);
		assert.ok(both.stream && withStream.stream && withStream.meta.stream);
		assert.equal(withStream.meta.stream.calibration.source, "platform/sim");
	});

	it("calibrates the stream on held-out human accounts, each once, none trained on", () => {
		const s = both.stream;
		assert.ok(s);
		const humans = s.report.parts.find((p) => p.label === 0);
		// 150 human accounts, 20% held out: 30 accounts, 90 rows; one margin per account.
		assert.equal(humans?.val, 90);
		assert.equal(s.calibration.humanMargins.length, 30);
		const margins = s.calibration.humanMargins;
		for (let i = 1; i < margins.length; i++) assert.ok((margins[i] as number) >= (margins[i - 1] as number));
	});

	it("serves the platform's forest on the stream and the shared forest to user objects", () => {
		const m = loadBotModel(sdir);
		assert.equal(m.hasStream, true);
		const served = m.forStream();
		const streamScorer = trainedScorer(both, true);
		for (const r of platformRows.slice(0, 30)) {
			assert.equal(served.score(r.profile), streamScorer.scoreFeatures(m.features(r.profile)));
			assert.equal(m.forUserObjects().score(r.profile), m.score(r.profile));
		}
		assert.notEqual(served.score(platformRows[0]?.profile as never), m.score(platformRows[0]?.profile as never));
		assert.equal(served.calibration, "platform/sim");
		assert.ok(served.explain(platformRows[1]?.profile as never, 3).length > 0);
		// A model without a platform forest serves the shared one on the stream.
		const plain = loadBotModel(dir);
		assert.equal(plain.hasStream, false);
		assert.equal(plain.forStream().score(rows[3]?.profile as never), plain.score(rows[3]?.profile as never));
	});

	it("refuses a damaged, missing or edited platform forest, naming the file", () => {
		const json = readFileSync(join(sdir, "model.json"), "utf8");
		const bytes = withStream.stream as Uint8Array;
		const flipped = bytes.slice();
		flipped[50] = (flipped[50] as number) ^ 1;
		assert.throws(
			() => decodeBotModel(json, withStream.forest, sdir, flipped),
			/stream\.bin: sha256 .* does not match .*damaged/,
		);
		assert.throws(() => decodeBotModel(json, withStream.forest, sdir, null), /stream\.bin: missing/);
		const s = withStream.meta.stream as NonNullable<typeof withStream.meta.stream>;
		const margins = [...s.calibration.humanMargins];
		margins[0] = (margins[0] as number) - 1;
		const moved = JSON.stringify({
			...withStream.meta,
			stream: { ...s, calibration: { ...s.calibration, humanMargins: margins } },
		});
		assert.throws(() => decodeBotModel(moved, withStream.forest, sdir, bytes), /scoring fields/);
		const dropped = JSON.stringify({ ...withStream.meta, stream: undefined });
		assert.throws(() => decodeBotModel(dropped, withStream.forest, sdir, bytes), /scoring fields/);
	});

	it("refuses too few reviewed platform accounts", () => {
		const few = platformRows.slice(0, 60);
		assert.throws(
			() => trainBotModel([...rows, ...few], { ...recipe, platform: ["platform/sim"] }),
			/too few of the platform's reviewed accounts/,
		);
		assert.throws(
			() => trainBotModel(rows, { ...recipe, platform: ["platform/none"] }),
			/no rows of the platform parts/,
		);
	});
});
