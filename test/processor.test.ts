import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { MemoryStateStore } from "../src/adapters/state/memory/index.ts";
import { openSqliteStorage, type SqliteStorage } from "../src/adapters/storage/sqlite/index.ts";
import { DEFAULT_POLICY } from "../src/core/decisions/index.ts";
import { type Detector, velocityDetector } from "../src/core/detectors/index.ts";
import { DEFAULT_FEATURES, FeatureCatalog } from "../src/core/features/index.ts";
import { Processor, type ProcessorDeps } from "../src/core/pipeline/index.ts";
import { ManualClock } from "../src/core/shared/index.ts";

const T0 = 1_800_000_000_000;
const stores: SqliteStorage[] = [];
after(async () => {
	for (const s of stores) await s.close();
});

async function setup(over: Partial<ProcessorDeps> = {}) {
	const storage = await openSqliteStorage({ path: ":memory:" });
	stores.push(storage);
	const state = new MemoryStateStore();
	const features = new FeatureCatalog(DEFAULT_FEATURES);
	const processor = new Processor({
		events: storage,
		windows: state,
		entities: state,
		features,
		detectors: [velocityDetector()],
		policy: DEFAULT_POLICY,
		clock: new ManualClock(T0),
		...over,
	});
	return { storage, state, features, processor };
}

let n = 0;
const post = (actor: string, ts = T0, id = `ev${++n}`) =>
	JSON.stringify({ id, type: "post.created", ts, actor, data: { postId: `p${n}`, text: "hi" } });

describe("processor", () => {
	it("lets the event loop in during a long batch, and says it is mid-batch meanwhile", async () => {
		const { processor } = await setup();
		const seen: boolean[] = [];
		const lines = Array.from({ length: 300 }, (_, i) => post(`m${i % 30}`, T0 + i));
		assert.equal(processor.midBatch, false);
		const done = processor.submit(lines, { source: "t" });
		// Runs at the batch's first turn of the event loop (after 127 events are counted, none stored).
		setImmediate(() => seen.push(processor.midBatch));
		const out = await done;
		assert.equal(out.filter((o) => o.status === "accepted").length, 300);
		assert.deepEqual(seen, [true], "a snapshot timer firing then must wait");
		assert.equal(processor.midBatch, false);
	});

	it("answers each line in order: accepted, rejected with a dead letter, duplicate", async () => {
		const { processor, storage } = await setup();
		const a = post("a1", T0, "same");
		const out = await processor.submit([a, "{not json", a, JSON.stringify({ id: "x", type: "nope" })], { source: "t" });
		assert.deepEqual(
			out.map((o) => o.status),
			["accepted", "rejected", "duplicate", "rejected"],
		);
		const [first, broken, dupe, unknown] = out;
		assert.ok(first?.status === "accepted" && dupe?.status === "duplicate");
		assert.equal(dupe.decision.traceId, first.decision.traceId, "a repeat in the same batch gets the first decision");
		assert.ok(broken?.status === "rejected" && broken.reason === "parse" && broken.deadLetterId);
		assert.ok(unknown?.status === "rejected" && unknown.reason === "unknown_type");
		assert.equal((await storage.listDeadLetters({ limit: 10 })).length, 2);
		assert.equal((await storage.recentEvents({ kind: "account", id: "a1" }, 10)).length, 1, "stored once");
	});

	it("processes an id sent twice at the same time once", async () => {
		const { processor, storage } = await setup();
		const e = post("a2");
		const [x, y] = await Promise.all([processor.submit([e], { source: "t" }), processor.submit([e], { source: "t" })]);
		const statuses = [x?.[0]?.status, y?.[0]?.status].sort();
		assert.deepEqual(statuses, ["accepted", "duplicate"]);
		assert.equal((await storage.recentEvents({ kind: "account", id: "a2" }, 10)).length, 1);
	});

	it("counts the event itself in the windows its detectors read", async () => {
		const { processor } = await setup();
		const [out] = await processor.submit([post("a3")], { source: "t" });
		assert.ok(out?.status === "accepted");
		assert.deepEqual(
			out.decision.trace.features.find((f) => f.feature === "posts_5m" && f.id === "a3"),
			{ feature: "posts_5m", id: "a3", value: 1 },
		);
	});

	it("keeps a failing detector's error in the trace and still decides and stores the event", async () => {
		const broken: Detector = {
			name: "broken",
			on: ["post.created"],
			needs: () => [],
			detect: () => {
				throw new Error("model file missing");
			},
		};
		const { processor, storage } = await setup({ detectors: [broken, velocityDetector()] });
		const [out] = await processor.submit([post("a4")], { source: "t" });
		assert.ok(out?.status === "accepted");
		assert.deepEqual(out.decision.trace.errors, ["detector broken: model file missing"]);
		assert.equal(out.decision.verdict, "allow");
		assert.ok(await storage.getDecision(out.decision.eventId));
	});

	it("keeps a failing window store's error in the trace", async () => {
		const state = new MemoryStateStore();
		state.update = async () => {
			throw new Error("redis timeout");
		};
		const { processor } = await setup({ windows: state });
		const [out] = await processor.submit([post("a5")], { source: "t" });
		assert.ok(out?.status === "accepted");
		assert.deepEqual(out.decision.trace.errors, ["features: redis timeout"]);
	});

	it("escalates a burst: nudge, then challenge with a label, a reach limit and one review case", async () => {
		const { processor, storage } = await setup();
		const verdicts: string[] = [];
		for (let i = 0; i < 45; i++) {
			const [o] = await processor.submit([post("burst", T0 + i * 1_000)], { source: "t" });
			verdicts.push(o?.status === "accepted" ? o.decision.verdict : "?");
		}
		assert.equal(verdicts[18], "allow");
		assert.equal(verdicts[19], "nudge", "the 20th post in 5 minutes reaches the floor");
		assert.equal(verdicts[44], "challenge");
		const labels = (await storage.listLabels("account:burst", { includeEnded: false })).map((l) => l.label).sort();
		assert.deepEqual(labels, ["limit:recommendations", "limit:search", "velocity"]);
		assert.equal((await storage.listReviewCases({ queue: "spam", limit: 10 })).length, 1);
	});

	it("applies human actions with an audit trail, and a suspended account's next event is denied", async () => {
		const { processor, storage } = await setup();
		const actions = await processor.act(
			[
				{
					kind: "suspend",
					entity: { kind: "account", id: "evader" },
					ttlMs: null,
					reason: "ban evasion",
					source: "human",
				},
			],
			"apikey:ops",
		);
		assert.equal(actions.length, 1);
		assert.equal(actions[0]?.who, "apikey:ops");
		const [out] = await processor.submit([post("evader")], { source: "t" });
		assert.ok(out?.status === "accepted");
		assert.equal(out.decision.verdict, "deny");
		assert.equal((await storage.listActions({ entity: "account:evader", limit: 10 })).length, 1);
	});

	it("rebuilds windows from events without deciding again", async () => {
		const { processor, state, features } = await setup();
		const events = Array.from({ length: 7 }, (_, i) => ({
			id: `r${i}`,
			type: "post.created" as const,
			ts: T0 + i,
			actor: "re",
			data: { postId: `rp${i}`, text: "x" },
		}));
		await processor.rebuildWindows(events);
		assert.deepEqual(await state.read([features.query("posts_5m", "re", T0 + 10)]), [7]);
	});
});
