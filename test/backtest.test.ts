// `bulwark backtest`: the replay decides exactly as the server does on the same events, the
// numbers on a hand-made case are the ones worked out by hand, and the command's output and
// exit codes.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { runBacktest } from "../src/app/backtest.ts";
import { openBulwark } from "../src/app/bulwark.ts";
import { loadRulesDir, PACKAGE_RULES_DIR } from "../src/app/rules.ts";
import { main } from "../src/cli/main.ts";
import { type BacktestReport, backtestReport, f1Of, parseTruth } from "../src/core/backtest/index.ts";
import type { Decision } from "../src/core/decisions/index.ts";
import { inRollout } from "../src/core/rules/rollout.ts";
import { entityKey } from "../src/core/shared/index.ts";
import { Simulation } from "../src/simulator/index.ts";
import { BIN, tempDir } from "./helpers.ts";

const T0 = Date.UTC(2027, 0, 15);
const dir = tempDir("bulwark-backtest-");
after(() => dir.remove());

/** Runs the CLI in this process (no start-up cost), with what it writes to stdout and stderr. */
async function inProcess(args: string[]): Promise<{ code: number; out: string; err: string }> {
	const write = { out: process.stdout.write, err: process.stderr.write };
	let out = "";
	let err = "";
	// Only strings: the test runner's own reports, written meanwhile, are buffers and go through.
	process.stdout.write = ((s: unknown, ...rest: unknown[]) => {
		if (typeof s !== "string") return (write.out as (...a: unknown[]) => boolean).call(process.stdout, s, ...rest);
		out += s;
		return true;
	}) as typeof process.stdout.write;
	process.stderr.write = ((s: unknown, ...rest: unknown[]) => {
		if (typeof s !== "string") return (write.err as (...a: unknown[]) => boolean).call(process.stderr, s, ...rest);
		err += s;
		return true;
	}) as typeof process.stderr.write;
	try {
		return { code: await main(args), out, err };
	} finally {
		process.stdout.write = write.out;
		process.stderr.write = write.err;
	}
}

function cli(args: string[]) {
	const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", timeout: 120_000 });
	return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("backtest replays as the server decides", () => {
	it("gives per rule the hits, shadow hits, held back, errors, entities and audit rows of the real event path", async () => {
		const file = join(dir.path, "sim.ndjson");
		const lines = [...new Simulation({ seed: 3, accounts: 1_000, durationMs: 3_600_000 }).events()].map((e) =>
			JSON.stringify(e),
		);
		writeFileSync(file, `${lines.join("\n")}\n`);

		// The default pack plus one rule on a rollout, so that the held-back outcome is exercised too.
		const rulesDir = join(dir.path, "pack");
		cpSync(PACKAGE_RULES_DIR, rulesDir, { recursive: true });
		writeFileSync(
			join(rulesDir, "zz-rollout.rules"),
			'rule liked_on_rollout {\n\ton post.liked\n\trollout 50%\n\tthen label event.data.postId "liked" for 1h\n}\n',
		);
		const { stats, tally } = await runBacktest({ rules: loadRulesDir(rulesDir), file });
		assert.equal(stats.events, lines.length);
		assert.equal(stats.invalid + stats.duplicates, 0);
		assert.equal(stats.sorted, false);

		// The same lines into the embedded server (SQLite in a temporary folder, the default pack).
		const bw = await openBulwark({
			dataDir: join(dir.path, "server"),
			rules: rulesDir,
			retentionMs: 30 * 86_400_000,
			snapshotIntervalMs: 3_600_000,
			timers: false,
		});
		type Count = { hits: number; shadowHits: number; heldBack: number; errors: number; targets: Set<string> };
		const server = new Map<string, Count>();
		let actions = 0;
		try {
			for (let i = 0; i < lines.length; i += 1_000) {
				for (const out of await bw.processor.submit(lines.slice(i, i + 1_000), { source: "t" })) {
					assert.equal(out.status, "accepted");
					for (const h of (out as { decision: Decision }).decision.trace.rules ?? []) {
						const c = server.get(h.rule) ?? { hits: 0, shadowHits: 0, heldBack: 0, errors: 0, targets: new Set() };
						server.set(h.rule, c);
						if (h.outcome === "fired") c.hits++;
						else if (h.outcome === "shadow") c.shadowHits++;
						else if (h.outcome === "held_back") c.heldBack++;
						else if (h.outcome === "errored") c.errors++;
						if (h.outcome !== "errored") for (const x of h.effects) c.targets.add(entityKey(x.entity));
					}
				}
			}
			actions = (await bw.storage.counts()).actions;
		} finally {
			await bw.close();
		}

		const replayed = tally.rules();
		for (const r of replayed) {
			const s = server.get(r.rule);
			assert.deepEqual(
				{
					rule: r.rule,
					hits: r.hits,
					shadowHits: r.shadowHits,
					heldBack: r.heldBack,
					errors: r.errors,
					entities: r.entities,
				},
				{
					rule: r.rule,
					hits: s?.hits ?? 0,
					shadowHits: s?.shadowHits ?? 0,
					heldBack: s?.heldBack ?? 0,
					errors: s?.errors ?? 0,
					entities: s?.targets.size ?? 0,
				},
			);
		}
		assert.equal(tally.pack().actions, actions, "the audit rows the server wrote");
		assert.equal(
			replayed.reduce((n, r) => n + r.actions, 0),
			actions,
			"every audit row is attributed to its rule",
		);
		// The comparison means something only when the run exercised each outcome.
		assert.ok(replayed.filter((r) => r.hits > 0).length >= 5, "several rules fired");
		assert.ok(replayed.some((r) => r.shadowHits > 0) && replayed.some((r) => r.heldBack > 0));

		// With the simulator's truth, every rule with matches gets a precision.
		const sim = new Simulation({ seed: 3, accounts: 1_000, durationMs: 3_600_000 });
		for (const _ of sim.events());
		const truth = parseTruth(JSON.stringify(sim.truth()));
		const report = backtestReport(stats, tally, { dir: "rules", version: "v" }, truth);
		for (const r of report.rules) if (r.entities > 0) assert.notEqual(r.precision, null, r.rule);
		assert.deepEqual(Object.keys(report.pack.score?.threats ?? {}), [
			"amplification",
			"evasion",
			"harassment",
			"misinfo",
			"spam",
		]);
	});
});

// A hand-made case: a pack, events and labels written here, with the answer worked out by hand.
const PACK = `
rule link_post {
	on post.created
	when len(event.data.urls) > 0
	reason "a link"
	then label "linker" for 1h
}

## Reads the label link_post adds: fires from a linker's second link post on.
rule repeat_linker {
	on post.created
	when len(event.data.urls) > 0 and has_label(event.actor, "linker")
	then review in "spam" severity 0.5
}

rule shouting {
	on post.created
	when caps_ratio(event.data.text) > 0.8
	shadow
	then label event.data.postId "shouting" for 1h
}

rule half_of_followers {
	on account.followed
	rollout 50%
	then label "follower" for 1h
}

rule broken {
	on post.created
	when len(event.data.text) / 0 > 1
	then label "never"
}
`;

const FOLLOWERS = ["f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8"];
const post = (n: number, actor: string, text: string, urls?: string[]) =>
	JSON.stringify({
		id: `e${n}`,
		type: "post.created",
		ts: T0 + n * 1_000,
		actor,
		data: { postId: `p${n}`, text, ...(urls ? { urls } : {}) },
	});
const EVENTS = [
	post(1, "u1", "see https://x.test/1", ["https://x.test/1"]), // link_post (u1)
	post(2, "u1", "again https://x.test/2", ["https://x.test/2"]), // link_post (u1), repeat_linker (u1)
	"",
	post(3, "u2", "mine https://x.test/3", ["https://x.test/3"]), // link_post (u2)
	"{not json", // line 5: invalid
	post(4, "u3", "HELLO EVERYONE"), // shouting (p4, by u3)
	JSON.stringify({ id: "e5", type: "post.created", ts: T0 + 5_000, data: { postId: "p5", text: "x" } }), // line 7: no actor
	post(6, "u1", "BUY NOW"), // shouting (p6, by u1)
	post(1, "u1", "see https://x.test/1", ["https://x.test/1"]), // line 9: a duplicate of e1
	...FOLLOWERS.map((f, i) =>
		JSON.stringify({
			id: `f${i}`,
			type: "account.followed",
			ts: T0 + (10 + i) * 1_000,
			actor: f,
			data: { targetId: "u9" },
		}),
	),
];
// Bad: u1, u3 (threat spam, abuse) and u4 (never seen); post p4. u2 is listed good; the followers are not listed.
const TRUTH = [
	{ kind: "account", id: "u1", label: 1, threat: "spam" },
	{ kind: "account", id: "u3", label: 1, threat: "abuse" },
	{ kind: "account", id: "u4", label: 1, threat: "spam" },
	{ kind: "account", id: "u2", label: 0 },
	{ kind: "post", id: "p4", label: 1 },
]
	.map((x) => JSON.stringify(x))
	.join("\n");

describe("backtest on a hand-made case", () => {
	const rulesDir = join(dir.path, "rules");
	mkdirSync(rulesDir);
	writeFileSync(join(rulesDir, "t.rules"), PACK);
	const events = join(dir.path, "events.ndjson");
	writeFileSync(events, `${EVENTS.join("\n")}\n`);
	const truthFile = join(dir.path, "truth.ndjson");
	writeFileSync(truthFile, TRUTH);
	const inRoll = FOLLOWERS.filter((f) => inRollout("half_of_followers", f, 50));

	const run = async (file: string, from?: number): Promise<BacktestReport> => {
		const rules = loadRulesDir(rulesDir);
		const { stats, tally } = await runBacktest({ rules, file, ...(from ? { from } : {}) });
		return backtestReport(stats, tally, { dir: rulesDir, version: rules.version }, parseTruth(TRUTH));
	};
	const rule = (r: BacktestReport, name: string) => r.rules.find((x) => x.rule === name);

	it("counts hits, shadow hits, held back and errors; lists invalid lines; state carries across rules", async () => {
		const r = await run(events);
		assert.equal(r.events, 5 + FOLLOWERS.length);
		assert.equal(r.duplicates, 1);
		assert.equal(r.invalid, 2);
		assert.deepEqual(
			r.invalidLines.map((l) => [l.line, l.reason]),
			[
				[5, "parse"],
				[7, "schema"],
			],
		);
		assert.match(r.invalidLines[1]?.problems.join() ?? "", /actor/);
		assert.deepEqual(
			[rule(r, "link_post")?.hits, rule(r, "link_post")?.entities, rule(r, "link_post")?.actions],
			[3, 2, 2],
			"three link posts by two accounts; the second label on u1 changes nothing",
		);
		assert.equal(rule(r, "repeat_linker")?.hits, 1, "it reads the label link_post added on the event before");
		assert.deepEqual(
			[rule(r, "shouting")?.shadowHits, rule(r, "shouting")?.hits, rule(r, "shouting")?.actions],
			[2, 0, 0],
		);
		assert.deepEqual(rule(r, "shouting")?.effects, { "label.add:shouting@post": 2 });
		const half = rule(r, "half_of_followers");
		assert.ok(inRoll.length > 0 && inRoll.length < FOLLOWERS.length, "the rollout splits the followers");
		assert.deepEqual(
			[half?.hits, half?.heldBack, half?.entities, half?.actions],
			[inRoll.length, FOLLOWERS.length - inRoll.length, 8, inRoll.length],
			"a rule with no reason is credited its audit rows too",
		);
		assert.equal(
			r.rules.reduce((n, x) => n + x.actions, 0),
			r.pack.actions,
		);
		assert.equal(rule(r, "broken")?.errors, 5, "errored on every post");
		assert.match(rule(r, "broken")?.firstError ?? "", /zero/);
		assert.equal(rule(r, "link_post")?.firstHitTs, T0 + 1_000);
		assert.equal(rule(r, "link_post")?.lastHitTs, T0 + 3_000);
		assert.deepEqual(
			r.rules.map((x) => x.rule),
			["half_of_followers", "link_post", "shouting", "repeat_linker", "broken"],
			"sorted by matches, then errors",
		);
	});

	it("computes precision, recall and F1 per rule and for the pack as worked out by hand", async () => {
		const r = await run(events);
		// link_post hit u1 (bad) and u2 (good); bad accounts are u1, u3, u4.
		assert.deepEqual(
			[rule(r, "link_post")?.precision, rule(r, "link_post")?.recall, rule(r, "link_post")?.f1],
			[0.5, 1 / 3, f1Of(0.5, 1 / 3)],
		);
		assert.deepEqual([rule(r, "repeat_linker")?.precision, rule(r, "repeat_linker")?.recall], [1, 1 / 3]);
		// shouting, in shadow, aimed at posts p4 (bad, by u3) and p6 (by u1): the authors count.
		const s = rule(r, "shouting");
		assert.deepEqual([s?.precision, s?.recall], [1, 2 / 3]);
		assert.deepEqual([s?.score?.posts?.precision, s?.score?.posts?.recall], [0.5, 1]);
		assert.deepEqual(s?.score?.threats, {
			abuse: { bad: 1, hit: 1, recall: 1 },
			spam: { bad: 2, hit: 1, recall: 0.5 },
		});
		// The followers are unlisted, so good.
		assert.deepEqual([rule(r, "half_of_followers")?.precision, rule(r, "half_of_followers")?.recall], [0, 0]);
		assert.equal(rule(r, "broken")?.precision, null);
		// The pack: only what fired, i.e. u1, u2 and the followers in the rollout; shouting was in shadow.
		assert.equal(r.pack.hits, 3 + inRoll.length);
		assert.equal(r.pack.shadowHits, 2);
		assert.equal(r.pack.entities, 2 + inRoll.length);
		assert.deepEqual([r.pack.precision, r.pack.recall], [1 / (2 + inRoll.length), 1 / 3]);
		assert.deepEqual([r.pack.score?.posts?.precision, r.pack.score?.posts?.recall], [null, 0]);
	});

	it("fills windows and state from events before --from without counting them", async () => {
		const r = await run(events, T0 + 2_000);
		assert.equal(r.warmup, 1);
		assert.equal(rule(r, "link_post")?.hits, 2);
		assert.equal(rule(r, "repeat_linker")?.hits, 1, "the label from the warm-up event is in force");
		assert.equal(rule(r, "link_post")?.actions, 1, "only u2's label is a new audit row");
	});

	it("replays a file out of time order sorted, with the same result", async () => {
		const shuffled = join(dir.path, "shuffled.ndjson");
		writeFileSync(shuffled, `${[...EVENTS].reverse().join("\n")}\n`);
		const [a, b] = [await run(events), await run(shuffled)];
		assert.equal(b.sorted, true);
		const strip = (x: BacktestReport) => x.rules.map(({ firstError: _, ...rest }) => rest);
		assert.deepEqual(strip(b), strip(a));
		assert.deepEqual(b.pack, a.pack);
		assert.equal(b.invalid, 2);
	});

	it("bulwark backtest --json prints one object with the stable keys", async () => {
		const r = cli(["backtest", "--rules", rulesDir, "--events", events, "--truth", truthFile, "--json"]);
		assert.equal(r.code, 0, r.err);
		const j = JSON.parse(r.out) as Record<string, unknown> & { rules: Record<string, unknown>[] };
		for (const k of ["events", "invalid", "rules", "pack", "tookMs", "eventsPerSec"]) assert.ok(k in j, k);
		for (const k of ["rule", "hits", "shadowHits", "heldBack", "errors", "entities", "precision", "recall", "f1"])
			assert.ok(k in (j.rules[0] ?? {}), k);
		assert.equal(j.invalid, 2);
		const only = JSON.parse(
			(await inProcess(["backtest", "--rules", rulesDir, "--events", events, "--rule", "shouting,broken", "--json"]))
				.out,
		) as BacktestReport;
		assert.deepEqual(
			only.rules.map((x) => x.rule),
			["shouting", "broken"],
		);
		assert.equal(only.rules[0]?.precision, undefined, "no truth, no precision");
	});

	it("bulwark backtest prints a table, and exits non-zero on bad input", () => {
		const ok = cli(["backtest", "--rules", rulesDir, "--events", events, "--truth", truthFile]);
		assert.equal(ok.code, 0, ok.err);
		assert.match(
			ok.out,
			/rule\s+mode\s+hits\s+shadow\s+held back\s+errors\s+entities\s+actions\s+precision\s+recall\s+F1/,
		);
		assert.match(ok.out, /^pack\s+/m);
		assert.match(ok.out, /line 5 parse/);

		const bad = join(dir.path, "bad-rules");
		mkdirSync(bad);
		writeFileSync(
			join(bad, "x.rules"),
			"rule r {\n\ton post.created\n\twhen login_fails_1h[event.actor] > 5\n\tthen block\n}\n",
		);
		const broken = cli(["backtest", "--rules", bad, "--events", events]);
		assert.equal(broken.code, 1);
		assert.match(broken.err, /x\.rules:3:\d+ error R2003/);
	});

	it("exits 2 without --events, 1 with the reason on a missing folder or file, a bad truth file, an unknown --rule", async () => {
		const badTruth = join(dir.path, "bad-truth.csv");
		writeFileSync(badTruth, "account,u1,maybe\n");
		const cases: [string[], RegExp][] = [
			[["--rules", join(dir.path, "nowhere"), "--events", events], /is not a directory/],
			[["--rules", rulesDir, "--events", join(dir.path, "none.ndjson")], /events file .* not found/],
			[["--rules", rulesDir, "--events", events, "--truth", badTruth], /line 1: label must be 1 or 0/],
			[["--rules", rulesDir, "--events", events, "--rule", "nope"], /no rule named `nope`/],
		];
		assert.equal((await inProcess(["backtest", "--rules", rulesDir])).code, 2, "--events is required");
		for (const [args, why] of cases) {
			const r = await inProcess(["backtest", ...args]);
			assert.equal(r.code, 1, args.join(" "));
			assert.match(r.err, why);
		}
	});
});
