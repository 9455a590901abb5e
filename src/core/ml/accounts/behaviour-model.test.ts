import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { rng } from "../../shared/rng.ts";
import { BEHAVIOUR_FEATURE_COUNT, BEHAVIOUR_FEATURE_NAMES } from "./behaviour.ts";
import {
	accountWeights,
	type BehaviourRows,
	decodeBehaviourModel,
	encodeBehaviourModel,
	highestPerAccount,
	trainBehaviourModel,
} from "./behaviour-model.ts";

const URL_SHARE = BEHAVIOUR_FEATURE_NAMES.indexOf("url_share");

/** Accounts whose link share says what they are (bots: 3 rows each, humans 1), with noise elsewhere. */
function rows(seed: number, accounts: number): BehaviourRows {
	const r = rng(seed);
	const x: number[] = [];
	const y: number[] = [];
	const account: string[] = [];
	const role: string[] = [];
	for (let a = 0; a < accounts; a++) {
		const bot = a % 4 === 0;
		for (let k = 0; k < (bot ? 3 : 1); k++) {
			const row = Array.from({ length: BEHAVIOUR_FEATURE_COUNT }, () => r());
			row[URL_SHARE] = bot ? 0.8 + 0.2 * r() : 0.3 * r();
			x.push(...row);
			y.push(bot ? 1 : 0);
			account.push(`s${seed}-a${a}`);
			role.push(bot ? "bot" : "organic");
		}
	}
	return { x: Float64Array.from(x), y: Uint8Array.from(y), n: y.length, account, role };
}

describe("behaviour model", () => {
	const train = rows(1, 400);
	const val = rows(2, 200);
	const m = trainBehaviourModel(train, val, 1);
	const { meta, forest } = encodeBehaviourModel("behaviour", m, { note: "test" });
	const json = JSON.stringify(meta);

	it("learns the signal, weights accounts equally and thresholds on accounts", () => {
		assert.ok((m.val.f1 ?? 0) > 0.95, `val F1 ${m.val.f1}`);
		assert.equal(m.val.n, 200, "one figure per validation account");
		const w = accountWeights(train);
		assert.ok(Math.abs((w[0] as number) * 3 - (w[3] as number)) < 1e-9, "a bot's three rows weigh one human row");
		const h = highestPerAccount({ account: ["a", "a", "b"], y: Uint8Array.from([1, 1, 0]), n: 3 }, [0.2, 0.7, 0.4]);
		assert.deepEqual(h, { scores: [0.7, 0.4], labels: [1, 0] });
	});

	it("round-trips through its artifact and scores the same", () => {
		const back = decodeBehaviourModel(json, forest, "models/behaviour");
		assert.equal(back.threshold, m.threshold);
		const x = val.x.subarray(0, BEHAVIOUR_FEATURE_COUNT);
		assert.equal(back.score(x), m.trained.forest.probability(x));
		assert.equal(back.explain(x, 3)[0]?.feature, "url_share");
	});

	it("is refused, naming the file, when damaged or edited", () => {
		const bad = Uint8Array.from(forest);
		bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 0xff;
		assert.throws(() => decodeBehaviourModel(json, bad, "m"), /m\/forest\.bin: sha256 .* \(damaged\)/);
		assert.throws(() => decodeBehaviourModel(json, forest.subarray(0, 64), "m"), /m\/forest\.bin: 64 bytes/);
		const edited = JSON.stringify({ ...meta, threshold: 0.01 });
		assert.throws(() => decodeBehaviourModel(edited, forest, "m"), /m\/model\.json: sha256 .*edited or damaged/);
		const layout = JSON.stringify({ ...meta, features: [...meta.features].reverse() });
		assert.throws(() => decodeBehaviourModel(layout, forest, "m"), /feature layout is not this build's/);
		assert.throws(() => decodeBehaviourModel("{", forest, "m"), /m\/model\.json: not JSON/);
		assert.throws(() => decodeBehaviourModel(JSON.stringify({ ...meta, format: 9 }), forest, "m"), /format 9/);
	});
});
