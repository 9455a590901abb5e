// The account models served on simulated traffic (issue 6; EVALUATION.md "Served"): a run of the
// event simulator fed in process through the embedded system with `--account-models bot,behaviour`
// (no rules), every `account.bot` and `account.behaviour` signal collected per account, and each
// model measured against the run's ground truth: ROC-AUC of automated (the simulator's spam
// bots, rings and farms) vs everyone else, and per role how many accounts reached the model's
// threshold - by the account's first, highest and last score.
//
//   node --import tsx scripts/account-models-on-stream.ts [--seed 7] [--accounts 3000] [--hours 24] [--json]
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { AUTOMATED_ROLES } from "../src/app/behaviour-sim.ts";
import { openBulwark } from "../src/app/bulwark.ts";
import { PACKAGE_MODELS_DIR } from "../src/app/config.ts";
import type { BulwarkEvent } from "../src/core/events/index.ts";
import { rocAuc } from "../src/core/ml/text/train.ts";
import { ManualClock } from "../src/core/shared/index.ts";
import { Simulation } from "../src/simulator/index.ts";

const { values: flags } = parseArgs({
	options: {
		seed: { type: "string", default: "7" },
		accounts: { type: "string", default: "3000" },
		hours: { type: "string", default: "24" },
		json: { type: "boolean", default: false },
	},
});
const seed = Number(flags.seed);
const sim = new Simulation({
	seed,
	accounts: Number(flags.accounts),
	durationMs: Number(flags.hours) * 3_600_000,
	prefix: "s-",
});
const events = [...sim.events()] as BulwarkEvent[];
if (!events.length) throw new Error("the simulation made no events");
const dir = mkdtempSync(join(tmpdir(), "bulwark-account-models-"));
const clock = new ManualClock((events[0] as BulwarkEvent).ts);
const models = { bot: "account.bot", behaviour: "account.behaviour" } as const;
const thresholds = Object.fromEntries(
	Object.keys(models).map((m) => [
		m,
		(JSON.parse(readFileSync(join(PACKAGE_MODELS_DIR, m, "model.json"), "utf8")) as { threshold: number }).threshold,
	]),
) as Record<keyof typeof models, number>;
const bulwark = await openBulwark({
	dataDir: dir,
	retentionMs: 400 * 86_400_000,
	snapshotIntervalMs: 3_600_000,
	clock,
	timers: false,
	rules: null,
	accountModels: Object.keys(models),
	modelsDir: PACKAGE_MODELS_DIR,
});
const scores = new Map<string, Map<string, number[]>>();
try {
	for (let i = 0; i < events.length; i += 500) {
		const chunk = events.slice(i, i + 500);
		clock.set((chunk[chunk.length - 1] as BulwarkEvent).ts);
		const out = await bulwark.processor.submit(
			chunk.map((e) => JSON.stringify(e)),
			{ source: "sim" },
		);
		for (const o of out) {
			if (o?.status !== "accepted") continue;
			for (const s of o.decision.trace.signals) {
				if (s.name !== models.bot && s.name !== models.behaviour) continue;
				const per = scores.get(s.name) ?? new Map<string, number[]>();
				scores.set(s.name, per);
				per.set(s.entity.id, [...(per.get(s.entity.id) ?? []), s.score]);
			}
		}
		if (!flags.json) process.stderr.write(`\r${Math.min(i + 500, events.length)} of ${events.length} events`);
	}
} finally {
	await bulwark.close();
	rmSync(dir, { recursive: true, force: true });
}
if (!flags.json) process.stderr.write("\n");
const truth = sim.truth();
const results = [];
for (const [model, signal] of Object.entries(models) as [keyof typeof models, string][]) {
	for (const pick of ["first", "highest", "last"] as const) {
		const labels: number[] = [];
		const values: number[] = [];
		const byRole: Record<string, { accounts: number; flagged: number }> = {};
		for (const [id, all] of scores.get(signal) ?? []) {
			const v =
				pick === "first" ? (all[0] as number) : pick === "last" ? (all[all.length - 1] as number) : Math.max(...all);
			const role = truth.accounts[id]?.role ?? "organic";
			labels.push(AUTOMATED_ROLES.has(role) ? 1 : 0);
			values.push(v);
			const r = byRole[role] ?? { accounts: 0, flagged: 0 };
			byRole[role] = r;
			r.accounts++;
			if (v >= thresholds[model]) r.flagged++;
		}
		results.push({
			model,
			pick,
			accounts: labels.length,
			automated: labels.filter(Boolean).length,
			auc: rocAuc(labels, values),
			byRole,
		});
	}
}
if (flags.json)
	process.stdout.write(
		`${JSON.stringify({ seed, accounts: Number(flags.accounts), hours: Number(flags.hours), results })}\n`,
	);
else {
	process.stdout.write(
		`seed ${seed}, ${flags.accounts} accounts, ${flags.hours} h; flagged = at or above the model's threshold\n`,
	);
	process.stdout.write(
		"| model | score | accounts | automated | ROC-AUC | flagged by role |\n|---|---|---:|---:|---:|---|\n",
	);
	for (const r of results)
		process.stdout.write(
			`| ${r.model} | ${r.pick} | ${r.accounts} | ${r.automated} | ${r.auc.toFixed(3)} | ${Object.entries(r.byRole)
				.sort((a, b) => b[1].accounts - a[1].accounts)
				.map(([k, v]) => `${k} ${v.flagged}/${v.accounts}`)
				.join(", ")} |\n`,
		);
}
