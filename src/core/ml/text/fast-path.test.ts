import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_FEATURES, Featurizer } from "./features.ts";
import { loadTextModel, TextModelSet } from "./model.ts";
import { normalizeTokens, normalizeTokensReference } from "./normalize.ts";

/** A few hundred varied texts: obfuscated, emoji, long, empty, non-Latin, links, mentions. */
function texts(): string[] {
	const base = [
		"",
		" ",
		"you are a stupid idiot",
		"Y0U are a $tup1d 1d10t!!!",
		"g o   k1ll yourselfff l0oser",
		"ѕһut up уоu mоrоn",
		"ηοοb ＦＵＣＫ you",
		"f.u.c.k off @bob's mate",
		"@USER @USER see http://t.co/x and www.spam.com now",
		"wow 😡😡 ok 👍🏽 ❤️ 👨‍👩‍👧 ©®",
		"call 08001234567 in 2005 £100 WIN!!! txt STOP",
		"what?!! ... --- ___ *** |||",
		"これは日本語のテキストです 你好世界 مرحبا بالعالم שלום",
		"Ünïcödé façade naïve Straße İstanbul",
		"a b c d e 1 2 3 ! ?",
		"@a@b @@x @_ @ $$$ !!! sh!t b@stard",
		"soooooo goooood!!!!!! haaaaa",
		"\u0000 nul and \ud800 lone surrogate \udc00",
		"tab\tnew\nline\r\n done",
	];
	const out = [...base];
	let seed = 7;
	const rnd = () => {
		seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
		return seed / 2 ** 32;
	};
	const alphabet = [..."abcdefghijklmnopqrstuvwxyz0134579@$!|.-_*'’ ?😡αеоѕ日!?#"];
	for (let i = 0; i < 300; i++) {
		const len = Math.floor(rnd() * (i % 10 === 0 ? 2000 : 140));
		let s = "";
		for (let k = 0; k < len; k++) s += alphabet[Math.floor(rnd() * alphabet.length)];
		out.push(`${base[i % base.length]} ${s}`);
	}
	return out;
}

test("the single-pass normaliser gives the reference tokens", () => {
	for (const t of texts()) assert.deepEqual(normalizeTokens(t), normalizeTokensReference(t), JSON.stringify(t));
	for (const t of texts()) assert.deepEqual(normalizeTokens(t, 2), normalizeTokensReference(t, 2), JSON.stringify(t));
	for (const t of texts()) assert.deepEqual(normalizeTokens(t, 3), normalizeTokensReference(t, 3), JSON.stringify(t));
});

test("the single-pass normaliser gives the reference tokens for symbol-laden ASCII words", () => {
	// Short words from few letters, digits and every in-word symbol: edges, l33t, runs, spelled-out.
	const alphabet = [..."aab0134579@$!|.-_*'eeoo"];
	let seed = 11;
	const rnd = (n: number) => {
		seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
		return seed % n;
	};
	for (let i = 0; i < 20_000; i++) {
		let w = "";
		for (let k = 1 + rnd(9); k > 0; k--) w += alphabet[rnd(alphabet.length)];
		const t = `x ${w} y`;
		assert.deepEqual(normalizeTokens(t), normalizeTokensReference(t), JSON.stringify(t));
		if (i % 4 === 0) assert.deepEqual(normalizeTokens(t, 3), normalizeTokensReference(t, 3), JSON.stringify(t));
	}
});

test("dot equals the dot product with the sparse vector", () => {
	const f = new Featurizer({ ...DEFAULT_FEATURES, bits: 16 });
	const w = new Float32Array(f.size);
	for (let i = 0; i < w.length; i++) w[i] = Math.sin(i * 12.9898) * 3;
	for (const t of texts()) {
		const tokens = normalizeTokens(t);
		const x = f.vectorizeTokens(tokens);
		let want = 0;
		for (let k = 0; k < x.indices.length; k++) want += (w[x.indices[k] as number] as number) * (x.values[k] as number);
		assert.ok(Math.abs(f.dot(tokens, w) - want) < 1e-9, JSON.stringify(t));
	}
});

test("dot is unchanged when its token cache starts over mid-text or meets a token longer than it", () => {
	const f = new Featurizer({ ...DEFAULT_FEATURES, bits: 16 });
	const w = new Float32Array(f.size);
	for (let i = 0; i < w.length; i++) w[i] = Math.cos(i * 7.31) * 2;
	const want = (tokens: string[]) => {
		const x = f.vectorizeTokens(tokens);
		let s = 0;
		for (let k = 0; k < x.indices.length; k++) s += (w[x.indices[k] as number] as number) * (x.values[k] as number);
		return s;
	};
	// 40,000 distinct tokens: more than the cache keeps, so it starts over while reading them.
	const many = Array.from({ length: 40_000 }, (_, i) => `w${i.toString(36)}`);
	const long = ["ab", "x".repeat(120_000) + "yz".repeat(20_000), "ab"];
	for (const tokens of [many, long, many.slice(0, 50), long]) {
		const got = f.dot(tokens, w);
		assert.ok(Math.abs(got - want(tokens)) < 1e-9, `${tokens.length} tokens: ${got} vs ${want(tokens)}`);
	}
});

test("shipped models score the same on the fast path as on the reference path", () => {
	for (const name of ["abuse", "spam", "hate", "targeted"]) {
		const m = loadTextModel(new URL(`../../../../models/${name}`, import.meta.url).pathname);
		for (const t of texts()) assert.ok(Math.abs(m.score(t) - m.scoreReference(t)) < 1e-9, `${name}: ${t}`);
	}
});

test("a set of models scores each text once, each model's score to the bit", () => {
	const names = ["abuse", "spam", "hate", "targeted"];
	const all = names.map((n) => loadTextModel(new URL(`../../../../models/${n}`, import.meta.url).pathname));
	// One set per feature setting, as the app groups them (models may be on other normalisations).
	const groups = new Map<string, number[]>();
	all.forEach((m, k) => {
		const key = JSON.stringify(m.meta.features);
		groups.set(key, [...(groups.get(key) ?? []), k]);
	});
	for (const group of groups.values()) {
		const models = group.map((k) => all[k] as (typeof all)[number]);
		const set = new TextModelSet(models);
		const views = models.map((_, k) => set.classifier(k));
		for (const t of texts()) {
			const got = [...set.scores(t)];
			models.forEach((m, k) => {
				assert.equal(got[k], m.score(t), `${m.name}: ${t}`);
				assert.equal(views[k]?.score(t), got[k]);
			});
		}
		assert.equal(set.classifier(0, "renamed").name, "renamed");
		assert.deepEqual(set.classifier(0).explain("you idiot", 2), models[0]?.explain("you idiot", 2));
	}
	const other = loadTextModel(new URL("../../../../models/spam", import.meta.url).pathname);
	(other.meta as { features: object }).features = { ...other.meta.features, charMaxN: 4 };
	assert.throws(() => new TextModelSet([all[0] as typeof other, other]), /other feature settings/);
	assert.throws(() => new TextModelSet([]), /at least one/);
});
