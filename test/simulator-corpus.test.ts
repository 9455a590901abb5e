import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { BulwarkEvent } from "../src/core/events/index.ts";
import type { Truth } from "../src/simulator/index.ts";
import { BIN, ROOT, tempDir } from "./helpers.ts";

/**
 * A few made-up lines in the layouts of ../shared/data/text (tweeteval `*_text.txt` +
 * `*_labels.txt`, the SMS Spam Collection TSV), each tagged with the pool it must land in:
 * `fx-org-*` organic, `fx-abuse-*` abusive (label 1), `fx-spam-*` spam.
 */
const CORPUS = join(ROOT, "test/fixtures/corpus");

function simulate(dir: string, name: string, extra: string[]) {
	const out = join(dir, `${name}.ndjson`);
	const truth = join(dir, `${name}.json`);
	const r = spawnSync(
		process.execPath,
		[
			BIN,
			"simulate",
			"--seed",
			"3",
			"--accounts",
			"500",
			"--duration",
			"40m",
			"--out",
			out,
			"--truth",
			truth,
			...extra,
		],
		{ encoding: "utf8", timeout: 120_000 },
	);
	const read = () => ({
		raw: readFileSync(out, "utf8"),
		events: readFileSync(out, "utf8")
			.trim()
			.split("\n")
			.map((l) => JSON.parse(l) as BulwarkEvent),
		truth: JSON.parse(readFileSync(truth, "utf8")) as Truth,
	});
	return { code: r.status, err: r.stderr, out, read };
}

const textOf = (e: BulwarkEvent) => (e.type === "post.created" ? (e.data as { text: string }).text : "");

describe("bulwark simulate --corpus: real labelled text in the ../shared/data formats", () => {
	const dir = tempDir();
	after(() => dir.remove());

	it("draws organic, abusive and spam posts from the right pools, aligned by line", () => {
		const r = simulate(dir.path, "corpus", ["--corpus", CORPUS]);
		assert.equal(r.code, 0, r.err);
		const { events, truth } = r.read();
		const posts = events.filter((e) => e.type === "post.created");
		const postId = (e: BulwarkEvent) => (e.data as { postId: string }).postId;
		const bad = (threat: string) => posts.filter((e) => truth.posts[postId(e)]?.threat === threat);

		const abusive = bad("harassment");
		assert.ok(abusive.length >= 5, `${abusive.length} abusive posts`);
		for (const e of abusive) assert.match(textOf(e), /fx-abuse-/, "harassment comes from label-1 lines");
		const spam = bad("spam");
		assert.ok(spam.length >= 5, `${spam.length} spam posts`);
		for (const e of spam) {
			assert.match(textOf(e), /^.* fx-spam-\d https:\/\/\S+$/, "an SMS spam line, then the botnet's link");
			assert.doesNotMatch(textOf(e), /\r/, "CRLF lines are trimmed");
		}

		const organic = posts.filter((e) => !truth.accounts[e.actor]);
		assert.ok(organic.length >= 50, `${organic.length} organic posts`);
		for (const e of organic)
			assert.doesNotMatch(textOf(e), /fx-(abuse|spam)-/, "organic accounts never post abuse or spam");
		const fromCorpus = organic.filter((e) => /fx-org-/.test(textOf(e)));
		assert.ok(fromCorpus.length > organic.length / 2, "most organic posts come from the corpus (replies half)");
		// Every source is read: both tweeteval tasks, the val split and the SMS ham.
		for (const tag of ["fx-org-1", "fx-org-2", "fx-org-v1", "fx-org-h1", "fx-org-s1"])
			assert.ok(
				organic.some((e) => textOf(e).includes(tag)),
				`${tag} appears`,
			);
		for (const tag of ["fx-abuse-v1", "fx-abuse-h1"])
			assert.ok(
				abusive.some((e) => textOf(e).includes(tag)),
				`${tag} appears`,
			);
	});

	it("is deterministic, takes the data folder or its text/ folder, and differs from the built-in text", () => {
		const a = simulate(dir.path, "a", ["--corpus", CORPUS]);
		const b = simulate(dir.path, "b", ["--corpus", join(CORPUS, "text")]);
		assert.equal(a.code, 0, a.err);
		assert.equal(b.code, 0, b.err);
		assert.equal(a.read().raw, b.read().raw, "the same seed and corpus give the same stream");
		const builtin = simulate(dir.path, "builtin", []);
		assert.equal(builtin.code, 0, builtin.err);
		const tagged = builtin.read().events.filter((e) => /fx-(org|abuse|spam)-/.test(textOf(e)));
		assert.equal(tagged.length, 0, "without --corpus no corpus line is used");
		// Text draws from the same random stream, so later choices differ (when an evader returns),
		// but the population made before the first event is the same.
		const initial = (t: Truth) =>
			Object.entries(t.accounts)
				.filter(([, a]) => !a.shares)
				.map(([id, a]) => `${id}:${a.threat}`);
		assert.deepEqual(initial(builtin.read().truth), initial(a.read().truth), "the text changes words, not who is who");
	});

	it("refuses a folder without corpus files before writing anything", () => {
		const empty = join(dir.path, "empty");
		mkdirSync(empty);
		const r = simulate(dir.path, "none", ["--corpus", empty]);
		assert.equal(r.code, 1);
		assert.match(r.err, /no corpus text found under .*empty/);
		assert.equal(existsSync(r.out), false);
	});
});
