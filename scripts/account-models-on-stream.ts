// The account models served on simulated traffic (issue 6; EVALUATION.md "Served"): a run of the
// event simulator fed in process through the embedded system with `--account-models bot,behaviour`
// (no rules), every `account.bot` and `account.behaviour` signal collected per account, and each
// model measured against the run's ground truth: ROC-AUC of automated (the simulator's spam
// bots, rings and farms) vs everyone else, and per role how many accounts reached the model's
// threshold - by the account's first, highest and last score.
// With --profiles, the bot model alone on each account's profile at the run's end (its signup
// fields and counts from the events), scored directly in several views: as served, with the counts
// unknown, with counts and age unknown, and as if every account were a year old.
//
// The bot model's signal is its stream score (calibrated on the platform's humans when the model
// was trained with them, `train accounts --platform`); "at 0.99" counts accounts at or above the
// default pack's bar for likely_bot_review.
//
//   node --import tsx scripts/account-models-on-stream.ts [--seed 7] [--accounts 3000] [--hours 24] [--models-dir models] [--profiles] [--json]
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { AUTOMATED_ROLES } from "../src/app/behaviour-sim.ts";
import { openBulwark } from "../src/app/bulwark.ts";
import { PACKAGE_MODELS_DIR } from "../src/app/config.ts";
import type { BulwarkEvent } from "../src/core/events/index.ts";
import { loadBotModel } from "../src/core/ml/accounts/model.ts";
import { platformSnapshots } from "../src/core/ml/accounts/platform.ts";
import type { AccountProfile } from "../src/core/ml/accounts/profile.ts";
import { profileFromStream, type StreamAccount, type StreamCounts } from "../src/core/ml/accounts/stream.ts";
import { rocAuc } from "../src/core/ml/text/train.ts";
import { ManualClock } from "../src/core/shared/index.ts";
import { Simulation } from "../src/simulator/index.ts";

const { values: flags } = parseArgs({
	options: {
		seed: { type: "string", default: "7" },
		accounts: { type: "string", default: "3000" },
		hours: { type: "string", default: "24" },
		json: { type: "boolean", default: false },
		profiles: { type: "boolean", default: false },
		"models-dir": { type: "string", default: PACKAGE_MODELS_DIR },
		// Shares of the adversary populations, as `bulwark simulate` takes them (e.g. --amplification 0.04 --spam 0).
		spam: { type: "string" },
		amplification: { type: "string" },
	},
});
const modelsDir = flags["models-dir"];
const shares = Object.fromEntries(
	(["spam", "amplification"] as const).flatMap((k) => (flags[k] === undefined ? [] : [[k, Number(flags[k])]])),
);
const seed = Number(flags.seed);
const sim = new Simulation({
	seed,
	accounts: Number(flags.accounts),
	durationMs: Number(flags.hours) * 3_600_000,
	prefix: "s-",
	shares,
});
const events = [...sim.events()] as BulwarkEvent[];
if (!events.length) throw new Error("the simulation made no events");
if (flags.profiles) {
	profileViews(events);
	process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), "bulwark-account-models-"));
const clock = new ManualClock((events[0] as BulwarkEvent).ts);
const models = { bot: "account.bot", behaviour: "account.behaviour" } as const;
const thresholds = Object.fromEntries(
	Object.keys(models).map((m) => [
		m,
		(JSON.parse(readFileSync(join(modelsDir, m, "model.json"), "utf8")) as { threshold: number }).threshold,
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
	modelsDir,
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
		const byRole: Record<string, { accounts: number; flagged: number; at99: number }> = {};
		for (const [id, all] of scores.get(signal) ?? []) {
			const v =
				pick === "first" ? (all[0] as number) : pick === "last" ? (all[all.length - 1] as number) : Math.max(...all);
			const role = truth.accounts[id]?.role ?? "organic";
			labels.push(AUTOMATED_ROLES.has(role) ? 1 : 0);
			values.push(v);
			const r = byRole[role] ?? { accounts: 0, flagged: 0, at99: 0 };
			byRole[role] = r;
			r.accounts++;
			if (v >= thresholds[model]) r.flagged++;
			if (v >= 0.99) r.at99++;
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
		"| model | score | accounts | automated | ROC-AUC | flagged by role | at 0.99 by role |\n|---|---|---:|---:|---:|---|---|\n",
	);
	for (const r of results)
		process.stdout.write(
			`| ${r.model} | ${r.pick} | ${r.accounts} | ${r.automated} | ${r.auc.toFixed(3)} | ${Object.entries(r.byRole)
				.sort((a, b) => b[1].accounts - a[1].accounts)
				.map(([k, v]) => `${k} ${v.flagged}/${v.accounts}`)
				.join(", ")} | ${Object.entries(r.byRole)
				.sort((a, b) => b[1].accounts - a[1].accounts)
				.map(([k, v]) => `${k} ${v.at99}/${v.accounts}`)
				.join(", ")} |\n`,
		);
}

/** --profiles: the bot model on each account's end-of-run profile, in several views. */
function profileViews(evs: readonly BulwarkEvent[]): void {
	const bot = loadBotModel(join(modelsDir, "bot"));
	// Both forests: the shared sets' (what user objects get) and the one the stream serves.
	const scorers = [
		["shared sets' forest", bot.forUserObjects()],
		...(bot.hasStream ? [["platform forest (served)", bot.forStream()] as const] : []),
	] as const;
	// Each account at the run's end, replayed as `bulwark export accounts --moments end` does.
	const accounts = [...platformSnapshots(evs, { moments: "end" })];
	const end = (evs[evs.length - 1] as BulwarkEvent).ts;
	const unknownCounts = { statuses: null, followers: null, friends: null, favourites: null };
	const views: [string, (a: { account: StreamAccount; counts: StreamCounts }) => AccountProfile][] = [
		["as served", (a) => profileFromStream(a.account, a.counts, end)],
		["counts unknown", (a) => ({ ...profileFromStream(a.account, a.counts, end), ...unknownCounts })],
		[
			"counts and age unknown",
			(a) => ({ ...profileFromStream(a.account, a.counts, end), ...unknownCounts, createdAt: null }),
		],
		["a year old", (a) => profileFromStream({ ...a.account, createdAt: end - 365 * 86_400_000 }, a.counts, end)],
	];
	const truth = sim.truth();
	const out = scorers.flatMap(([forest, model]) =>
		views.map(([view, make]) => {
			const labels: number[] = [];
			const margins: number[] = [];
			const flagged: Record<string, string> = {};
			const tally: Record<string, [number, number]> = {};
			for (const a of accounts) {
				const id = a.id;
				const role = truth.accounts[id]?.role ?? "organic";
				const p = make(a);
				labels.push(AUTOMATED_ROLES.has(role) ? 1 : 0);
				margins.push(model.margin(p));
				const t = tally[role] ?? [0, 0];
				tally[role] = t;
				t[1]++;
				if (model.score(p) >= model.threshold) t[0]++;
			}
			for (const [role, [f, n]] of Object.entries(tally)) flagged[role] = `${f}/${n}`;
			return { forest, view, accounts: labels.length, auc: rocAuc(labels, margins), flagged };
		}),
	);
	if (flags.json) process.stdout.write(`${JSON.stringify({ seed, profiles: out })}\n`);
	else {
		process.stdout.write(
			"| bot model on end-of-run profiles | forest | accounts | ROC-AUC | flagged by role |\n|---|---|---:|---:|---|\n",
		);
		for (const r of out)
			process.stdout.write(
				`| ${r.view} | ${r.forest} | ${r.accounts} | ${r.auc.toFixed(3)} | ${Object.entries(r.flagged)
					.map(([k, v]) => `${k} ${v}`)
					.join(", ")} |\n`,
			);
	}
}
