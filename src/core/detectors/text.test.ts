import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { BulwarkEvent } from "../events/index.ts";
import { type ExplainableClassifier, textDetectors, textSignalName } from "./text.ts";

const post = (text: string): BulwarkEvent => ({
	id: "e",
	type: "post.created",
	ts: 0,
	actor: "a1",
	data: { postId: "p1", text },
});
const ctx = { feature: () => undefined, entity: () => undefined };

/** Scores the share of words that are "buy"; explains with those words, counting its calls. */
function tiny(name: string, threshold = 0.5): ExplainableClassifier & { explained: number } {
	return {
		name,
		threshold,
		explained: 0,
		score(text) {
			const words = text.split(/\s+/).filter(Boolean);
			return words.length ? words.filter((w) => w === "buy").length / words.length : 0;
		},
		explain(_text, k = 5) {
			this.explained++;
			return [
				{ feature: "w:buy", weight: 1.23456 },
				{ feature: "w:buy now", weight: 0.5 },
				{ feature: "c:uy", weight: -0.1 },
				{ feature: "a", weight: 0.01 },
				{ feature: "b", weight: 0.01 },
				{ feature: "c", weight: 0.01 },
			].slice(0, k + 1); // one too many: the detector keeps k whatever the model returns
		},
	};
}

describe("text detectors", () => {
	it("one per model, on posts and reports, asking for no features", () => {
		const ds = textDetectors([tiny("spam"), tiny("abuse")]);
		assert.deepEqual(
			ds.map((d) => d.name),
			["text.spam", "text.abuse"],
		);
		assert.deepEqual(ds[0]?.on, ["post.created", "report.filed"]);
		assert.deepEqual(ds[0]?.needs(post("x")), []);
		assert.deepEqual(textDetectors([]), []);
		assert.equal(textSignalName("spam"), "text.spam");
	});

	it("emits text.<model> with the score for every post, flagged 0 and no explanation under the threshold", () => {
		const m = tiny("spam");
		const [d] = textDetectors([m]);
		const [s, ...rest] = d?.detect(post("hello there buy"), ctx) ?? [];
		assert.equal(rest.length, 0);
		assert.equal(s?.name, "text.spam");
		assert.equal(s?.detector, "text.spam");
		assert.equal(s?.score, 0.333);
		assert.deepEqual(s?.entity, { kind: "post", id: "p1" });
		assert.deepEqual(s?.evidence, { threshold: 0.5, flagged: 0 });
		assert.equal(m.explained, 0, "no explanation computed under the threshold");
	});

	it("at or above the threshold: flagged 1 and the top k n-grams in the evidence", () => {
		const m = tiny("spam");
		const [d] = textDetectors([m], { explain: 5 });
		const [s] = d?.detect(post("buy buy now please"), ctx) ?? [];
		assert.equal(s?.score, 0.5);
		assert.equal(m.explained, 1);
		assert.deepEqual(s?.evidence, {
			threshold: 0.5,
			flagged: 1,
			top1: "w:buy (+1.235)",
			top2: "w:buy now (+0.5)",
			top3: "c:uy (-0.1)",
			top4: "a (+0.01)",
			top5: "b (+0.01)",
		});
		assert.match(s?.reason ?? "", /spam model: 0\.5 >= threshold 0\.5/);
	});

	it("scores a report's text about its reporter's account, and skips a report without text and other events", () => {
		const [d] = textDetectors([tiny("abuse")]);
		const report = (text?: string): BulwarkEvent => ({
			id: "r",
			type: "report.filed",
			ts: 0,
			actor: "rep",
			data: { subject: { kind: "post", id: "p9" }, reason: "spam", ...(text === undefined ? {} : { text }) },
		});
		const [s] = d?.detect(report("buy buy"), ctx) ?? [];
		assert.equal(s?.score, 1);
		assert.deepEqual(s?.entity, { kind: "account", id: "rep" });
		assert.deepEqual(d?.detect(report(), ctx), []);
		assert.deepEqual(d?.detect(report(""), ctx), []);
		const like = { id: "l", type: "post.liked", ts: 0, actor: "a", data: { post: { id: "p", author: "b" } } };
		assert.deepEqual(d?.detect(like as unknown as BulwarkEvent, ctx), []);
	});

	it("a model that throws or returns no number throws from its own detector only", () => {
		const broken: ExplainableClassifier = {
			name: "broken",
			threshold: 0.5,
			score: () => {
				throw new Error("weights gone");
			},
		};
		const nan: ExplainableClassifier = { name: "nan", threshold: 0.5, score: () => Number.NaN };
		const [b, n, ok] = textDetectors([broken, nan, tiny("spam")]);
		assert.throws(() => b?.detect(post("buy"), ctx), /weights gone/);
		assert.throws(() => n?.detect(post("buy"), ctx), /NaN/);
		assert.equal(ok?.detect(post("buy"), ctx)[0]?.score, 1);
	});

	it("a model without explain, or whose explain throws, still scores", () => {
		const plain: ExplainableClassifier = { name: "plain", threshold: 0.1, score: () => 0.9 };
		const bad: ExplainableClassifier = {
			...plain,
			name: "bad",
			explain: () => {
				throw new Error("no names");
			},
		};
		const [p, b] = textDetectors([plain, bad]);
		assert.deepEqual(p?.detect(post("x"), ctx)[0]?.evidence, { threshold: 0.1, flagged: 1 });
		assert.deepEqual(b?.detect(post("x"), ctx)[0]?.evidence, { threshold: 0.1, flagged: 1, explainError: "no names" });
	});
});
