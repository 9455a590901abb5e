import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadTextData, packageRoot, parseTextFormat } from "../../core/ml/text/data.ts";
import type { LoadTextModel } from "../../core/ml/text/model-port.ts";
import {
	ATTACK_NAMES,
	type AttackOrMix,
	type ObfuscationReport,
	obfuscate,
	obfuscationReport,
} from "../../core/ml/text/obfuscate.ts";
import type { Command, Flags } from "../main.ts";
import { table } from "../table.ts";

/** The target: recall on obfuscated abuse at least 90% of the clean recall. */
export const OBFUSCATION_TARGET = 0.9;

export const evalObfuscationCommand: Command = {
	usage:
		"eval obfuscation --model NAME --data FILE [--format ...] [--attack NAME,...|all] [--seed N] [--rate R] [--models-dir DIR] [--threshold T] [--out FILE]",
	summary: `recall on the positives of FILE, clean and under each seeded obfuscation attack (${ATTACK_NAMES.join(", ")}), and the ratio`,
	options: {
		model: { type: "string" },
		data: { type: "string" },
		format: { type: "string" },
		"models-dir": { type: "string" },
		threshold: { type: "string" },
		"olid-task": { type: "string" },
		positive: { type: "string" },
		attack: { type: "string" },
		seed: { type: "string" },
		rate: { type: "string" },
		out: { type: "string" },
	},
	async run(_pos, flags) {
		const report = await evalObfuscation(flags);
		process.stdout.write(`${flags.json ? JSON.stringify(report) : formatObfuscation(report)}\n`);
		return 0;
	},
};

function parseAttacks(v: string | boolean | undefined): AttackOrMix[] {
	if (typeof v !== "string" || v === "all") return [...ATTACK_NAMES];
	return v.split(",").map((a) => {
		if (!(ATTACK_NAMES as readonly string[]).includes(a))
			throw new Error(`--attack: unknown attack "${a}"; use all or one or more of ${ATTACK_NAMES.join(", ")}`);
		return a as AttackOrMix;
	});
}

function number(v: string | boolean | undefined, flag: string, ok: (x: number) => boolean): number | undefined {
	if (typeof v !== "string") return undefined;
	const x = Number(v);
	if (v.trim() === "" || !Number.isFinite(x) || !ok(x)) throw new Error(`--${flag}: not a valid value: "${v}"`);
	return x;
}

/**
 * Reads the flags, loads the model and the positives of the data, and measures each attack.
 * `load` replaces the model loader in tests. With `--out`, writes the stress set as JSON lines
 * `{"attack", "text", "label": 1}`.
 */
export async function evalObfuscation(
	flags: Flags,
	load?: LoadTextModel,
): Promise<ObfuscationReport & { data: string; target: number }> {
	const name = flags.model;
	const file = flags.data;
	if (typeof name !== "string" || name === "") throw new Error("give the model: --model NAME (a folder under models/)");
	if (typeof file !== "string" || file === "") throw new Error("give the labelled data: --data FILE");
	const format = typeof flags.format === "string" ? parseTextFormat(flags.format) : undefined;
	const attacks = parseAttacks(flags.attack);
	const seed = number(flags.seed, "seed", Number.isInteger) ?? 1;
	const rate = number(flags.rate, "rate", (x) => x > 0 && x <= 1) ?? 0.5;
	const threshold = number(flags.threshold, "threshold", (x) => x >= 0 && x <= 1);
	const olidTask = flags["olid-task"] ?? (name === "targeted" ? "b" : "a");
	if (olidTask !== "a" && olidTask !== "b") throw new Error(`--olid-task must be a or b, got "${olidTask}"`);
	const positive = flags.positive ?? (name === "hate" ? "hate" : "abuse");
	if (positive !== "abuse" && positive !== "hate")
		throw new Error(`--positive must be abuse or hate (Davidson's positive class), got "${positive}"`);
	const data = loadTextData(file, { format, olidTask, davidsonPositive: positive });
	const positives = data.rows.filter((r) => r.label === 1).map((r) => r.text);
	if (positives.length === 0) throw new Error(`${file}: no positive rows to obfuscate`);
	if (typeof flags.out === "string") {
		const lines = attacks.flatMap((attack) =>
			positives.map((t, index) =>
				JSON.stringify({ attack, text: obfuscate(t, attack, { seed, rate, index }), label: 1 }),
			),
		);
		writeFileSync(flags.out, `${lines.join("\n")}\n`);
	}
	const modelsDir =
		typeof flags["models-dir"] === "string" ? resolve(flags["models-dir"]) : join(packageRoot(), "models");
	const model = (load ?? (await defaultLoader()))(join(modelsDir, name));
	return {
		...obfuscationReport(model, positives, { attacks, seed, rate, threshold }),
		data: file,
		target: OBFUSCATION_TARGET,
	};
}

async function defaultLoader(): Promise<LoadTextModel> {
	return (await import("../../core/ml/text/model.ts")).loadTextModel;
}

const pct = (x: number) => (x * 100).toFixed(1);
const ratio = (x: number | null) => (x === null ? "–" : x.toFixed(3));

/** One row for the clean text, then one per attack, with the ratio to clean and whether it meets the target. */
export function formatObfuscation(r: ObfuscationReport & { data?: string; target: number }): string {
	const rows = Object.entries(r.attacks).map(([attack, a]) => [
		attack,
		pct(a.recall),
		ratio(a.ratio),
		pct(a.changed),
		a.ratio === null ? "–" : a.ratio >= r.target ? "yes" : "no",
	]);
	return [
		`model ${r.model}, ${r.n} positives of ${r.data ?? "the data"}, threshold ${r.threshold.toFixed(3)}, seed ${r.seed}, rate ${r.rate}`,
		table(
			["attack", "recall", "ratio", "changed", `≥ ${r.target}`],
			[["clean", pct(r.cleanRecall), "1.000", "0.0", ""], ...rows],
		),
		"(recall and changed in %; ratio: recall under the attack / clean recall; changed: texts the attack altered)",
	].join("\n");
}
