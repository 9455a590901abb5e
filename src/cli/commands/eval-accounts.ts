import { join, resolve } from "node:path";
import { loadLabelledAccounts } from "../../core/ml/accounts/data.ts";
import {
	type AccountEvaluation,
	evaluateAccounts,
	generalisationMatrix,
	type HoldoutCell,
	leaveOneFamilyOut,
	type MatrixCell,
	type Scorer,
} from "../../core/ml/accounts/evaluate.ts";
import type { BotModel } from "../../core/ml/accounts/model.ts";
import { packageRoot } from "../../core/ml/text/data.ts";
import type { Command, Flags } from "../main.ts";
import { table } from "../table.ts";
import { BEHAVIOUR_OPTIONS, evalBehaviour, formatEvalBehaviour } from "./behaviour.ts";
import { accountsDir, loadPlatform, loadSets, parseSets, recipeFromFlags } from "./train-accounts.ts";

/** The model loader, imported on first use (as `eval text` does). */
async function defaultLoader(): Promise<(dir: string) => Scorer> {
	return (await import("../../core/ml/accounts/model.ts")).loadBotModel;
}

export const evalAccountsCommand: Command = {
	usage:
		"eval accounts --model bot --data FILE.csv [--models-dir DIR] [--threshold T] [--stream] | eval accounts --matrix|--leave-one-out [--data-dir DIR] [--sets ...] [--platform FILE.csv|sim:SEED] | eval accounts --model behaviour [--seeds 101,102] [--accounts N] [--hours H] [--models-dir DIR]",
	summary:
		"measure the bot model on labelled user objects (n, accuracy, precision, recall, F1, ROC-AUC, MCC); or the recipe: train on one set, test on another (--matrix), or leave one bot family out (--leave-one-out); or the behaviour model on simulated runs of seeds it was not fit on",
	options: {
		model: { type: "string" },
		data: { type: "string" },
		"models-dir": { type: "string" },
		threshold: { type: "string" },
		stream: { type: "boolean" },
		matrix: { type: "boolean" },
		"leave-one-out": { type: "boolean" },
		"data-dir": { type: "string" },
		sets: { type: "string" },
		platform: { type: "string" },
		seed: { type: "string" },
		alpha: { type: "string" },
		...BEHAVIOUR_OPTIONS,
	},
	async run(_pos, flags) {
		if (flags.model === "behaviour") {
			const b = await evalBehaviour(flags);
			process.stdout.write(`${flags.json ? JSON.stringify(b) : formatEvalBehaviour(b)}\n`);
			return 0;
		}
		if (flags.matrix) {
			const cells = evalMatrix(flags);
			process.stdout.write(`${flags.json ? JSON.stringify(cells) : formatMatrix(cells)}\n`);
			return 0;
		}
		if (flags["leave-one-out"]) {
			const cells = evalLeaveOneOut(flags);
			process.stdout.write(`${flags.json ? JSON.stringify(cells) : formatLeaveOneOut(cells)}\n`);
			return 0;
		}
		const r = await evalAccounts(flags);
		process.stdout.write(`${flags.json ? JSON.stringify(r) : formatAccountEvaluation(r, flags)}\n`);
		return 0;
	},
};

/**
 * Reads the flags, loads the model and the CSV, and evaluates. The result has exactly the keys
 * `n, accuracy, precision, recall, f1, auc, mcc` (the --json contract). `load` replaces the
 * model loader in tests.
 */
export async function evalAccounts(flags: Flags, load?: (dir: string) => Scorer): Promise<AccountEvaluation> {
	const name = flags.model;
	const file = flags.data;
	if (typeof name !== "string" || name === "") throw new Error("give the model: --model bot (a folder under models/)");
	if (typeof file !== "string" || file === "")
		throw new Error("give the labelled accounts: --data FILE.csv (user-object columns and label)");
	let threshold: number | undefined;
	if (typeof flags.threshold === "string") {
		threshold = Number(flags.threshold);
		if (flags.threshold.trim() === "" || !(threshold >= 0 && threshold <= 1))
			throw new Error(`--threshold must be a number from 0 to 1, got "${flags.threshold}"`);
	}
	const rows = loadLabelledAccounts(file).rows;
	if (rows.length === 0) throw new Error(`${file}: no labelled rows`);
	const modelsDir =
		typeof flags["models-dir"] === "string" ? resolve(flags["models-dir"]) : join(packageRoot(), "models");
	const loaded = (load ?? (await defaultLoader()))(join(modelsDir, name));
	const model = flags.stream ? asServed(loaded, join(modelsDir, name)) : loaded;
	const e = evaluateAccounts(model, rows, threshold ?? model.threshold);
	return { n: e.n, accuracy: e.accuracy, precision: e.precision, recall: e.recall, f1: e.f1, auc: e.auc, mcc: e.mcc };
}

/**
 * `--stream`: the model as the bot detector serves it - the forest trained on the platform's own
 * reviewed accounts and its calibration on the platform's humans - for rows exported from the
 * platform's events by `bulwark export accounts`. Without it, user objects are scored with the
 * shared sets' forest and reference humans.
 */
function asServed(m: Scorer, dir: string): Scorer {
	const model = m as Scorer & Partial<Pick<BotModel, "forStream" | "hasStream">>;
	if (!model.forStream || !model.hasStream)
		throw new Error(
			`${dir} has no platform forest: train it with the platform's reviewed accounts (bulwark train accounts --model bot --platform FILE.csv)`,
		);
	return model.forStream();
}

const num = (x: number | null, digits = 3) => (x === null ? "–" : x.toFixed(digits));

export function formatAccountEvaluation(r: AccountEvaluation, flags: Flags = {}): string {
	return [
		table(
			["model", "data", "n", "accuracy", "precision", "recall", "F1", "ROC-AUC", "MCC"],
			[
				[
					String(flags.model ?? ""),
					String(flags.data ?? ""),
					r.n,
					num(r.accuracy),
					num(r.precision),
					num(r.recall),
					num(r.f1),
					num(r.auc),
					num(r.mcc),
				],
			],
		),
		"(bot is the positive class; a bot is score >= the model's threshold unless --threshold is given)",
	].join("\n");
}

function evalMatrix(flags: Flags): MatrixCell[] {
	const progress = (m: string) => process.stderr.write(`[matrix] ${m}\n`);
	const dir = accountsDir(flags["data-dir"]);
	const { loaded } = loadSets(dir, parseSets(flags.sets), progress);
	// --platform: the platform's reviewed accounts as one more set, trained on and tested on like the others.
	for (const p of loadPlatform(flags.platform, progress)) loaded.set(p.source, p.rows);
	return generalisationMatrix(loaded, recipeFromFlags(flags), progress);
}

export function formatMatrix(cells: readonly MatrixCell[]): string {
	return [
		table(
			["train on", "test on", "n", "accuracy", "precision", "recall", "F1", "ROC-AUC", "MCC"],
			cells.map((c) => [
				c.train,
				c.train === c.test ? `${c.test} (held-out 20%)` : c.test,
				c.n,
				num(c.accuracy),
				num(c.precision),
				num(c.recall),
				num(c.f1),
				num(c.auc),
				num(c.mcc),
			]),
		),
		"(each model trained by the bot recipe on one set; its threshold calibrated on that set's held-out humans)",
	].join("\n");
}

/** The bot parts with full user objects (Caverlee's have counts only, unlike any test set). */
const FAMILIES = ["cresci2017/social_spambots_2", "cresci2015/int_fake_followers"];

function evalLeaveOneOut(flags: Flags): HoldoutCell[] {
	if (flags.platform !== undefined)
		throw new Error(
			"--platform goes with --matrix (or train accounts): the forest left-one-out measures never trains on the platform's accounts",
		);
	const progress = (m: string) => process.stderr.write(`[leave-one-out] ${m}\n`);
	const dir = accountsDir(flags["data-dir"]);
	const { loaded } = loadSets(dir, parseSets(flags.sets), progress);
	const rows = [...loaded.values()].flat();
	const families = FAMILIES.filter((f) => rows.some((r) => r.source === f));
	return leaveOneFamilyOut(rows, recipeFromFlags(flags), families, progress);
}

export function formatLeaveOneOut(cells: readonly HoldoutCell[]): string {
	return [
		table(
			["left out", "humans", "bots", "accuracy", "precision", "recall", "F1", "ROC-AUC", "MCC"],
			cells.map((c) => [
				c.family,
				c.humans,
				c.bots,
				num(c.accuracy),
				num(c.precision),
				num(c.recall),
				num(c.f1),
				num(c.auc),
				num(c.mcc),
			]),
		),
		"(trained on every other part minus 20% of the reference humans; tested on those humans and as many of the left-out bots)",
	].join("\n");
}
