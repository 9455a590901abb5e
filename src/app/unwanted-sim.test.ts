import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { learnedInputs } from "../core/ml/unwanted/inputs.ts";
import { Rng } from "../simulator/prng.ts";
import { interactionText, simulatedInteractions } from "./unwanted-sim.ts";

const dir = mkdtempSync(join(tmpdir(), "bulwark-unwanted-sim-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Stand-ins for the text models: "abusive" by a word the built-in abuse templates use. */
const byWord = (name: string, words: RegExp) => ({
	name,
	threshold: 0.5,
	score: (t: string) => (words.test(t) ? 0.9 : 0.1),
});
const models = {
	abuse: byWord("abuse", /idiot|loser|clown|moron|pathetic|trash|stupid/i),
	hate: byWord("hate", /trash/i),
	targeted: byWord("targeted", /you/i),
};

describe("simulated interactions", () => {
	it("labels each reply and mention of a run from its ground truth, with the detector's inputs", async () => {
		const rows = await simulatedInteractions({
			seed: 5,
			accounts: 600,
			durationMs: 90 * 60_000,
			text: interactionText(join(dir, "none"), 0).gen,
			models,
			shares: { harassment: 0.05 },
		});
		const pos = rows.filter((r) => r.label === 1);
		assert.ok(pos.length > 20 && rows.length - pos.length > 20, `${pos.length} of ${rows.length}`);
		assert.ok(new Set(pos.map((r) => r.tag)).has("harassment"));
		assert.ok(
			pos.every((r) => r.tag === "harassment" || r.tag === "evasion"),
			"spam and the like are left out",
		);
		assert.ok(
			rows.every((r) => r.input.authorAgeDays === undefined),
			"age carries nothing in a simulation",
		);
		assert.ok(rows.every((r) => learnedInputs(r.input).every(Number.isFinite)));
		// Mobs hit their target again and again, and pile on: more earlier contact than ordinary replies.
		const mean = (rs: typeof rows, f: (r: (typeof rows)[number]) => number) =>
			rs.reduce((s, r) => s + f(r), 0) / rs.length;
		const neg = rows.filter((r) => r.label === 0);
		assert.ok(mean(pos, (r) => r.input.authorContactedTarget) > mean(neg, (r) => r.input.authorContactedTarget));
		// The same seed gives the same rows.
		const again = await simulatedInteractions({
			seed: 5,
			accounts: 600,
			durationMs: 90 * 60_000,
			text: interactionText(join(dir, "none"), 0).gen,
			models,
			shares: { harassment: 0.05 },
		});
		assert.deepEqual(again, rows);
	});

	it("draws post text from one half of Davidson 2017 for training and the other for evaluation", () => {
		const d = join(dir, "data", "text", "davidson2017");
		mkdirSync(d, { recursive: true });
		const lines = [",count,hate_speech,offensive_language,neither,class,tweet"];
		for (let i = 0; i < 200; i++)
			lines.push(`${i},3,0,0,3,${i % 3},"tweet number ${i} you ${i % 3 === 2 ? "fine" : "jerk"}"`);
		writeFileSync(join(d, "labeled_data.csv"), `${lines.join("\n")}\n`);
		const a = interactionText(join(dir, "data"), 0);
		const b = interactionText(join(dir, "data"), 1);
		assert.match(a.source, /davidson2017.*half 0/);
		const rng = new Rng(1);
		const draw = (gen: typeof a.gen, f: "abusive" | "reply") => new Set(Array.from({ length: 400 }, () => gen[f](rng)));
		const abusiveA = draw(a.gen, "abusive");
		const abusiveB = draw(b.gen, "abusive");
		assert.ok([...abusiveA].every((t) => t.endsWith('jerk"') || t.endsWith("jerk")));
		assert.equal([...abusiveA].filter((t) => abusiveB.has(t)).length, 0, "the halves share no tweet");
		assert.ok(
			[...draw(a.gen, "reply")].some((t) => t.endsWith("fine")),
			"ordinary replies include neither tweets",
		);
		assert.match(interactionText(join(dir, "none"), 0).source, /built-in templates/);
	});
});
