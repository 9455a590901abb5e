// The Processor with a rules pack: one window update for detectors and rules, rule effects
// enforced beside the policy's, and a failing pack recorded in the trace, never failing the event.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { MemoryStateStore } from "../src/adapters/state/memory/index.ts";
import { openSqliteStorage, type SqliteStorage } from "../src/adapters/storage/sqlite/index.ts";
import { DEFAULT_POLICY } from "../src/core/decisions/index.ts";
import { velocityDetector } from "../src/core/detectors/index.ts";
import { DEFAULT_FEATURES, FeatureCatalog, type WindowOp, type WindowQuery } from "../src/core/features/index.ts";
import { Processor, RulesHolder } from "../src/core/pipeline/index.ts";
import { defaultEnv, loadRules, type RulePack } from "../src/core/rules/index.ts";
import { ManualClock } from "../src/core/shared/index.ts";

const T0 = 1_800_000_000_000;
const stores: SqliteStorage[] = [];
after(async () => {
	for (const s of stores) await s.close();
});

function compile(text: string): RulePack {
	const r = loadRules([{ path: "t.rules", text }], defaultEnv());
	assert.ok(r.pack, JSON.stringify(r.diagnostics));
	return r.pack;
}

async function setup(pack: RulePack | undefined) {
	const storage = await openSqliteStorage({ path: ":memory:" });
	stores.push(storage);
	const state = new MemoryStateStore();
	const updates: { ops: readonly WindowOp[]; queries: readonly WindowQuery[] }[] = [];
	const windows = {
		update: (ops: readonly WindowOp[], queries: readonly WindowQuery[]) => {
			updates.push({ ops, queries });
			return state.update(ops, queries);
		},
		read: (q: readonly WindowQuery[]) => state.read(q),
	};
	const rules = new RulesHolder(pack ? { pack, version: "v1" } : undefined);
	const features = new FeatureCatalog([...DEFAULT_FEATURES, ...(pack?.features ?? [])]);
	const processor = new Processor({
		events: storage,
		windows,
		entities: state,
		features,
		detectors: [velocityDetector()],
		policy: DEFAULT_POLICY,
		rules,
		clock: new ManualClock(T0),
	});
	return { storage, processor, rules, updates };
}

let n = 0;
const post = (actor: string, ts = T0) =>
	JSON.stringify({ id: `pr${++n}`, type: "post.created", ts, actor, data: { postId: `pp${n}`, text: "hi" } });

const PACK = `
feature posts_10m = count post.created by event.actor over 10m
rule second_post {
	on post.created
	when posts_10m[event.actor] >= 2 and posts_5m[event.actor] >= 2
	reason "posting again"
	then label "chatty" for 1h
}
`;

describe("processor with rules", () => {
	it("asks detectors' and rules' features in one window update, deduplicated, and enforces as rules:<version>", async () => {
		const { processor, storage, updates } = await setup(compile(PACK));
		await processor.submit([post("c1")], { source: "t" });
		const [out] = await processor.submit([post("c1", T0 + 1_000)], { source: "t" });
		assert.ok(out?.status === "accepted");
		const d = out.decision;
		assert.equal(updates.length, 2, "one window update per event");
		const keys = (updates[1]?.queries ?? []).map((q) => q.key);
		assert.equal(new Set(keys).size, keys.length, "no feature asked twice");
		assert.ok(keys.some((k) => k.startsWith("posts_10m|")) && keys.some((k) => k.startsWith("posts_5m|")));
		assert.deepEqual(d.labels, ["chatty"]);
		assert.equal(d.trace.rules?.[0]?.outcome, "fired");
		assert.deepEqual(d.trace.rules?.[0]?.seen, { "posts_10m[event.actor]": 2, "posts_5m[event.actor]": 2 });
		assert.ok(d.trace.fired.includes("second_post"));
		const actions = await storage.listActions({ entity: "account:c1", limit: 10 });
		assert.deepEqual(
			actions.map((a) => a.who),
			["rules:v1"],
		);
	});

	it("runs the pack current when an event starts: a swap applies from the next event", async () => {
		const { processor, rules } = await setup(compile(PACK));
		await processor.submit([post("c2")], { source: "t" });
		rules.swap(undefined);
		const [out] = await processor.submit([post("c2", T0 + 1_000)], { source: "t" });
		assert.ok(out?.status === "accepted");
		assert.equal(out.decision.trace.rules, undefined);
		assert.deepEqual(out.decision.labels, []);
	});

	it("records a pack that throws as a trace error and still decides the event", async () => {
		const broken = {
			features: [],
			useCosts() {},
			prepare() {
				throw new Error("boom in prepare");
			},
		} as unknown as RulePack;
		const { processor } = await setup(broken);
		const [out] = await processor.submit([post("c3")], { source: "t" });
		assert.ok(out?.status === "accepted");
		assert.equal(out.decision.verdict, "allow");
		assert.deepEqual(out.decision.trace.errors, ["rules: boom in prepare"]);

		const late = {
			features: [],
			useCosts() {},
			prepare: () => ({
				needs: { features: [{ feature: "not_in_catalog", id: "c4" }], entities: [] },
				evaluate() {
					throw new Error("boom in evaluate");
				},
			}),
		} as unknown as RulePack;
		const second = await setup(late);
		const [o2] = await second.processor.submit([post("c4")], { source: "t" });
		assert.ok(o2?.status === "accepted");
		assert.deepEqual(o2.decision.trace.errors, [
			'features: unknown feature "not_in_catalog"',
			"rules: boom in evaluate",
		]);
	});
});
