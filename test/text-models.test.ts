// The text models on the event path: the setting loads them at start (refusing a missing or
// damaged one), each post's text becomes a `text.<model>` signal in the trace, rules read it
// with score(), and a model that throws is a trace error on a still-decided event.
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { MemoryStateStore } from "../src/adapters/state/memory/index.ts";
import { openSqliteStorage } from "../src/adapters/storage/sqlite/index.ts";
import { openBulwark } from "../src/app/bulwark.ts";
import { loadConfig, PACKAGE_MODELS_DIR } from "../src/app/config.ts";
import { DEFAULT_POLICY } from "../src/core/decisions/index.ts";
import { type ExplainableClassifier, textDetectors, velocityDetector } from "../src/core/detectors/index.ts";
import { DEFAULT_FEATURES, FeatureCatalog } from "../src/core/features/index.ts";
import { Processor, RulesHolder } from "../src/core/pipeline/index.ts";
import { ManualClock } from "../src/core/shared/index.ts";

const T0 = 1_800_000_000_000;
const dirs: string[] = [];
const tmp = (prefix: string) => {
	const d = mkdtempSync(join(tmpdir(), prefix));
	dirs.push(d);
	return d;
};
after(() => {
	for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const SPAM = "WINNER!! You have won a free prize. Call 09061701461 now to claim your cash reward, txt STOP to end";
const NORMAL = "Are we still meeting for lunch tomorrow at noon?";
let n = 0;
const post = (actor: string, text: string) =>
	JSON.stringify({ id: `tm${++n}`, type: "post.created", ts: T0 + n, actor, data: { postId: `tp${n}`, text } });

/** The embedded system as `bulwark serve` would open it with `cfg`'s rules and models, on a manual clock. */
const openConfigured = (cfg: ReturnType<typeof loadConfig>) =>
	openBulwark({
		dataDir: tmp("bulwark-tm-"),
		retentionMs: 86_400_000,
		snapshotIntervalMs: 3_600_000,
		clock: new ManualClock(T0),
		timers: false,
		rules: cfg.rulesDir,
		rulesExplicit: cfg.rulesExplicit,
		textModels: cfg.textModels,
		modelsDir: cfg.modelsDir,
	});

describe("text models: configuration", () => {
	it("serves none by default, from the package's models/ folder", () => {
		const c = loadConfig({}, {});
		assert.deepEqual(c.textModels, []);
		assert.equal(c.modelsDir, PACKAGE_MODELS_DIR);
		assert.ok(PACKAGE_MODELS_DIR.endsWith("/models"));
	});
	it("takes a list from the flag over the environment, deduplicated; the folder from either", () => {
		const c = loadConfig(
			{ "text-models": "spam, abuse,spam" },
			{ BULWARK_TEXT_MODELS: "hate", BULWARK_MODELS: "/srv/m" },
		);
		assert.deepEqual(c.textModels, ["spam", "abuse"]);
		assert.equal(c.modelsDir, "/srv/m");
		assert.deepEqual(loadConfig({}, { BULWARK_TEXT_MODELS: "hate" }).textModels, ["hate"]);
		assert.equal(loadConfig({ "models-dir": "/x/y" }, {}).modelsDir, "/x/y");
	});
	it("refuses a name that is not a folder name", () => {
		assert.throws(() => loadConfig({ "text-models": "spam,../etc" }, {}), /--text-models.*"\.\.\/etc"/s);
	});
});

describe("text models: start-up", () => {
	it("refuses a model that is missing, naming the file", async () => {
		await assert.rejects(
			openBulwark({
				dataDir: tmp("bulwark-tm-"),
				retentionMs: 86_400_000,
				snapshotIntervalMs: 3_600_000,
				timers: false,
				rules: null,
				textModels: ["nope"],
				modelsDir: PACKAGE_MODELS_DIR,
			}),
			(err: Error) =>
				err.message.includes('"nope"') && err.message.includes(join(PACKAGE_MODELS_DIR, "nope", "model.json")),
		);
	});
	it("refuses a model that is damaged, naming the file", async () => {
		const models = tmp("bulwark-models-");
		mkdirSync(join(models, "spam"));
		copyFileSync(join(PACKAGE_MODELS_DIR, "spam", "model.json"), join(models, "spam", "model.json"));
		writeFileSync(join(models, "spam", "weights.bin"), Buffer.alloc(16));
		await assert.rejects(
			openBulwark({
				dataDir: tmp("bulwark-tm-"),
				retentionMs: 86_400_000,
				snapshotIntervalMs: 3_600_000,
				timers: false,
				rules: null,
				textModels: ["spam"],
				modelsDir: models,
			}),
			/weights\.bin/,
		);
	});
});

describe("text models: the embedded system", () => {
	it("scores posts as text.spam, explains the flagged one, and a rule on score() labels it", async () => {
		const threshold = (
			JSON.parse(readFileSync(join(PACKAGE_MODELS_DIR, "spam", "model.json"), "utf8")) as { threshold: number }
		).threshold;
		const rules = tmp("bulwark-tm-rules-");
		writeFileSync(
			join(rules, "text.rules"),
			`rule spam_text {
	on post.created
	when score("text.spam") >= ${threshold}
	reason "spam text"
	then label "spam_text" for 1d
}
`,
		);
		const cfg = loadConfig({ "text-models": "spam", rules }, {});
		const bulwark = await openConfigured(cfg);
		try {
			const [spam, normal] = await bulwark.processor.submit([post("s1", SPAM), post("n1", NORMAL)], { source: "t" });
			assert.ok(spam?.status === "accepted" && normal?.status === "accepted");
			const sig = (d: typeof spam.decision) => d.trace.signals.find((s) => s.name === "text.spam");
			const s = sig(spam.decision);
			const o = sig(normal.decision);
			assert.ok(s && o, "both posts scored");
			assert.ok(s.score > o.score, `spam ${s.score} > normal ${o.score}`);
			assert.ok(s.score >= threshold && o.score < threshold);
			assert.equal(s.evidence.flagged, 1);
			assert.equal(typeof s.evidence.top1, "string");
			assert.ok("top5" in s.evidence && !("top6" in s.evidence));
			assert.equal(o.evidence.flagged, 0);
			assert.ok(!("top1" in o.evidence), "no explanation under the threshold");
			assert.deepEqual(spam.decision.labels, ["spam_text"]);
			assert.deepEqual(normal.decision.labels, []);
			assert.deepEqual(spam.decision.trace.errors, []);
		} finally {
			await bulwark.close();
		}
	});
});

describe("text models: the default pack", () => {
	it("sends a post the spam model is sure of to spam review, severity its score (rules/models.rules)", async () => {
		const cfg = loadConfig({ "text-models": "spam" }, {});
		const bulwark = await openConfigured(cfg);
		try {
			const spamPost = post("s2", SPAM);
			const spamPostId = (JSON.parse(spamPost) as { data: { postId: string } }).data.postId;
			const [spam, normal] = await bulwark.processor.submit([spamPost, post("n2", NORMAL)], { source: "t" });
			assert.ok(spam?.status === "accepted" && normal?.status === "accepted");
			const score = spam.decision.trace.signals.find((s) => s.name === "text.spam")?.score ?? 0;
			assert.ok(score >= 0.9, `the spam model is sure: ${score}`);
			const reviews = (d: typeof spam.decision) =>
				d.effects.flatMap((e) => (e.kind === "review.open" ? [[e.entity, e.queue, e.severity]] : []));
			assert.deepEqual(reviews(spam.decision), [[{ kind: "post", id: spamPostId }, "spam", score]]);
			assert.deepEqual(reviews(normal.decision), []);
		} finally {
			await bulwark.close();
		}
	});
});

describe("text models: a model that throws", () => {
	it("is a trace error; the event is decided with the other models' signals", async () => {
		const storage = await openSqliteStorage({ path: ":memory:" });
		try {
			const state = new MemoryStateStore();
			const broken: ExplainableClassifier = {
				name: "broken",
				threshold: 0.5,
				score: () => {
					throw new Error("weights gone");
				},
			};
			const fine: ExplainableClassifier = { name: "fine", threshold: 0.5, score: () => 0.25 };
			const processor = new Processor({
				events: storage,
				windows: state,
				entities: state,
				features: new FeatureCatalog(DEFAULT_FEATURES),
				detectors: [velocityDetector(), ...textDetectors([broken, fine])],
				policy: DEFAULT_POLICY,
				rules: new RulesHolder(undefined),
				clock: new ManualClock(T0),
			});
			const [out] = await processor.submit([post("b1", "hello")], { source: "t" });
			assert.ok(out?.status === "accepted");
			assert.equal(out.decision.verdict, "allow");
			assert.deepEqual(out.decision.trace.errors, ["detector text.broken: weights gone"]);
			assert.deepEqual(
				out.decision.trace.signals.map((s) => [s.name, s.score]),
				[["text.fine", 0.25]],
			);
		} finally {
			await storage.close();
		}
	});
});
