import assert from "node:assert/strict";
import { test } from "node:test";
import { ATTACK_NAMES, ATTACKS, obfuscate, obfuscationReport } from "./obfuscate.ts";

const TEXTS = [
	"@USER you are a stupid idiot and a LIAR!!! URL",
	"what a pathetic loser, go away",
	"shut up you absolute moron",
	"@USER @USER these people are trash",
];

test("the same seed and index give the same text; another seed or index another", () => {
	for (const attack of ATTACK_NAMES) {
		const a = TEXTS.map((t, index) => obfuscate(t, attack, { seed: 7, index }));
		const b = TEXTS.map((t, index) => obfuscate(t, attack, { seed: 7, index }));
		assert.deepEqual(a, b, attack);
		const other = TEXTS.map((t, index) => obfuscate(t, attack, { seed: 8, index }));
		const shifted = TEXTS.map((t, index) => obfuscate(t, attack, { seed: 7, index: index + 1 }));
		assert.notDeepEqual(a, other, attack);
		assert.notDeepEqual(a, shifted, attack);
	}
});

test("each attack changes every text that has a word to attack, in its own way", () => {
	const changes: Record<string, RegExp> = {
		leet: /[0-9@$!|]/,
		spacing: /\p{L} +\p{L} +\p{L}/u,
		punctuation: /\p{L}[.\-_*/~+,]\p{L}[.\-_*/~+,]\p{L}/u,
		homoglyph: /[\u0370-\u04ff\u0500-\u052f\uff01-\uff5e]/u,
		repeat: /(\p{L})\1\1/u,
		emoji: /\p{Extended_Pictographic}/u,
		case: /./,
	};
	for (const attack of ATTACK_NAMES)
		for (let seed = 1; seed <= 20; seed++)
			TEXTS.forEach((t, index) => {
				const o = obfuscate(t, attack, { seed, index });
				assert.notEqual(o, t, `${attack} seed ${seed}: ${t}`);
				if (attack === "case") assert.equal(o.toLowerCase(), t.toLowerCase());
				else if (attack !== "mix") {
					assert.match(o, changes[attack] as RegExp, `${attack}: ${o}`);
					// The attack undone by hand gives the text back (nothing else was touched).
					if (attack === "spacing") assert.equal(o.replace(/\s+/g, ""), t.replace(/\s+/g, ""));
				}
			});
	assert.deepEqual([...ATTACKS, "mix"], ATTACK_NAMES);
});

test("mentions, links and short words are left alone; a text without words is returned as is", () => {
	for (let seed = 1; seed <= 30; seed++) {
		const o = obfuscate("@USER hi idiot http://x.io/abc", "leet", { seed, rate: 1 });
		assert.ok(o.startsWith("@USER hi ") && o.endsWith(" http://x.io/abc") && !o.includes("idiot"), o);
	}
	assert.equal(obfuscate("@USER 123 ok !!", "mix", { seed: 3 }), "@USER 123 ok !!");
});

test("the report gives clean recall, recall per attack and the ratio at the model's threshold", () => {
	// Flags a text when it contains "idiot" exactly: any attack on that word hides it.
	const model = { name: "kw", threshold: 0.5, score: (t: string) => (t.includes("idiot") ? 1 : 0) };
	const positives = ["you idiot", "idiot idiot idiot", "hello there"];
	const r = obfuscationReport(model, positives, { attacks: ["case", "spacing"], seed: 3, rate: 1 });
	assert.equal(r.n, 3);
	assert.equal(r.cleanRecall, 2 / 3);
	assert.deepEqual(Object.keys(r.attacks), ["case", "spacing"]);
	assert.equal(r.attacks.spacing?.recall, 0);
	assert.equal(r.attacks.spacing?.ratio, 0);
	assert.equal(r.attacks.spacing?.changed, 1);
	assert.equal(r.minRatio, 0);
	assert.equal(r.threshold, 0.5);
});
