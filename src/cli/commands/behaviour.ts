import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { simulatedBehaviour } from "../../app/behaviour-sim.ts";
import { BEHAVIOUR_FEATURE_COUNT } from "../../core/ml/accounts/behaviour.ts";
import {
	type BehaviourEvaluation,
	type BehaviourModelMeta,
	type BehaviourRows,
	encodeBehaviourModel,
	evaluateScores,
	highestPerAccount,
	loadBehaviourModel,
	type TrainedBehaviourModel,
	trainBehaviourModel,
} from "../../core/ml/accounts/behaviour-model.ts";
import type { Label } from "../../core/ml/metrics.ts";
import { packageRoot } from "../../core/ml/text/data.ts";
import type { Flags } from "../main.ts";
import { table } from "../table.ts";

/** Seeds the model is fit on, validated on (early stopping, threshold) and measured on: never the same. */
export const BEHAVIOUR_DEFAULTS = { seeds: [1, 2], valSeed: 3, evalSeeds: [101, 102], accounts: 10_000, hours: 24 };

/** The options `train accounts` and `eval accounts` take for `--model behaviour`. */
export const BEHAVIOUR_OPTIONS = {
	seeds: { type: "string" },
	"val-seed": { type: "string" },
	accounts: { type: "string" },
	hours: { type: "string" },
} as const;

function seedsOf(flag: string | boolean | undefined, fallback: readonly number[]): number[] {
	if (typeof flag !== "string") return [...fallback];
	const seeds = flag.split(",").map((s) => Number(s.trim()));
	if (!seeds.length || seeds.some((s) => !Number.isInteger(s)))
		throw new Error(`--seeds must be integers, got ${flag}`);
	return seeds;
}

function sizeOf(flags: Flags): { accounts: number; durationMs: number; hours: number } {
	const accounts = flags.accounts === undefined ? BEHAVIOUR_DEFAULTS.accounts : Number(flags.accounts);
	if (!Number.isInteger(accounts) || accounts < 10)
		throw new Error(`--accounts must be an integer ≥ 10, got ${flags.accounts}`);
	const hours = flags.hours === undefined ? BEHAVIOUR_DEFAULTS.hours : Number(flags.hours);
	if (!(hours > 0)) throw new Error(`--hours must be > 0, got ${flags.hours}`);
	return { accounts, hours, durationMs: hours * 3_600_000 };
}

export interface BehaviourFigures {
	/** Every scheduled scoring point (what rules see as `account.behaviour`). */
	points: BehaviourEvaluation;
	/** Per account scored at least once, by its highest score (what review sees). */
	accounts: BehaviourEvaluation;
}

/** Figures at `threshold` for scores of `rows` (per scoring point and per account by its highest score). */
export function behaviourFigures(rows: BehaviourRows, scores: readonly number[], threshold: number): BehaviourFigures {
	const acc = highestPerAccount(rows, scores);
	return {
		points: evaluateScores(scores, Array.from(rows.y) as Label[], threshold),
		accounts: evaluateScores(acc.scores, acc.labels, threshold),
	};
}

export interface TrainBehaviourSummary {
	model: string;
	dir: string;
	trainSeeds: number[];
	valSeed: number;
	trainRows: number;
	valRows: number;
	trees: number;
	threshold: number;
	val: BehaviourFigures;
	bytes: number;
	sha256: string;
	trainMs: number;
}

/** `bulwark train accounts --model behaviour`: simulate, fit, write models/behaviour with a card. */
export async function trainBehaviour(flags: Flags): Promise<TrainBehaviourSummary> {
	const progress = (m: string) => process.stderr.write(`[behaviour] ${m}\n`);
	const seeds = seedsOf(flags.seeds, BEHAVIOUR_DEFAULTS.seeds);
	const valSeed = flags["val-seed"] === undefined ? BEHAVIOUR_DEFAULTS.valSeed : Number(flags["val-seed"]);
	if (!Number.isInteger(valSeed) || seeds.includes(valSeed))
		throw new Error(`--val-seed must be an integer not among --seeds, got ${flags["val-seed"]}`);
	const size = sizeOf(flags);
	const t0 = performance.now();
	const train = await simulatedBehaviour({ seeds, accounts: size.accounts, durationMs: size.durationMs }, progress);
	const val = await simulatedBehaviour(
		{ seeds: [valSeed], accounts: size.accounts, durationMs: size.durationMs },
		progress,
	);
	const m = trainBehaviourModel(train, val, seeds[0] as number, progress);
	const trainMs = performance.now() - t0;
	const d = BEHAVIOUR_FEATURE_COUNT;
	const valScores = Array.from({ length: val.n }, (_, i) => m.trained.forest.probability(val.x, i * d));
	const figures = behaviourFigures(val, valScores, m.threshold);
	const command = `bulwark train accounts --model behaviour --seeds ${seeds.join(",")} --val-seed ${valSeed} --accounts ${size.accounts} --hours ${size.hours}`;
	const training = {
		createdAt: new Date().toISOString(),
		command,
		data: `simulated traffic (src/simulator, default shares): ${size.accounts} accounts for ${size.hours} h per seed; fit on seeds ${seeds.join(", ")}, early stopping and threshold on seed ${valSeed}`,
		gbdt: m.trained.params,
		rows: { train: train.n, trainPositives: count(train), val: val.n, valPositives: count(val) },
		val: figures,
	};
	const { meta, forest } = encodeBehaviourModel("behaviour", m, training);
	const out = resolve(typeof flags.out === "string" ? flags.out : "models");
	const target = join(out, "behaviour");
	const tmp = join(out, `.behaviour.tmp-${process.pid}`);
	rmSync(tmp, { recursive: true, force: true });
	mkdirSync(tmp, { recursive: true });
	writeFileSync(join(tmp, "forest.bin"), forest);
	writeFileSync(join(tmp, "model.json"), `${JSON.stringify(meta, null, "\t")}\n`);
	loadBehaviourModel(tmp);
	writeFileSync(join(tmp, "MODEL_CARD.md"), modelCard(meta, m, training, forest.length, trainMs));
	rmSync(target, { recursive: true, force: true });
	renameSync(tmp, target);
	progress(`wrote ${target} (${forest.length} bytes of trees)`);
	return {
		model: "behaviour",
		dir: target,
		trainSeeds: seeds,
		valSeed,
		trainRows: train.n,
		valRows: val.n,
		trees: m.trained.forest.trees,
		threshold: m.threshold,
		val: figures,
		bytes: forest.length,
		sha256: meta.forest.sha256,
		trainMs,
	};
}

const count = (r: BehaviourRows) => r.y.reduce((a, b) => a + b, 0);

export interface EvalBehaviourResult {
	seeds: number[];
	accounts: number;
	hours: number;
	threshold: number;
	figures: BehaviourFigures;
	/** Accounts scored at least once, by ground-truth role: how many, and how many flagged. */
	byRole: Record<string, { accounts: number; flagged: number }>;
}

/** `bulwark eval accounts --model behaviour`: the shipped model on runs of seeds it never saw. */
export async function evalBehaviour(flags: Flags): Promise<EvalBehaviourResult> {
	const progress = (m: string) => process.stderr.write(`[behaviour] ${m}\n`);
	const seeds = seedsOf(flags.seeds, BEHAVIOUR_DEFAULTS.evalSeeds);
	const size = sizeOf(flags);
	const modelsDir =
		typeof flags["models-dir"] === "string" ? resolve(flags["models-dir"]) : join(packageRoot(), "models");
	const model = loadBehaviourModel(join(modelsDir, "behaviour"));
	let threshold = model.threshold;
	if (typeof flags.threshold === "string") {
		threshold = Number(flags.threshold);
		if (!(threshold >= 0 && threshold <= 1)) throw new Error(`--threshold must be from 0 to 1, got ${flags.threshold}`);
	}
	const rows = await simulatedBehaviour({ seeds, accounts: size.accounts, durationMs: size.durationMs }, progress);
	const d = BEHAVIOUR_FEATURE_COUNT;
	const scores = Array.from({ length: rows.n }, (_, i) => model.score(rows.x, i * d));
	const byRole: EvalBehaviourResult["byRole"] = {};
	const best = new Map<string, { s: number; role: string }>();
	for (let i = 0; i < rows.n; i++) {
		const a = rows.account[i] as string;
		const cur = best.get(a);
		if (!cur || (scores[i] as number) > cur.s) best.set(a, { s: scores[i] as number, role: rows.role[i] as string });
	}
	for (const { s, role } of best.values()) {
		const r = byRole[role] ?? { accounts: 0, flagged: 0 };
		byRole[role] = r;
		r.accounts++;
		if (s >= threshold) r.flagged++;
	}
	return {
		seeds,
		accounts: size.accounts,
		hours: size.hours,
		threshold,
		figures: behaviourFigures(rows, scores, threshold),
		byRole,
	};
}

const num = (x: number | null) => (x === null ? "–" : x.toFixed(3));
const evalRow = (name: string, e: BehaviourEvaluation) => [
	name,
	e.n,
	e.positives,
	num(e.precision),
	num(e.recall),
	num(e.f1),
	num(e.auc),
	num(e.mcc),
];
const HEAD = ["rows", "n", "automated", "precision", "recall", "F1", "ROC-AUC", "MCC"];

export function formatEvalBehaviour(r: EvalBehaviourResult): string {
	return [
		table(HEAD, [evalRow("scoring points", r.figures.points), evalRow("accounts (highest score)", r.figures.accounts)]),
		table(
			["role", "accounts scored", "flagged"],
			Object.entries(r.byRole)
				.sort(([a], [b]) => (a < b ? -1 : 1))
				.map(([role, v]) => [role, v.accounts, v.flagged]),
		),
		`(simulated seeds ${r.seeds.join(",")}: ${r.accounts} accounts, ${r.hours} h each; automated = the simulator's spam bots, rings and farms; threshold ${r.threshold.toFixed(3)})`,
	].join("\n");
}

export function formatTrainBehaviour(s: TrainBehaviourSummary): string {
	return table(
		[
			"model",
			"train seeds",
			"val seed",
			"train",
			"val",
			"trees",
			"val F1 (points)",
			"val AUC",
			"val F1 (accounts)",
			"threshold",
			"size",
			"time",
		],
		[
			[
				s.model,
				s.trainSeeds.join(","),
				s.valSeed,
				s.trainRows,
				s.valRows,
				s.trees,
				num(s.val.points.f1),
				num(s.val.points.auc),
				num(s.val.accounts.f1),
				s.threshold.toFixed(3),
				`${(s.bytes / 1024).toFixed(0)} KB`,
				`${(s.trainMs / 1000).toFixed(1)}s`,
			],
		],
	);
}

function modelCard(
	meta: BehaviourModelMeta,
	m: TrainedBehaviourModel,
	training: { createdAt: string; command: string; data: string; rows: Record<string, number>; val: BehaviourFigures },
	bytes: number,
	trainMs: number,
): string {
	const g = m.trained.params;
	const row = (name: string, e: BehaviourEvaluation) =>
		`| ${name} | ${e.n} | ${e.positives} | ${num(e.precision)} | ${num(e.recall)} | ${num(e.f1)} | ${num(e.auc)} | ${num(e.mcc)} |`;
	const imp = (meta.importance ?? [])
		.slice(0, 12)
		.map((i) => `| ${i.feature} | ${i.gain.toFixed(1)} | ${i.splits} |`)
		.join("\n");
	return `# Account model \`behaviour\`

Automated account (1) against anyone else (0), from the account's behaviour on the event stream.
Trained by \`${training.command}\` on ${training.createdAt}.

**Fit to simulated behaviour.** The shared account sets have profiles but no timelines, so this model
is trained on the event simulator's traffic and ground truth (\`src/simulator\`): positives are its spam
bots, amplification rings and follower farms; negatives its organic accounts (with look-alike fans and
power users) and the human-driven harassers, ban evaders and misinformation spreaders. Its figures
say how well it separates the simulator's bots, whose behaviour we wrote; they are not a measurement on
real traffic, and real bots will differ (the simulator's bots post at Poisson times like its humans, so
timing features carry little here). Use the score as a signal for rules and review priority, not alone.

## Data
- ${training.data}
- Rows: one per scheduled scoring point (the 8th, 16th, 32nd, 64th activity, then every 64th) of every
  account: ${training.rows.train} training rows (${training.rows.trainPositives} of automated accounts),
  ${training.rows.val} validation rows (${training.rows.valPositives})

## Method
Behaviour features (\`src/core/ml/accounts/behaviour.ts\`) from a count of the account's activity and a ring of its
last 32 activities, each packed in one number (kind, link, text hash, device hash): rate, gap median/min, coefficient
of variation, Goh-Barabási burstiness, gap entropy, hour-of-day entropy, quietest-8-hours share, action shares, follow
churn, link share, duplicate-text ratio, devices. Histogram gradient-boosted trees (\`src/core/ml/gbdt\`): logistic loss,
depth ≤ ${g.maxDepth}, ≤ ${g.maxLeaves} leaves, learning rate ${g.learningRate}, row subsample ${g.subsample}, feature
subsample ${g.colsample}, early stopping after ${g.earlyStopping} rounds: ${m.trained.forest.trees} trees. Score: the
forest's probability. Rows weighted so that every account counts the same (a busy bot is scored more often than a quiet human). Threshold
${meta.threshold.toFixed(3)}: the best F1 over the validation seed's accounts by their highest score (an account is flagged
once any of its scores reaches it).

## Validation (the seed early stopping and the threshold saw, so optimistic; \`bulwark eval accounts --model behaviour\` measures other seeds)
| rows | n | automated | precision | recall | F1 | ROC-AUC | MCC |
|---|---|---|---|---|---|---|---|
${row("scoring points", training.val.points)}
${row("accounts (highest score)", training.val.accounts)}

## Feature importance (gain, top 12)
| feature | gain | splits |
|---|---|---|
${imp}

## Artifact
- \`forest.bin\`: ${bytes} bytes (${m.trained.forest.trees} trees), sha256 \`${meta.forest.sha256}\`
- \`model.json\`: scoring fields sha256 \`${meta.sha256}\`
- Seed ${g.seed}; simulation and training time ${(trainMs / 1000).toFixed(1)} s
`;
}
