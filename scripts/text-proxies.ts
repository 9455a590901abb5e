// Cross-domain proxies for the text models (issue 5; EVALUATION.md "Across domains"). Writes the
// proxy test sets as jsonl for `bulwark eval text --data FILE`, and with --spam-lko trains and
// measures the spam recipe leave-one-kind-out. The proxies stand in for withheld tests that are
// not in ../shared/data; they are not those tests.
//
//   node --import tsx scripts/text-proxies.ts [--data-dir DIR] [--out .tmp/xdomain/proxies]
//        [--spam-lko] [--recipe xdomain|sms] [--min-f1 F|none] [--precision P] [--seed N]
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadTextData, type TextRow, trainingDataDir } from "../src/core/ml/text/data.ts";
import { Featurizer } from "../src/core/ml/text/features.ts";
import { binaryMetrics, stratifiedSplit, trainTextModel } from "../src/core/ml/text/train.ts";
import {
	balanceByLabel,
	davidsonHateSplit,
	maskSmsCues,
	priorShiftThreshold,
	SPAM_KINDS,
	SPAM_MIN_F1,
	type SpamKind,
	spamLeaveKindOut,
	spamMaskedMix,
} from "../src/core/ml/text/xdomain.ts";

const { values: flags } = parseArgs({
	options: {
		"data-dir": { type: "string" },
		out: { type: "string", default: ".tmp/xdomain/proxies" },
		"spam-lko": { type: "boolean", default: false },
		prior: { type: "string", default: "0.5" },
		precision: { type: "string" },
		recipe: { type: "string", default: "xdomain" },
		// The threshold rule's F1 floor (trainTextModel minF1); default the recipe's.
		"min-f1": { type: "string" },
		seed: { type: "string", default: "1" },
	},
});
const dataDir = flags["data-dir"] ? resolve(flags["data-dir"]) : trainingDataDir();
const out = resolve(flags.out as string);
const seed = Number(flags.seed);
mkdirSync(out, { recursive: true });
const jsonl = (rows: readonly { text: string; label: number }[]) =>
	rows.map((r) => JSON.stringify({ text: r.text, label: r.label })).join("\n") + (rows.length ? "\n" : "");
const write = (name: string, rows: readonly { text: string; label: number }[]) => {
	writeFileSync(join(out, name), jsonl(rows));
	const pos = rows.filter((r) => r.label === 1).length;
	process.stdout.write(`${join(out, name)}: ${rows.length} rows, ${pos} positive\n`);
};

// Hate: Davidson's dev and test parts (hate 1, offensive and neither 0); the test part's
// offensive rows alone (all 0: 1 - accuracy is the share of offensive-not-hate flagged).
const dav = davidsonHateSplit(
	loadTextData(join(dataDir, "text", "davidson2017", "labeled_data.csv"), {
		format: "davidson",
		davidsonPositive: "hate",
	}).rows,
);
write("davidson-hate-dev.jsonl", dav.dev);
write("davidson-hate-test.jsonl", dav.test);
write(
	"davidson-offensive-test.jsonl",
	dav.test.filter((r) => r.davidsonClass === 1),
);

// Spam: the spam recipe's validation split (same seed), SMS cues masked, balanced.
const sms = loadTextData(join(dataDir, "text", "sms-spam", "SMSSpamCollection"), { format: "sms" }).rows;
const [trainIdx, valIdx] = stratifiedSplit(
	sms.map((r) => r.label),
	0.2,
	seed,
);
const smsTrain = trainIdx.map((i) => sms[i] as TextRow);
const smsVal = valIdx.map((i) => sms[i] as TextRow);
write("sms-val-balanced.jsonl", balanceByLabel(smsVal));
write("sms-masked-val-balanced.jsonl", balanceByLabel(smsVal.map((r) => ({ ...r, text: maskSmsCues(r.text) }))));

if (flags["spam-lko"]) {
	const precision = flags.precision === undefined ? undefined : Number(flags.precision);
	const kinds: SpamKind[] = [...SPAM_KINDS.map(([k]) => k), "other"];
	const pct = (x: number) => (x * 100).toFixed(1);
	process.stdout.write(
		`\nspam leave-one-kind-out, recipe ${flags.recipe} (balanced tests; threshold chosen on the validation rows left${precision ? `, precision ${precision}` : ""}${flags["min-f1"] ? `, min F1 ${flags["min-f1"]}` : ""})\n`,
	);
	const prior = Number(flags.prior);
	process.stdout.write(
		`| held-out kind | spam | macro-F1 | recall | AUC | masked macro-F1 | masked recall | masked AUC | masked macro-F1, threshold moved to prior ${prior} |\n`,
	);
	process.stdout.write("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	const xdomain = flags.recipe === "xdomain";
	const minF1Flag = flags["min-f1"];
	const minF1 =
		minF1Flag === undefined
			? xdomain
				? SPAM_MIN_F1
				: undefined
			: minF1Flag === "none"
				? undefined
				: Number(minF1Flag);
	const asTexts = (rows: readonly TextRow[]) => ({
		texts: rows.map((r) => r.text),
		labels: rows.map((r) => r.label),
	});
	const trainSpam = (train: readonly TextRow[], val: readonly TextRow[]) =>
		trainTextModel({
			name: "spam",
			train: asTexts(xdomain ? spamMaskedMix(train) : train),
			val: asTexts(val),
			seed,
			targetPrecision: precision,
			...(minF1 !== undefined ? { minF1 } : {}),
		});
	const sums: [number, number, number, number, number] = [0, 0, 0, 0, 0];
	for (const kind of kinds) {
		const p = spamLeaveKindOut(smsTrain, smsVal, kind);
		const masked = spamLeaveKindOut(smsTrain, smsVal, kind, true).test;
		const m = trainSpam(p.train, p.val);
		const fz = new Featurizer(m.features);
		const score = (t: string) => {
			const x = fz.vectorize(t);
			let s = m.bias;
			for (let k = 0; k < x.indices.length; k++)
				s += (m.weights[x.indices[k] as number] as number) * (x.values[k] as number);
			return 1 / (1 + Math.exp(-(m.platt.a * s + m.platt.b)));
		};
		const eval_ = (rows: readonly TextRow[], threshold = m.threshold) =>
			binaryMetrics(
				rows.map((r) => r.label),
				rows.map((r) => score(r.text)),
				threshold,
			);
		const valPrior = p.val.filter((r) => r.label === 1).length / p.val.length;
		const a = eval_(p.test);
		const b = eval_(masked);
		const c = eval_(masked, priorShiftThreshold(m.threshold, valPrior, prior));
		sums[4] += c.macroF1;
		sums[0] += a.macroF1;
		sums[1] += a.auc;
		sums[2] += b.macroF1;
		sums[3] += b.auc;
		process.stdout.write(
			`| ${kind} | ${p.test.filter((r) => r.label === 1).length} | ${pct(a.macroF1)} | ${pct(a.recall)} | ${a.auc.toFixed(3)} | ${pct(b.macroF1)} | ${pct(b.recall)} | ${b.auc.toFixed(3)} | ${pct(c.macroF1)} |\n`,
		);
	}
	const n = kinds.length;
	process.stdout.write(
		`| mean | | ${pct((sums[0] as number) / n)} | | ${((sums[1] as number) / n).toFixed(3)} | ${pct((sums[2] as number) / n)} | | ${((sums[3] as number) / n).toFixed(3)} | ${pct((sums[4] as number) / n)} |\n`,
	);
	// The same recipe on every kind: the SMS validation figures `train text` would report.
	const full = trainSpam(smsTrain, smsVal).report.val;
	process.stdout.write(
		`\nthe same recipe on all of SMS train, at its threshold on SMS val: F1 ${pct(full.f1)}, precision ${pct(full.precision)}, recall ${pct(full.recall)}\n`,
	);
}
