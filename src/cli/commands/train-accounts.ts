import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import {
	ACCOUNT_SET_NAMES,
	type AccountSetName,
	type LabelledAccount,
	loadAccountSet,
	parseAccountSetName,
	parseUsers,
} from "../../core/ml/accounts/data.ts";
import { type AccountEvaluation, validationFigures } from "../../core/ml/accounts/evaluate.ts";
import { type BotModelMeta, encodeBotModel, loadBotModel, STREAM_FOREST_FILE } from "../../core/ml/accounts/model.ts";
import { type BotRecipe, DEFAULT_RECIPE, type TrainedBotModel, trainBotModel } from "../../core/ml/accounts/train.ts";
import { readTextFile, trainingDataDir } from "../../core/ml/text/data.ts";
import type { Command, Flags } from "../main.ts";
import { table } from "../table.ts";
import { BEHAVIOUR_OPTIONS, formatTrainBehaviour, trainBehaviour } from "./behaviour.ts";
import { simulatedPlatformCsv } from "./export-accounts.ts";

/** The account models this command trains: `bot` from the shared account sets, `behaviour` from simulated traffic. */
export const ACCOUNT_MODELS = ["bot", "behaviour"] as const;

/** The accounts folder: DIR/accounts when DIR is the training data folder, else DIR itself. */
export function accountsDir(flag: string | boolean | undefined): string {
	const dir = typeof flag === "string" ? resolve(flag) : trainingDataDir();
	return existsSync(join(dir, "accounts")) ? join(dir, "accounts") : dir;
}

/** `--sets a,b`: the data sets to load (default all, in DATA.md's order). */
export function parseSets(flag: string | boolean | undefined): AccountSetName[] {
	if (typeof flag !== "string") return [...ACCOUNT_SET_NAMES];
	const sets = flag.split(",").map((s) => parseAccountSetName(s.trim()));
	if (new Set(sets).size !== sets.length) throw new Error(`--sets names a set twice: ${flag}`);
	return sets;
}

/** The recipe with `--seed` and `--alpha` applied. */
export function recipeFromFlags(flags: Flags): BotRecipe {
	const seed = flags.seed === undefined ? DEFAULT_RECIPE.seed : Number(flags.seed);
	if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${flags.seed}`);
	const alpha = flags.alpha === undefined ? DEFAULT_RECIPE.alpha : Number(flags.alpha);
	if (!(alpha > 0 && alpha < 1)) throw new Error(`--alpha must be in (0, 1), got ${flags.alpha}`);
	return { ...DEFAULT_RECIPE, seed, alpha };
}

export interface TrainAccountsSummary {
	model: string;
	dir: string;
	sets: string[];
	trainRows: number;
	valRows: number;
	trees: number;
	val: AccountEvaluation;
	threshold: number;
	bytes: number;
	sha256: string;
	trainMs: number;
	loadMs: number;
	/** The platform's forest (`--platform`), validated on its held-out accounts as the stream scores them. */
	stream: {
		parts: string[];
		trainRows: number;
		valRows: number;
		trees: number;
		val: AccountEvaluation;
		bytes: number;
		sha256: string;
	} | null;
}

export const trainAccountsCommand: Command = {
	usage:
		"train accounts --model bot [--data-dir DIR] [--sets caverlee2011,cresci2015,cresci2017] [--platform FILE.csv,...|sim:SEED] [--out models] [--seed N] [--alpha A] | --model behaviour [--seeds 1,2] [--val-seed 3] [--accounts 10000] [--hours 24] [--out models]",
	summary:
		"trains the bot model (boosted trees on profile features) and writes models/bot with a model card; or the behaviour model (boosted trees on stream behaviour, fit to simulated traffic) into models/behaviour",
	options: {
		model: { type: "string" },
		"data-dir": { type: "string" },
		sets: { type: "string" },
		platform: { type: "string" },
		out: { type: "string" },
		seed: { type: "string" },
		alpha: { type: "string" },
		...BEHAVIOUR_OPTIONS,
	},
	async run(_pos, flags) {
		const name = flags.model;
		if (typeof name !== "string" || !(ACCOUNT_MODELS as readonly string[]).includes(name))
			throw new Error(`give --model, one of ${ACCOUNT_MODELS.join(", ")}`);
		if (name === "behaviour") {
			const b = await trainBehaviour(flags);
			process.stdout.write(`${flags.json ? JSON.stringify(b) : formatTrainBehaviour(b)}\n`);
			return 0;
		}
		const s = trainAccounts(name, flags);
		if (flags.json) process.stdout.write(`${JSON.stringify(s)}\n`);
		else
			process.stdout.write(
				`${table(
					[
						"model",
						"sets",
						"train",
						"val",
						"trees",
						"val F1",
						"val AUC",
						"val MCC",
						"threshold",
						"size",
						"train",
						"load",
					],
					[
						[
							s.model,
							s.sets.join(","),
							s.trainRows,
							s.valRows,
							s.trees,
							fmt(s.val.f1),
							fmt(s.val.auc),
							fmt(s.val.mcc),
							s.threshold.toFixed(3),
							`${(s.bytes / 1024).toFixed(0)} KB`,
							`${(s.trainMs / 1000).toFixed(1)}s`,
							`${s.loadMs.toFixed(0)}ms`,
						],
						...(s.stream
							? [
									[
										`${s.model} (stream)`,
										s.stream.parts.join(","),
										s.stream.trainRows,
										s.stream.valRows,
										s.stream.trees,
										fmt(s.stream.val.f1),
										fmt(s.stream.val.auc),
										fmt(s.stream.val.mcc),
										s.threshold.toFixed(3),
										`${(s.stream.bytes / 1024).toFixed(0)} KB`,
										"",
										"",
									],
								]
							: []),
					],
				)}\n`,
			);
		return 0;
	},
};

const fmt = (x: number | null) => (x === null ? "–" : x.toFixed(3));

/** Loads the named sets (progress on stderr), in order. */
export function loadSets(dir: string, sets: readonly AccountSetName[], progress: (m: string) => void) {
	const loaded = new Map<string, LabelledAccount[]>();
	const files: string[] = [];
	for (const set of sets) {
		const s = loadAccountSet(dir, set);
		progress(`read ${set}: ${s.rows.length} accounts`);
		loaded.set(set, s.rows);
		files.push(...s.files);
	}
	return { loaded, files };
}

/**
 * `--platform a.csv,b.csv`: the platform's reviewed accounts as `export accounts` writes them
 * (user-object columns, `label`; several rows of one account share its `id`), each file a part
 * named `platform/<file name>`. `sim:SEED` is a simulated platform instead, made in process
 * exactly as `simulate --seed SEED --accounts 3000 --duration 24h` and `export accounts` with its
 * truth would write it (part `platform/sim-sSEED`): what the shipped model's stream forest is
 * trained on, reproducible from a clone.
 */
export function loadPlatform(flag: string | boolean | undefined, progress: (m: string) => void) {
	if (flag === undefined) return [];
	if (typeof flag !== "string" || flag.trim() === "")
		throw new Error("--platform needs a CSV file (export accounts --out) or sim:SEED");
	return flag.split(",").map((f) => {
		const file = f.trim();
		let text: string;
		let source: string;
		const sim = /^sim:(\d+)$/.exec(file);
		if (sim) {
			progress(`simulating platform seed ${sim[1]} (3,000 accounts, 24 h) and its reviewed accounts`);
			text = simulatedPlatformCsv(Number(sim[1])).text;
			source = `platform/sim-s${sim[1]}`;
		} else {
			if (file.startsWith("sim:"))
				throw new Error(`--platform ${file}: a simulated platform is sim:SEED (a whole number)`);
			text = readTextFile(file);
			source = `platform/${basename(file).replace(/\.csv$/i, "")}`;
		}
		const rows = parseUsers(text, file, "column", source);
		if (rows.length === 0) throw new Error(`${file}: no labelled rows`);
		const bots = rows.filter((r) => r.label === 1).length;
		progress(`read ${file}: ${rows.length} rows (${bots} bot, ${rows.length - bots} human) as ${source}`);
		return { file, source, rows, sha256: createHash("sha256").update(text).digest("hex") };
	});
}

function trainAccounts(name: string, flags: Flags): TrainAccountsSummary {
	const progress = (m: string) => process.stderr.write(`[${name}] ${m}\n`);
	const dir = accountsDir(flags["data-dir"]);
	const sets = parseSets(flags.sets);
	const recipe = recipeFromFlags(flags);
	progress(`reading ${sets.join(", ")} from ${dir}`);
	const { loaded, files } = loadSets(dir, sets, progress);
	const platform = loadPlatform(flags.platform, progress);
	if (!platform.length)
		progress(
			"no --platform: the model gets no platform forest, and the stream serves the shared sets' forest, which scores any young account near 1 (EVALUATION.md, Served); give the platform's reviewed accounts (export accounts), or sim:11 as the shipped model has",
		);
	const rows = [...loaded.values(), ...platform.map((p) => p.rows)].flat();
	const m = trainBotModel(rows, { ...recipe, platform: platform.map((p) => p.source) }, progress);
	const val = validationFigures(m, rows);
	const createdAt = new Date().toISOString();
	const training = {
		createdAt,
		command: `bulwark train accounts --model ${name} --sets ${sets.join(",")}${platform.length ? ` --platform ${platform.map((p) => p.file).join(",")}` : ""} --seed ${recipe.seed} --alpha ${recipe.alpha}`,
		data: files.map((f) => relative(dir, f)),
		platform: platform.map(({ file, sha256, source, rows: r }) => ({
			file,
			sha256,
			source,
			rows: r.length,
			accounts: new Set(r.map((x) => x.group ?? x.key)).size,
		})),
		split: `every part split 80/20 (train/validation) by a seeded shuffle (seed ${recipe.seed})`,
		gbdt: m.trained.params,
		alpha: recipe.alpha,
		report: m.report,
		val,
	};
	const { meta, forest, stream } = encodeBotModel(name, m, training);
	// Written beside the old model and swapped in at the end: a failed run leaves the old one.
	const out = resolve(typeof flags.out === "string" ? flags.out : "models");
	const target = join(out, name);
	const tmp = join(out, `.${name}.tmp-${process.pid}`);
	rmSync(tmp, { recursive: true, force: true });
	mkdirSync(tmp, { recursive: true });
	writeFileSync(join(tmp, "forest.bin"), forest);
	if (stream) writeFileSync(join(tmp, STREAM_FOREST_FILE), stream);
	writeFileSync(join(tmp, "model.json"), `${JSON.stringify(meta, null, "\t")}\n`);
	const t0 = performance.now();
	loadBotModel(tmp);
	const loadMs = performance.now() - t0;
	writeFileSync(join(tmp, "MODEL_CARD.md"), modelCard(meta, m, sets, training, loadMs, forest.length));
	rmSync(target, { recursive: true, force: true });
	renameSync(tmp, target);
	progress(`wrote ${target} (${forest.length} bytes of trees)`);
	return {
		model: name,
		dir: target,
		sets,
		trainRows: m.report.trainRows,
		valRows: m.report.valRows,
		trees: m.report.trees,
		val: val.all,
		threshold: m.threshold,
		bytes: forest.length,
		sha256: meta.forest.sha256,
		trainMs: m.report.trainMs,
		loadMs,
		stream:
			m.stream && stream && meta.stream
				? {
						parts: platform.map((p) => p.source),
						trainRows: m.stream.report.trainRows,
						valRows: m.stream.report.valRows,
						trees: m.stream.report.trees,
						val: val.bySet.platform as AccountEvaluation,
						bytes: stream.length,
						sha256: meta.stream.forest.sha256,
					}
				: null,
	};
}

/** The model card's section on the platform's forest, when there is one. */
function streamSection(
	meta: BotModelMeta,
	m: TrainedBotModel,
	files: readonly { file: string; sha256: string; rows: number; accounts: number }[],
): string {
	const s = m.stream;
	if (!s || !meta.stream) return "";
	const parts = s.report.parts
		.map((p) => `| ${p.source} | ${p.label === 1 ? "bot" : "human"} | ${p.train} | ${p.val} |`)
		.join("\n");
	const imp = (meta.stream.importance ?? [])
		.slice(0, 8)
		.map((i) => `\`${i.feature}\``)
		.join(", ");
	return `## The platform's forest (what the stream serves)
Trained on the platform's own reviewed accounts alone (\`--platform\`: rows of \`bulwark export accounts\`, each
account at the moments the detector scores it; a split keeps an account's rows on one side): ${files
		.map(
			(f) =>
				`\`${f.file}\` (${f.file.startsWith("sim:") ? `the simulator's platform, as \`simulate --seed ${f.file.slice(4)} --accounts 3000 --duration 24h\` and \`export accounts --labels\` its truth write it; ` : ""}${f.rows} rows of ${f.accounts} accounts, sha256 \`${f.sha256.slice(0, 16)}…\`)`,
		)
		.join(", ")}; with the recipe's
features and trees: ${s.report.trees} trees (validation loss ${s.report.valLoss?.toFixed(4)}), \`${STREAM_FOREST_FILE}\`
sha256 \`${meta.stream.forest.sha256}\`. The stream's score is the share of the platform's held-out humans
(${s.calibration.humanMargins.length} accounts, not trained on, each by its highest-scoring row: an account is scored again and again as it
lives, so the threshold bounds the share of humans ever flagged) below the account; threshold ${meta.threshold}. The shared sets' forest
above never sees these rows, so its figures and \`eval accounts\` on user objects do not move. Top features: ${imp}.

| part | class | train | validation |
|---|---|---|---|
${parts}

`;
}

function modelCard(
	meta: BotModelMeta,
	m: TrainedBotModel,
	sets: readonly string[],
	training: {
		createdAt: string;
		command: string;
		data: string[];
		platform: { file: string; sha256: string; rows: number; accounts: number }[];
		split: string;
		val: ReturnType<typeof validationFigures>;
	},
	loadMs: number,
	bytes: number,
): string {
	const r = m.report;
	const f = (x: number | null) => (x === null ? "–" : x.toFixed(3));
	const parts = r.parts
		.map((p) => `| ${p.source} | ${p.label === 1 ? "bot" : "human"} | ${p.train} | ${p.val} |`)
		.join("\n");
	const row = (name: string, e: AccountEvaluation) =>
		`| ${name} | ${e.n} | ${f(e.accuracy)} | ${f(e.precision)} | ${f(e.recall)} | ${f(e.f1)} | ${f(e.auc)} | ${f(e.mcc)} |`;
	const imp = (meta.importance ?? [])
		.slice(0, 12)
		.map((i) => `| ${i.feature} | ${i.gain.toFixed(1)} | ${i.splits} |`)
		.join("\n");
	const g = m.trained.params;
	return `# Account model \`${meta.name}\`

Bot or fake account (1) against human (0), from profile features alone. Trained by
\`${training.command}\` on ${training.createdAt}.

## Data
- Sets: ${sets.join(", ")} (under the training data folder, \`../shared/data/accounts\` by default; see its DATA.md)
- Files: ${training.data.map((d) => `\`${d}\``).join(", ")}
- Split: ${training.split}

| part | class | train | validation |
|---|---|---|---|
${parts}

## Method
BotometerLite-style profile features (\`src/core/ml/accounts/profile.ts\`: counts, growth per day, ratios, name
and handle statistics, profile flags and completeness), computed identically from a Twitter user object and from
our own account events. The trees split on ${meta.used.length} of them: ${meta.used.map((u) => `\`${u}\``).join(", ")}.
Histogram gradient-boosted trees (\`src/core/ml/gbdt\`): logistic loss, depth ≤ ${g.maxDepth}, ≤ ${g.maxLeaves} leaves,
learning rate ${g.learningRate}, L2 ${g.lambda}, row subsample ${g.subsample}, feature subsample ${g.colsample},
≤ ${g.maxBins} bins, early stopping after ${g.earlyStopping} rounds without a better validation loss: ${r.trees} trees kept
(validation loss ${r.valLoss?.toFixed(4)}).

Score: the share of held-out \`${meta.calibration.source}\` humans (${meta.calibration.humanMargins.length} accounts, not trained on)
whose margin is below the account's. Threshold ${meta.threshold} (score ≥ threshold is a bot): about ${((1 - meta.threshold) * 100).toFixed(0)}%
of such humans are flagged, whatever bot family comes. Chosen so because on bot families absent from training the
ranking transfers and a probability threshold does not (see EVALUATION.md, "Bot and fake-account detection").

${streamSection(meta, m, training.platform)}## Validation metrics at the threshold (the rows early stopping and the calibration saw, so optimistic)
| rows | n | accuracy | precision | recall | F1 | ROC-AUC | MCC |
|---|---|---|---|---|---|---|---|
${row("all", training.val.all)}
${Object.entries(training.val.bySet)
	.map(([s, e]) => row(s, e))
	.join("\n")}

## Feature importance (gain, top 12)
| feature | gain | splits |
|---|---|---|
${imp}

## Artifact
- \`forest.bin\`: ${bytes} bytes (${r.trees} trees, ${r.nodes} nodes), sha256 \`${meta.forest.sha256}\`
- \`model.json\`: scoring fields sha256 \`${meta.sha256}\`
- Seed ${m.recipe.seed}; training time ${(r.trainMs / 1000).toFixed(1)} s; load time on this machine ${loadMs.toFixed(0)} ms
`;
}
