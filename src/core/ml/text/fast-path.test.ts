import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_FEATURES, Featurizer } from "./features.ts";
import { loadTextModel } from "./model.ts";
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

test("shipped models score the same on the fast path as on the reference path", () => {
	for (const name of ["abuse", "spam"]) {
		const m = loadTextModel(new URL(`../../../../models/${name}`, import.meta.url).pathname);
		for (const t of texts()) assert.ok(Math.abs(m.score(t) - m.scoreReference(t)) < 1e-9, `${name}: ${t}`);
	}
});
