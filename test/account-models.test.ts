// The account models on the event path: `--account-models bot` loads models/bot at start (refusing
// a missing, damaged or unknown one), signups, profile changes and the 8th, 16th, ... post become
// an `account.bot` signal in the trace; `behaviour` scores an account's 8th, 16th, ... activity as
// `account.behaviour`, reading its ring of recent activity only then; rules read both with score().
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { MemoryStateStore } from "../src/adapters/state/memory/index.ts";
import { openSqliteStorage } from "../src/adapters/storage/sqlite/index.ts";
import { openBulwark } from "../src/app/bulwark.ts";
import { loadConfig, PACKAGE_MODELS_DIR } from "../src/app/config.ts";
import { DEFAULT_POLICY, type Decision } from "../src/core/decisions/index.ts";
import type { Detector } from "../src/core/detectors/index.ts";
import { DEFAULT_FEATURES, FeatureCatalog } from "../src/core/features/index.ts";
import { loadBotModel } from "../src/core/ml/accounts/model.ts";
import { EMPTY_STREAM_ACCOUNT, profileFromStream } from "../src/core/ml/accounts/stream.ts";
import { Processor } from "../src/core/pipeline/index.ts";
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

const open = (over: Partial<Parameters<typeof openBulwark>[0]> = {}) =>
	openBulwark({
		dataDir: tmp("bulwark-am-"),
		retentionMs: 86_400_000,
		snapshotIntervalMs: 3_600_000,
		timers: false,
		rules: null,
		clock: new ManualClock(T0),
		accountModels: ["bot"],
		modelsDir: PACKAGE_MODELS_DIR,
		...over,
	});

let n = 0;
const ev = (type: string, actor: string, data: Record<string, unknown>, ts = T0 + ++n) =>
	JSON.stringify({ id: `am${++n}`, type, ts, actor, data });
const botSignal = (d: Decision) => d.trace?.signals.find((s) => s.name === "account.bot");

describe("account models", () => {
	it("serves none by default; the flag and the environment name them", () => {
		assert.deepEqual(loadConfig({}, {}).accountModels, []);
		assert.deepEqual(loadConfig({ "account-models": "bot" }, {}).accountModels, ["bot"]);
		assert.deepEqual(loadConfig({}, { BULWARK_ACCOUNT_MODELS: "bot" }).accountModels, ["bot"]);
	});

	it("refuses an unknown model, and a damaged one naming the file, before the start", async () => {
		await assert.rejects(open({ accountModels: ["bots"] }), /account model "bots".*unknown \(known: bot, behaviour\)/);
		const models = tmp("bulwark-am-models-");
		cpSync(join(PACKAGE_MODELS_DIR, "bot"), join(models, "bot"), { recursive: true });
		writeFileSync(join(models, "bot", "forest.bin"), Buffer.alloc(64));
		await assert.rejects(open({ modelsDir: models }), (err: Error) =>
			err.message.startsWith('account model "bot" (--account-models): '),
		);
		cpSync(join(PACKAGE_MODELS_DIR, "behaviour"), join(models, "behaviour"), { recursive: true });
		writeFileSync(join(models, "behaviour", "forest.bin"), Buffer.alloc(64));
		await assert.rejects(open({ modelsDir: models, accountModels: ["behaviour"] }), (err: Error) =>
			/^account model "behaviour" \(--account-models\): .*forest\.bin: 64 bytes/.test(err.message),
		);
	});

	it("scores a signup and a profile change, and rescores at the 8th post", async () => {
		const bw = await open();
		try {
			const submit = async (raw: string) => {
				const [out] = await bw.processor.submit([raw], { source: "t" });
				assert.ok(out?.status === "accepted", JSON.stringify(out));
				return out.decision;
			};
			const signup = botSignal(
				await submit(ev("account.created", "u1", { handle: "jane_doe", displayName: "Jane Doe", bio: "runner" })),
			);
			assert.ok(signup, "a signup is scored");
			assert.ok(signup.score >= 0 && signup.score <= 1);
			assert.deepEqual(signup.entity, { kind: "account", id: "u1" });
			assert.equal(typeof signup.evidence?.threshold, "number");
			const update = botSignal(await submit(ev("account.updated", "u1", { changes: { bio: "runner, reader" } })));
			assert.ok(update, "a profile change is scored");
			const scored: number[] = [];
			for (let i = 1; i <= 9; i++) {
				const d = await submit(ev("post.created", "u1", { postId: `amp${i}`, text: `post ${i}` }));
				if (botSignal(d)) scored.push(i);
			}
			assert.deepEqual(scored, [8], "posts are scored again at the 8th (then 16th, 32nd, ...)");
			// An account whose handle was never seen (created elsewhere, before the windows) is not scored.
			assert.equal(botSignal(await submit(ev("account.updated", "ghost", { changes: { bio: "hi" } }))), undefined);
		} finally {
			await bw.close();
		}
	});

	it("serves the platform's forest, calibrated on the platform's humans, not the shared sets'", async () => {
		const bw = await open();
		try {
			const model = loadBotModel(join(PACKAGE_MODELS_DIR, "bot"));
			assert.ok(model.hasStream, "the shipped model has a platform forest");
			const signup = async (id: string, handle: string, bio: string) => {
				const raw = ev("account.created", id, { handle, displayName: "Sam Lee", bio });
				const [out] = await bw.processor.submit([raw], { source: "t" });
				assert.ok(out?.status === "accepted", JSON.stringify(out));
				return botSignal(out.decision);
			};
			const human = await signup("h1", "sam_lee", "runner · cooking · night owl");
			const bot = await signup("b1", "cosmicmaple482913", "💰 DM for promo");
			assert.match(String(human?.evidence?.calibration), /^platform\//);
			// The score is the platform forest's, not the shared sets' (which puts every signup here at 0.99+).
			const p = profileFromStream(
				{
					...EMPTY_STREAM_ACCOUNT,
					createdAt: 0,
					handle: "sam_lee",
					displayName: "Sam Lee",
					bio: "runner · cooking · night owl",
				},
				{ posts: 0, followers: 0, following: 0, likes: 0 },
				0,
			);
			assert.equal(human?.score, Math.round(model.forStream().score(p) * 1000) / 1000);
			assert.ok((model.score(p) as number) > 0.99, `the shared forest scores the signup ${model.score(p)}`);
			assert.ok((human?.score as number) < 0.95, `a person's signup is not flagged (${human?.score})`);
			assert.ok((bot?.score as number) >= 0.99, `a spam bot's signup is (${bot?.score})`);
		} finally {
			await bw.close();
		}
	});

	it("scores behaviour at the 8th and 16th activity only, reading the ring only then, and rules see it", async () => {
		const { threshold } = JSON.parse(readFileSync(join(PACKAGE_MODELS_DIR, "behaviour", "model.json"), "utf8")) as {
			threshold: number;
		};
		const rules = tmp("bulwark-am-rules-");
		writeFileSync(
			join(rules, "bots.rules"),
			`rule automated_behaviour {
	on post.created
	when score("account.behaviour") >= ${threshold}
	reason "automated behaviour"
	then label "automated" for 1d
}
`,
		);
		const bw = await open({ accountModels: ["bot", "behaviour"], rules, rulesExplicit: true });
		try {
			const scored: number[] = [];
			const ringRead: number[] = [];
			let last: Decision | undefined;
			for (let i = 1; i <= 17; i++) {
				// A link-spam bot: one template with a fresh link, every 2 seconds, from one device.
				const raw = JSON.stringify({
					id: `amb${i}`,
					type: "post.created",
					ts: T0 + i * 2_000,
					actor: "spammy",
					data: {
						postId: `ambp${i}`,
						text: `Cheap followers here https://cheap.example/${i}`,
						urls: [`https://cheap.example/${i}`],
					},
					context: { deviceId: "dev1" },
				});
				const [out] = await bw.processor.submit([raw], { source: "t" });
				assert.ok(out?.status === "accepted", JSON.stringify(out));
				const d = out.decision;
				assert.deepEqual(d.trace.errors, []);
				const s = d.trace.signals.find((x) => x.name === "account.behaviour");
				if (s) {
					scored.push(i);
					last = d;
					assert.deepEqual(s.entity, { kind: "account", id: "spammy" });
					assert.equal(s.evidence.activity, i);
				}
				if (d.trace.features.some((f) => f.feature === "bhv_recent")) ringRead.push(i);
				// The bot detector reads only the post count on posts it does not rescore.
				const botReads = d.trace.features.filter((f) => f.feature.startsWith("bot_")).map((f) => f.feature);
				assert.deepEqual(botReads, i === 8 || i === 16 ? botReads : ["bot_posts_365d"], `post ${i}`);
			}
			assert.deepEqual(scored, [8, 16]);
			assert.deepEqual(ringRead, [8, 16], "the ring is read only where the account is scored");
			const s = last?.trace.signals.find((x) => x.name === "account.behaviour");
			assert.ok(s && s.score >= threshold, `a link-spam bot is flagged (score ${s?.score}, threshold ${threshold})`);
			assert.equal(s.evidence.flagged, 1);
			assert.deepEqual(last?.labels, ["automated"], "the rule read the signal");
		} finally {
			await bw.close();
		}
	});

	it("a detector's second read happens only when it asks, and a failing ask is a trace error", async () => {
		const storage = await openSqliteStorage({ path: ":memory:" });
		try {
			const state = new MemoryStateStore();
			const seen: (number | undefined)[] = [];
			// Reads posts_24h first, recent_texts only from the 3rd post on; throws on a post saying "boom".
			const probe: Detector = {
				name: "probe",
				on: ["post.created"],
				needs: (e) => [{ feature: "posts_24h", id: e.actor }],
				more(e, ctx) {
					if (e.type === "post.created" && e.data.text === "boom") throw new Error("asked badly");
					return (ctx.feature("posts_24h", e.actor) as number) >= 3 ? [{ feature: "recent_texts", id: e.actor }] : [];
				},
				detect(e, ctx) {
					const texts = ctx.feature("recent_texts", e.actor);
					seen.push(Array.isArray(texts) ? texts.length : undefined);
					return [];
				},
			};
			const processor = new Processor({
				events: storage,
				windows: state,
				entities: state,
				features: new FeatureCatalog(DEFAULT_FEATURES),
				detectors: [probe],
				policy: DEFAULT_POLICY,
				clock: new ManualClock(T0),
			});
			const posts = ["a", "b", "c", "boom"].map((text, i) =>
				JSON.stringify({
					id: `pr${i}`,
					type: "post.created",
					ts: T0 + i,
					actor: "p1",
					data: { postId: `prp${i}`, text },
				}),
			);
			const outs = await processor.submit(posts, { source: "t" });
			const traces = outs.map((o) => (o.status === "accepted" ? o.decision.trace : undefined));
			assert.deepEqual(seen, [undefined, undefined, 3, undefined]);
			assert.deepEqual(
				traces.map((t) => t?.features.map((f) => f.feature)),
				[["posts_24h"], ["posts_24h"], ["posts_24h", "recent_texts"], ["posts_24h"]],
			);
			assert.deepEqual(traces[3]?.errors, ["detector probe: asked badly"]);
		} finally {
			await storage.close();
		}
	});
});
