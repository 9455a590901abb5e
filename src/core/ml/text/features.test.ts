import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_FEATURES, Featurizer, featureName } from "./features.ts";
import { normalizeTokens } from "./normalize.ts";

test("vectors are deterministic, sorted, unit length", () => {
	const f = new Featurizer();
	const a = f.vectorize("you are a stupid idiot");
	const b = new Featurizer().vectorize("you are a stupid idiot");
	assert.deepEqual([...a.indices], [...b.indices]);
	assert.deepEqual([...a.values], [...b.values]);
	// Pinned so a change to hashing (which would invalidate trained models) is noticed.
	assert.deepEqual([...a.indices.slice(0, 5)], [5672, 41302, 42934, 44816, 69838]);
	for (let i = 1; i < a.indices.length; i++) assert.ok((a.indices[i] as number) > (a.indices[i - 1] as number));
	let n2 = 0;
	for (const v of a.values) n2 += v * v;
	assert.ok(Math.abs(n2 - 1) < 1e-6);
	assert.ok(a.indices.every((i) => i >= 0 && i < 2 ** DEFAULT_FEATURES.bits));
});

test("the feature walk emits unigrams, bigrams and padded char 2-5-grams", () => {
	const f = new Featurizer();
	const tokens = normalizeTokens("ab cd");
	const names: string[] = [];
	f.walk(tokens, (_b, _block, t, start, n) => names.push(featureName(tokens, t, start, n)));
	for (const want of ["ab", "cd", "ab cd", '" a"', '"ab "', '" ab "', '" cd "']) assert.ok(names.includes(want), want);
	// " ab " has 3 bigrams, 2 trigrams, 1 four-gram per word; plus the words and one bigram.
	assert.equal(names.length, 2 * 6 + 3);
});

test("obfuscated and clean texts share most features", () => {
	const f = new Featurizer();
	const pairs: [string, string][] = [
		["you are a stupid idiot", "Y0U are a $tup1d 1d10t!!!"],
		["go kill yourself loser", "g o   k1ll yourselfff l0oser"],
		["shut up you moron", "ѕһut up уоu mоrоn"],
	];
	for (const [clean, dirty] of pairs) {
		const a = f.vectorize(clean);
		const b = new Set(f.vectorize(dirty).indices);
		const shared = [...a.indices].filter((i) => b.has(i)).length;
		assert.ok(shared / a.indices.length >= 0.7, `${dirty}: ${shared}/${a.indices.length}`);
	}
});

test("counts repeat: a repeated word has a larger value than a single one", () => {
	const f = new Featurizer({ bits: 16, wordMaxN: 1, charMinN: 2, charMaxN: 2 });
	const v = f.vectorize("spam spam eggs");
	assert.equal(new Set(v.indices).size, v.indices.length);
	assert.ok(v.values.length > 0);
	assert.throws(() => new Featurizer({ ...DEFAULT_FEATURES, bits: 40 }), /bits/);
});
