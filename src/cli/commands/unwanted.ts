import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { interactionText, simulatedInteractions } from "../../app/unwanted-sim.ts";
import { packageRoot, trainingDataDir } from "../../core/ml/text/data.ts";
import { loadTextModel } from "../../core/ml/text/model.ts";
import type { TextClassifier } from "../../core/ml/text/model-port.ts";
import { LEARNED_INPUTS, PRIOR_INPUTS } from "../../core/ml/unwanted/inputs.ts";
import {
	encodeUnwantedModel,
	loadUnwantedModel,
	UNWANTED_TEXT_MODELS,
	UnwantedModel,
	type UnwantedParams,
} from "../../core/ml/unwanted/model.ts";
import {
	evaluateUnwanted,
	type InteractionRow,
	trainUnwanted,
	type UnwantedEvaluation,
	type UnwantedTrainReport,
} from "../../core/ml/unwanted/train.ts";
import { formatDuration, parseDuration } from "../../core/shared/duration.ts";
import type { Command, Flags } from "../main.ts";
import { table } from "../table.ts";

const SIM_OPTIONS = {
	seeds: { type: "string" },
	accounts: { type: "string" },
	duration: { type: "string" },
	"data-dir": { type: "string" },
	"models-dir": { type: "string" },
} as const;

/** `bulwark train unwanted` (registered with the other kinds of `train`). */
export const trainUnwantedCommand: Command = {
	usage:
		"train unwanted [--seeds 1-4] [--eval-seeds 201-204] [--accounts 5000] [--duration 3h] [--data-dir DIR] [--models-dir models] [--out models] [--lambda L] [--precision P]",
	summary:
		"fits the unwanted-interaction model on simulated traffic (text scores and stream context), measures it on other seeds, and writes models/unwanted with a model card",
	options: {
		...SIM_OPTIONS,
		"eval-seeds": { type: "string" },
		out: { type: "string" },
		lambda: { type: "string" },
		precision: { type: "string" },
	},
	run: (_pos, flags) => runTrainUnwanted(flags),
};

/** `bulwark eval unwanted` (registered with the other kinds of `eval`). */
export const evalUnwantedCommand: Command = {
	usage: "eval unwanted [--seeds 201-204] [--accounts 5000] [--duration 3h] [--data-dir DIR] [--models-dir models]",
	summary:
		"measures models/unwanted on simulated seeds: n, ROC-AUC, precision/recall/F1, macro-F1, calibration, recall per threat",
	options: SIM_OPTIONS,
	run: (_pos, flags) => runEvalUnwanted(flags),
};

const DEFAULTS = { seeds: [1, 2, 3, 4], evalSeeds: [201, 202, 203, 204], accounts: 5_000, durationMs: 3 * 3_600_000 };

/** "1,2,3" or "1-4" (or a mix: "1-3,7"). */
export function parseSeeds(text: string, flag: string): number[] {
	const out: number[] = [];
	for (const part of text.split(",")) {
		const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
		if (!m) throw new Error(`${flag} takes seeds like 1,2,3 or 1-4, got "${text}"`);
		const a = Number(m[1]);
		const b = m[2] === undefined ? a : Number(m[2]);
		if (b < a || b - a > 1_000) throw new Error(`${flag}: bad range "${part.trim()}"`);
		for (let s = a; s <= b; s++) out.push(s);
	}
	return out;
}

interface SimSettings {
	accounts: number;
	durationMs: number;
	dataDir: string;
	modelsDir: string;
}

function simSettings(flags: Flags): SimSettings {
	const accounts = flags.accounts === undefined ? DEFAULTS.accounts : Number(flags.accounts);
	if (!Number.isInteger(accounts) || accounts < 100) throw new Error(`--accounts must be a whole number >= 100`);
	const durationMs = typeof flags.duration === "string" ? parseDuration(flags.duration) : DEFAULTS.durationMs;
	return {
		accounts,
		durationMs,
		dataDir: typeof flags["data-dir"] === "string" ? resolve(flags["data-dir"]) : trainingDataDir(),
		modelsDir: typeof flags["models-dir"] === "string" ? resolve(flags["models-dir"]) : join(packageRoot(), "models"),
	};
}

function textModels(dir: string): Record<(typeof UNWANTED_TEXT_MODELS)[number], TextClassifier> {
	const [abuse, hate, targeted] = UNWANTED_TEXT_MODELS.map((n) => loadTextModel(join(dir, n)));
	return { abuse: abuse as TextClassifier, hate: hate as TextClassifier, targeted: targeted as TextClassifier };
}

/** The labelled interactions of the runs `seeds`, with text from half `half` of the data. */
async function interactions(
	seeds: readonly number[],
	half: 0 | 1,
	s: SimSettings,
	progress: (m: string) => void,
): Promise<{ rows: InteractionRow[]; source: string }> {
	const text = interactionText(s.dataDir, half);
	const models = textModels(s.modelsDir);
	const rows: InteractionRow[] = [];
	for (const seed of seeds) {
		const got = await simulatedInteractions({
			seed,
			accounts: s.accounts,
			durationMs: s.durationMs,
			text: text.gen,
			models,
		});
		progress(`seed ${seed}: ${got.length} replies and mentions, ${got.filter((r) => r.label === 1).length} unwanted`);
		for (const r of got) rows.push(r);
	}
	return { rows, source: text.source };
}

export interface UnwantedTrainSummary {
	dir: string;
	seeds: number[];
	evalSeeds: number[];
	accounts: number;
	duration: string;
	params: UnwantedParams;
	train: UnwantedTrainReport;
	/** On the evaluation seeds (nothing was chosen on them). */
	heldOut: UnwantedEvaluation;
	/** The same fit on the text inputs alone, without priors, on the evaluation seeds. */
	textOnly: UnwantedEvaluation;
	/** The abuse model's probability at its own threshold, on the evaluation seeds. */
	abuseAlone: UnwantedEvaluation;
	trainMs: number;
}

/** `bulwark train unwanted`: fits on the training seeds, measures on the evaluation seeds, writes models/unwanted. */
export async function runTrainUnwanted(flags: Flags): Promise<number> {
	const s = simSettings(flags);
	const seeds = typeof flags.seeds === "string" ? parseSeeds(flags.seeds, "--seeds") : DEFAULTS.seeds;
	const evalSeeds =
		typeof flags["eval-seeds"] === "string" ? parseSeeds(flags["eval-seeds"], "--eval-seeds") : DEFAULTS.evalSeeds;
	const overlap = seeds.filter((x) => evalSeeds.includes(x));
	if (overlap.length) throw new Error(`--seeds and --eval-seeds share ${overlap.join(", ")}: keep them apart`);
	const lambda = flags.lambda === undefined ? 1e-3 : Number(flags.lambda);
	if (!(lambda >= 0)) throw new Error(`--lambda must be a number >= 0, got ${flags.lambda}`);
	const precision = flags.precision === undefined ? undefined : Number(flags.precision);
	if (precision !== undefined && !(precision > 0 && precision <= 1))
		throw new Error(`--precision must be in (0, 1], got ${flags.precision}`);
	const out = resolve(typeof flags.out === "string" ? flags.out : "models");
	const progress = (m: string) => process.stderr.write(`[unwanted] ${m}\n`);
	const t0 = performance.now();
	progress(`simulating training seeds ${seeds.join(", ")} (${s.accounts} accounts, ${formatDuration(s.durationMs)})`);
	const train = await interactions(seeds, 0, s, progress);
	const fit = trainUnwanted(train.rows, { lambda, targetPrecision: precision });
	const trainMs = performance.now() - t0;
	progress(`simulating evaluation seeds ${evalSeeds.join(", ")}`);
	const held = await interactions(evalSeeds, 1, s, progress);
	const createdAt = new Date().toISOString();
	const summary: Omit<UnwantedTrainSummary, "dir"> = {
		seeds,
		evalSeeds,
		accounts: s.accounts,
		duration: formatDuration(s.durationMs),
		params: fit.params,
		train: fit.report,
		heldOut: evaluateUnwanted(new UnwantedModel(encodeUnwantedModel(fit.params)), held.rows),
		textOnly: textOnlyBaseline(train.rows, held.rows, lambda, precision),
		abuseAlone: evaluateUnwanted(
			{ score: (x) => x.abuse, threshold: textModels(s.modelsDir).abuse.threshold },
			held.rows,
		),
		trainMs,
	};
	const meta = encodeUnwantedModel(fit.params, {
		createdAt,
		command: `bulwark train unwanted --seeds ${seeds.join(",")} --eval-seeds ${evalSeeds.join(",")} --accounts ${s.accounts} --duration ${summary.duration} --lambda ${lambda}${precision === undefined ? "" : ` --precision ${precision}`}`,
		data: { train: train.source, heldOut: held.source },
		report: fit.report,
		heldOut: compact(summary.heldOut),
	});
	const dir = join(out, "unwanted");
	const tmp = join(out, `.unwanted.tmp-${process.pid}`);
	rmSync(tmp, { recursive: true, force: true });
	mkdirSync(tmp, { recursive: true });
	writeFileSync(join(tmp, "model.json"), `${JSON.stringify(meta, null, "\t")}\n`);
	loadUnwantedModel(tmp);
	writeFileSync(join(tmp, "MODEL_CARD.md"), modelCard({ ...summary, dir }, train.source, held.source, createdAt));
	rmSync(dir, { recursive: true, force: true });
	renameSync(tmp, dir);
	progress(`wrote ${dir}`);
	if (flags.json) process.stdout.write(`${JSON.stringify({ ...summary, dir })}\n`);
	else process.stdout.write(`${formatTraining({ ...summary, dir })}\n`);
	return 0;
}

/** A logistic fit on the text inputs only, no priors: what the context adds is the difference. */
function textOnlyBaseline(
	train: readonly InteractionRow[],
	held: readonly InteractionRow[],
	lambda: number,
	precision: number | undefined,
): UnwantedEvaluation {
	const none = Object.fromEntries(PRIOR_INPUTS.map((k) => [k, 0])) as UnwantedParams["priors"];
	const t = trainUnwanted(train, {
		lambda,
		targetPrecision: precision,
		priors: none,
		only: ["abuse", "hate", "targeted_abuse"],
	});
	return evaluateUnwanted(new UnwantedModel(encodeUnwantedModel(t.params)), held);
}

/** `bulwark eval unwanted`: the shipped model on fresh simulated seeds. */
export async function runEvalUnwanted(flags: Flags): Promise<number> {
	const s = simSettings(flags);
	const seeds = typeof flags.seeds === "string" ? parseSeeds(flags.seeds, "--seeds") : DEFAULTS.evalSeeds;
	const model = loadUnwantedModel(join(s.modelsDir, "unwanted"));
	const progress = (m: string) => process.stderr.write(`[unwanted] ${m}\n`);
	const held = await interactions(seeds, 1, s, progress);
	const r = evaluateUnwanted(model, held.rows);
	const abuse = evaluateUnwanted(
		{ score: (x) => x.abuse, threshold: textModels(s.modelsDir).abuse.threshold },
		held.rows,
	);
	const report = { model: "unwanted", seeds, accounts: s.accounts, duration: formatDuration(s.durationMs), ...r };
	if (flags.json) process.stdout.write(`${JSON.stringify({ ...report, abuseAlone: compact(abuse) })}\n`);
	else
		process.stdout.write(
			`${metricsTable([
				[`unwanted (seeds ${seeds.join(",")})`, r],
				["abuse model alone", abuse],
			])}\n${byTag(r)}\n`,
		);
	return 0;
}

const pct = (x: number | null) => (x === null ? "–" : (x * 100).toFixed(1));
const num = (x: number | null) => (x === null ? "–" : x.toFixed(4));

function compact(r: UnwantedEvaluation) {
	return {
		n: r.n,
		positives: r.perClass["1"].support,
		auc: r.auc,
		ece: r.ece,
		threshold: r.threshold,
		precision: r.perClass["1"].precision,
		recall: r.perClass["1"].recall,
		f1: r.perClass["1"].f1,
		macroF1: r.macroF1,
		recallByTag: r.recallByTag,
	};
}

function metricsTable(rows: [string, UnwantedEvaluation][]): string {
	return table(
		["model", "n", "unwanted", "ROC-AUC", "precision", "recall", "F1", "macro-F1", "ECE", "threshold"],
		rows.map(([name, r]) => [
			name,
			r.n,
			r.perClass["1"].support,
			num(r.auc),
			pct(r.perClass["1"].precision),
			pct(r.perClass["1"].recall),
			pct(r.perClass["1"].f1),
			pct(r.macroF1),
			num(r.ece),
			r.threshold.toFixed(3),
		]),
	);
}

function byTag(r: UnwantedEvaluation): string {
	return `recall by simulated threat: ${Object.entries(r.recallByTag)
		.map(([k, v]) => `${k} ${pct(v.recall)}% of ${v.n}`)
		.join(", ")} (precision, recall, F1 of the unwanted class, in %)`;
}

function formatTraining(s: UnwantedTrainSummary): string {
	const t = s.train.train;
	return [
		`wrote ${s.dir}: trained on seeds ${s.seeds.join(",")}, measured on seeds ${s.evalSeeds.join(",")} (${s.accounts} accounts, ${s.duration} each)`,
		"",
		metricsTable([
			["unwanted, training seeds", { ...t, recallByTag: {} }],
			["unwanted, held-out seeds", s.heldOut],
			["text inputs only, held-out", s.textOnly],
			["abuse model alone, held-out", s.abuseAlone],
		]),
		byTag(s.heldOut),
		"",
		table(
			["input", "kind", "weight (log-odds)"],
			[
				...LEARNED_INPUTS.map((k) => [k, "learned", s.params.learned[k].toFixed(3)]),
				...PRIOR_INPUTS.map((k) => [k, "prior (hand-set)", s.params.priors[k].toFixed(3)]),
				["(bias)", "learned", s.params.bias.toFixed(3)],
			],
		),
	].join("\n");
}

function modelCard(s: UnwantedTrainSummary, trainSource: string, heldSource: string, createdAt: string): string {
	const row = (name: string, r: UnwantedEvaluation | UnwantedTrainReport["train"]) =>
		`| ${name} | ${r.n} | ${r.perClass["1"].support} | ${num(r.auc)} | ${pct(r.perClass["1"].precision)} | ${pct(r.perClass["1"].recall)} | ${pct(r.perClass["1"].f1)} | ${num(r.ece)} | ${r.threshold.toFixed(3)} |`;
	const weights = [
		...LEARNED_INPUTS.map((k) => `| \`${k}\` | learned | ${s.params.learned[k].toFixed(3)} |`),
		...PRIOR_INPUTS.map((k) => `| \`${k}\` | prior, set by hand | ${s.params.priors[k].toFixed(3)} |`),
		`| (bias) | learned | ${s.params.bias.toFixed(3)} |`,
	].join("\n");
	return `# Interaction model \`unwanted\`

Probability that a reply or mention is unwanted (harassment of its target), from the post's text
scores (models \`abuse\`, \`hate\`, \`targeted\`) and its context in the stream. Served as the
\`text.unwanted\` signal (\`--text-models ...,unwanted\`). Trained by \`bulwark train unwanted\`
on ${createdAt} in ${(s.trainMs / 1000).toFixed(1)} s; measured again by \`bulwark eval unwanted\`.

## There is no real labelled data for interactions
The weights are fitted on **simulated** traffic: ${s.seeds.length} runs of \`src/simulator\`
(seeds ${s.seeds.join(", ")}; ${s.accounts} accounts, ${s.duration} each, the simulator's default
shares of adversaries). Each run goes through the windowed features the event path keeps and the
detector's own reading of each reply or mention. Label 1: a post of the run's ground truth made by
a harasser (a mob's replies and pile-ons) or a ban evader (their replies and mentions at their
owner's targets); label 0: every other reply or mention (ordinary accounts', and adversaries'
ordinary camouflage). Spam, misinformation and amplification posts are left out (other models
judge them). The simulated accounts' post text is real: ${trainSource}.

The held-out figures below come from other seeds (${s.evalSeeds.join(", ")}) with text from the
other half of the data (${heldSource}). Nothing was chosen on them, but they measure how well the
model fits **the simulator**: its traffic, its adversaries' habits and its base rate (about
${pct(s.heldOut.perClass["1"].support / Math.max(1, s.heldOut.n))}% of replies and mentions are
unwanted there), not a real platform. The probabilities are calibrated to that base rate.

## Method
Logistic regression (L2, λ = ${s.train.lambda} on the mean log loss; Newton's method, ${s.train.iterations} iterations)
over the learned inputs, with the hand-set prior inputs as a fixed offset. Threshold: ${s.train.threshold.objective}
(${s.params.threshold.toFixed(4)}). Inputs (see \`src/core/ml/unwanted/inputs.ts\`):
- \`abuse\`, \`hate\`: the text models' log-odds; \`targeted_abuse\`: P(abuse) × P(targeted).
- \`repeat_contact\`: ln(1 + the author's earlier replies, mentions, likes, reposts at the target in 30 days).
- \`pile_on\`: ln(1 + other accounts that replied to or mentioned the target in 15 minutes).
- \`target_repliers_24h\`: ln(1 + distinct accounts that did so in 24 hours): a popular target's usual volume.
- \`author_reports\`: ln(1 + reports about the author in 24 hours).
- Priors, which the simulator cannot teach: \`target_knows_author\` (the target follows the author
  or engaged with them in 30 days; the simulator has no reciprocity, so it is 0 for 99.7% of its
  replies), \`author_follows\` (its harassers never follow their targets: a learned weight, about
  -4.6, would be defeated by any harasser who follows first), \`author_labels\` (active labels,
  up to 3), \`new_account\` (1 at creation, 0 at 7 days; every simulated account is created in the
  run's first minutes, so age is left out of training and evaluation).

| input | kind | weight (log-odds) |
|---|---|---|
${weights}

## Metrics (the unwanted class; precision, recall, F1 in %)
| rows | n | unwanted | ROC-AUC | precision | recall | F1 | ECE | threshold |
|---|---|---|---|---|---|---|---|---|
${row("training seeds (the threshold was chosen here)", s.train.train)}
${row("held-out seeds", s.heldOut)}
${row("text inputs only (same fit, no context, no priors), held-out", s.textOnly)}
${row("abuse model alone at its own threshold, held-out", s.abuseAlone)}

Recall on the held-out seeds by simulated threat: ${Object.entries(s.heldOut.recallByTag)
		.map(([k, v]) => `${k} ${pct(v.recall)}% (${v.n})`)
		.join(", ")}.

## Limits
- A pile-on is counted as distinct repliers to the target, whoever they are: the windows cannot
  tell strangers from friends when they count (the relationship is read only when scoring).
- Follows are remembered as a 365-day windowed sum per pair of accounts until a graph store
  exists; an older follow reads as none, and the windows start empty when the model is first served.
- The prior weights are judgement, not measurement; retraining keeps them unless changed in
  \`DEFAULT_PRIORS\`.
`;
}
