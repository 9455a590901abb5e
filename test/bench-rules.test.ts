import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EQUIV_RULES } from "../bench/lib/rules-equiv.ts";
import type { Recorded } from "../bench/lib/rules-stream.ts";
import { loadBenchPack } from "../bench/lib/rules-stream.ts";
import rulesBench, { compare, DisagreementError } from "../bench/rules.ts";

describe("bench rules: Bulwark, zen-engine and json-rules-engine on the same events", () => {
	it("mirrors every rule of the benchmark pack for the other engines", () => {
		const { pack } = loadBenchPack();
		assert.ok(pack.rules.length >= 50, `${pack.rules.length} rules`);
		assert.deepEqual(EQUIV_RULES.map((r) => r.name).sort(), pack.rules.map((r) => r.name).sort());
	});

	it("runs in a tiny mode: the engines agree and the JSON has its subjects and metrics", async () => {
		const r = await rulesBench.run({
			events: "400",
			accounts: "400",
			"warm-minutes": "20",
			runs: "1",
			"deploy-rules": "40",
		});
		assert.equal(r.name, "rules");
		assert.equal(r.baseline, "bulwark");
		const value = (subject: string, metric: string) => {
			const x = r.results.find((y) => y.subject === subject && y.metric === metric);
			assert.ok(x, `no ${subject} ${metric}`);
			return x.value;
		};
		for (const s of ["bulwark", "zen-engine", "json-rules-engine"]) assert.ok(value(s, "eventsPerSec") > 0, s);
		assert.ok(value("zen-engine", "eventsPerSecOneInFlight") > 0);
		assert.equal(value("bulwark", "events"), 400);
		assert.ok(value("bulwark", "ruleHits") > 0, "some rules held, so the agreement check compared something");
		assert.ok(value("deploy-1000-rules", "compileMs") > 0);
		assert.ok(value("deploy-1000-rules", "pauseMs") >= 0);
		const targets = rulesBench.targets(r.results);
		assert.equal(targets.length, 3);
		assert.ok(JSON.parse(JSON.stringify(r)).results.length === r.results.length);
	});

	it("names the first disagreeing event and rule", () => {
		const rec = {
			event: { id: "e1", type: "post.created", ts: 0, actor: "u1", data: { postId: "p1", text: "hi" } },
			expected: ["spam_post", "known_spam_domain"],
		} as unknown as Recorded;
		assert.doesNotThrow(() => compare("zen-engine", 7, rec, ["known_spam_domain", "spam_post"]));
		assert.throws(
			() => compare("zen-engine", 7, rec, ["spam_post"]),
			(err: Error) =>
				err instanceof DisagreementError &&
				/recorded event 7 \(e1, post\.created\): rule known_spam_domain held for the pack but not for zen-engine/.test(
					err.message,
				),
		);
		assert.throws(
			() => compare("json-rules-engine", 7, rec, ["spam_post", "known_spam_domain", "pile_on"]),
			/rule pile_on held for json-rules-engine/,
		);
	});
});
