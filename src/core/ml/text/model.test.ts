import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { decodeTextModel, encodeTextModel, loadTextModel } from "./model.ts";
import { synthetic } from "./synthetic.ts";
import { trainTextModel } from "./train.ts";

const dir = mkdtempSync(join(tmpdir(), "bulwark-text-model-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const trained = trainTextModel({
	name: "toy",
	train: synthetic(200, 11),
	val: synthetic(100, 12),
	seed: 3,
	features: { bits: 16, wordMaxN: 2, charMinN: 2, charMaxN: 5 },
});

function save(where: string): void {
	const { meta, weights } = encodeTextModel(trained, { seed: 3 });
	rmSync(where, { recursive: true, force: true });
	mkdirSync(where, { recursive: true });
	writeFileSync(join(where, "weights.bin"), weights);
	writeFileSync(join(where, "model.json"), JSON.stringify(meta));
}

test("round-trips through save and load and classifies held-out rows", () => {
	const where = join(dir, "ok");
	save(where);
	const m = loadTextModel(where);
	assert.equal(m.name, "toy");
	assert.equal(m.threshold, trained.threshold);
	const held = synthetic(300, 13);
	let right = 0;
	held.texts.forEach((t, i) => {
		if ((m.score(t) >= m.threshold ? 1 : 0) === held.labels[i]) right++;
	});
	assert.ok(right / held.texts.length > 0.95, `held-out accuracy ${right / held.texts.length}`);
	const p = m.score("@USER see you at lunch you idiot");
	assert.ok(p > 0 && p < 1 && p >= m.threshold);
	assert.ok(m.score("@USER see you at lunch") < m.threshold);
	// Obfuscation is seen through.
	assert.ok(m.score("@USER see you at lunch y0u 1d10t") >= m.threshold);
	const why = m.explain("@USER see you at lunch you idiot", 3);
	assert.equal(why.length, 3);
	assert.ok(
		why.some((c) => c.feature.includes("idiot") || c.feature.includes("idi")),
		JSON.stringify(why),
	);
});

test("a damaged or mismatched artifact is refused with the file and the reason", () => {
	const where = join(dir, "bad");
	save(where);
	const bin = join(where, "weights.bin");
	const bytes = readFileSync(bin);
	bytes[100] = (bytes[100] as number) ^ 0xff;
	writeFileSync(bin, bytes);
	assert.throws(() => loadTextModel(where), /weights\.bin: sha256 .* \(damaged\)/);
	writeFileSync(bin, bytes.subarray(0, 1000));
	assert.throws(() => loadTextModel(where), /weights\.bin: 1000 bytes/);
	rmSync(bin);
	assert.throws(() => loadTextModel(where), /weights\.bin: cannot read \(ENOENT\)/);
	writeFileSync(bin, bytes);
	writeFileSync(join(where, "model.json"), "{nope");
	assert.throws(() => loadTextModel(where), /model\.json: not JSON/);
	const { meta, weights } = encodeTextModel(trained);
	assert.throws(() => decodeTextModel(JSON.stringify({ ...meta, format: 9 }), weights, where), /format 9/);
	assert.throws(() => decodeTextModel(JSON.stringify({ ...meta, threshold: "x" }), weights, where), /threshold/);
	const future = { ...meta, features: { ...meta.features, normalize: 4 } };
	assert.throws(() => decodeTextModel(JSON.stringify(future), weights, where), /text normalisation 4/);
	const v2 = decodeTextModel(JSON.stringify({ ...meta, features: { ...meta.features, normalize: 2 } }), weights, where);
	// The model reads its own normalisation: version 2 sees through an emoji inside a word, version 1 does not.
	const v1 = decodeTextModel(JSON.stringify(meta), weights, where);
	assert.equal(v2.score("you id😡iot"), v2.score("you idiot"));
	assert.notEqual(v1.score("you id😡iot"), v1.score("you idiot"));
	assert.equal(v2.score("you id😡iot"), v2.scoreReference("you id😡iot"));
	assert.throws(() => loadTextModel(join(dir, "missing")), /model\.json: cannot read/);
});

test("encoding is deterministic: same seed and data, same weights hash", () => {
	const again = trainTextModel({
		name: "toy",
		train: synthetic(200, 11),
		val: synthetic(100, 12),
		seed: 3,
		features: { bits: 16, wordMaxN: 2, charMinN: 2, charMaxN: 5 },
	});
	assert.equal(encodeTextModel(again).meta.weights.sha256, encodeTextModel(trained).meta.weights.sha256);
});
