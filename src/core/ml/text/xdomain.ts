/**
 * Cross-domain proxies and data mixes for the text models (issue 5). The official tests the
 * targets are set on (HatEval's test set, a withheld site's comment spam) are not in
 * `../shared/data`; these build shifted stand-ins from the data that is, with seeded splits whose
 * final part no choice is made on. A proxy is not the target: it says which way a recipe moves
 * across a shift, not the figure on the withheld test.
 *
 * @example
 * const d = davidsonHateSplit(loadTextData(file, { format: "davidson", davidsonPositive: "hate" }).rows);
 * d.test.length; // ~20% of the rows, never tuned on
 */
import { rng } from "../../shared/rng.ts";
import type { TextRow } from "./data.ts";

/**
 * A seeded split stratified by `classes` into parts of the given fractions (the rest goes to the
 * first part). Returns each part's row numbers in ascending order.
 * @example splitByClass([0, 1, 2, 0], [0.6, 0.2, 0.2], 7) // [[...], [...], [...]]
 */
export function splitByClass(classes: ArrayLike<number>, fractions: readonly number[], seed: number): number[][] {
	const rand = rng(seed);
	const parts: number[][] = fractions.map(() => []);
	const byClass = new Map<number, number[]>();
	for (let i = 0; i < classes.length; i++) {
		const c = classes[i] as number;
		const list = byClass.get(c) ?? [];
		list.push(i);
		byClass.set(c, list);
	}
	for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
		const rows = byClass.get(c) as number[];
		for (let i = rows.length - 1; i > 0; i--) {
			const j = Math.floor(rand() * (i + 1));
			[rows[i], rows[j]] = [rows[j] as number, rows[i] as number];
		}
		let at = 0;
		for (let p = fractions.length - 1; p >= 1; p--) {
			const n = Math.round(rows.length * (fractions[p] as number));
			(parts[p] as number[]).push(...rows.slice(at, at + n));
			at += n;
		}
		(parts[0] as number[]).push(...rows.slice(at));
	}
	return parts.map((p) => p.sort((a, b) => a - b));
}

/** The fixed seed of the Davidson proxy split: the same rows are held out whatever the training seed. */
export const DAVIDSON_SPLIT_SEED = 2017;

export interface DavidsonHateSplit {
	/** 60%: rows a recipe may train on. */
	readonly pool: TextRow[];
	/** 20%: rows a recipe may make choices on (threshold, regularisation). */
	readonly dev: TextRow[];
	/** 20%: the final proxy, never trained or tuned on. */
	readonly test: TextRow[];
}

/**
 * Davidson et al. 2017 as a shifted hate test: label 1 only for class 0 (hate), offensive and
 * neither are 0 (offensive-but-not-hate must not be flagged). Split 60/20/20 stratified by the
 * three classes with {@link DAVIDSON_SPLIT_SEED}; exact duplicates (after trimming and lower
 * case) are kept together in the part of their first occurrence so no text is in two parts.
 */
export function davidsonHateSplit(rows: readonly TextRow[], seed = DAVIDSON_SPLIT_SEED): DavidsonHateSplit {
	const first = new Map<string, number>();
	const unique: number[] = [];
	rows.forEach((r, i) => {
		const key = r.text.trim().toLowerCase();
		if (!first.has(key)) {
			first.set(key, unique.length);
			unique.push(i);
		}
	});
	const classes = unique.map((i) => (rows[i] as TextRow).davidsonClass ?? (rows[i] as TextRow).label);
	const parts = splitByClass(classes, [0.6, 0.2, 0.2], seed);
	const partOf = new Int8Array(unique.length);
	parts.forEach((p, k) => {
		for (const u of p) partOf[u] = k;
	});
	const out: TextRow[][] = [[], [], []];
	for (const r of rows) {
		const u = first.get(r.text.trim().toLowerCase()) as number;
		const label: 0 | 1 = r.davidsonClass === undefined ? r.label : r.davidsonClass === 0 ? 1 : 0;
		(out[partOf[u] as number] as TextRow[]).push({ ...r, label });
	}
	return { pool: out[0] as TextRow[], dev: out[1] as TextRow[], test: out[2] as TextRow[] };
}

/**
 * SMS spam kinds by keyword, for the leave-one-kind-out proxy: a held-out kind's vocabulary is
 * unseen in training, as a new site's spam is. First match wins; `other` when none does.
 */
export const SPAM_KINDS = [
	["prize", /\b(won|win|winner|prize|claim|award|reward|guaranteed|cash|£\d)/i],
	["service", /\b(ringtone|tone|polyphonic|video|camera|phone|mobile|nokia|upgrade|latest|colour)/i],
	["dating", /\b(chat|date|dating|sexy|xxx|girls?|singles?|flirt|meet|horny)/i],
] as const satisfies readonly (readonly [string, RegExp])[];

export type SpamKind = (typeof SPAM_KINDS)[number][0] | "other";

export function spamKind(text: string): SpamKind {
	for (const [kind, re] of SPAM_KINDS) if (re.test(text)) return kind;
	return "other";
}

/**
 * The SMS cues a comment on another site does not carry, masked: phone numbers and short codes,
 * prices and amounts, and SMS-only instructions (`txt`, `reply`, `stop`). What remains is the
 * offer's wording. Used only to build the proxy (the models read text as given).
 * @example maskSmsCues("Call 09061701461 to claim £900 prize. Txt STOP to 87239") // "Call to claim prize."
 */
export function maskSmsCues(text: string): string {
	return text
		.replace(/(?:£|\$|€)\s?\d[\d,.]*(?:p|k)?|\d[\d,.]*\s?(?:p|ppm|pence|gbp|quid)\b/gi, " ")
		.replace(/\b(?:txt|text|reply|send)\s+(?:stop|\w+)\s+(?:to\s+)?\d+\b/gi, " ")
		.replace(/\b(?:txt|sms|msg|stop|reply)\b/gi, " ")
		.replace(/\d+/g, " ")
		.replace(/[ \t]+/g, " ")
		.replace(/\s+([.,!?])/g, "$1")
		.trim();
}

/** The `spam` model's data recipes: `xdomain` (default, issue 5) or `sms` (the first recipe). */
export const SPAM_RECIPES = ["xdomain", "sms"] as const;

/**
 * Recipe `xdomain` for spam: the threshold is the lowest keeping SMS validation F1 at or above
 * this (0.95 is the bar; the margin keeps a retrain with another seed above it), since
 * another site's spam carries fewer of SMS's cues and scores lower (EVALUATION.md "Across domains").
 */
export const SPAM_MIN_F1 = 0.955;

/**
 * Recipe `xdomain` for spam: the training rows and a copy of each with the SMS cues masked
 * (`maskSmsCues`), so that words which spam shares across sites (free, win, call, claim, click,
 * urls) carry weight of their own, not only next to a phone number or a price.
 */
export function spamMaskedMix<R extends { text: string }>(train: readonly R[]): R[] {
	return [...train, ...train.map((r) => ({ ...r, text: maskSmsCues(r.text) }))];
}

/** The `hate` model's data recipes: `xdomain` (default, issue 5) or `tweeteval` (the first recipe). */
export const HATE_RECIPES = ["xdomain", "tweeteval"] as const;
export type HateRecipe = (typeof HATE_RECIPES)[number];

/** The weight of a Davidson row against a TweetEval row in the `xdomain` recipe. */
export const DAVIDSON_WEIGHT = 0.5;

export interface MixedTexts {
	readonly texts: string[];
	readonly labels: Uint8Array;
	readonly weights?: Float64Array;
	readonly groups?: Uint8Array;
	readonly groupNames?: readonly string[];
}

/**
 * The `xdomain` hate recipe's data: TweetEval hate train plus the Davidson proxy's training part
 * (hate 1; offensive, the hard negatives, and neither 0), Davidson rows weighted
 * `davidsonWeight`; validation is TweetEval val and the Davidson dev part as two groups, so the
 * regularisation and the threshold must hold on both (`chooseThresholdGroups` in train.ts). The
 * Davidson test part is left out of both.
 */
export function hateCrossDomainMix(
	tweetTrain: readonly TextRow[],
	tweetVal: readonly TextRow[],
	davidson: DavidsonHateSplit,
	davidsonWeight = DAVIDSON_WEIGHT,
): { train: MixedTexts; val: MixedTexts } {
	const train = [...tweetTrain, ...davidson.pool];
	const val = [...tweetVal, ...davidson.dev];
	return {
		train: {
			texts: train.map((r) => r.text),
			labels: Uint8Array.from(train, (r) => r.label),
			weights: Float64Array.from(train, (_, i) => (i < tweetTrain.length ? 1 : davidsonWeight)),
		},
		val: {
			texts: val.map((r) => r.text),
			labels: Uint8Array.from(val, (r) => r.label),
			groups: Uint8Array.from(val, (_, i) => (i < tweetVal.length ? 0 : 1)),
			groupNames: ["tweeteval-val", "davidson-dev"],
		},
	};
}

/**
 * The rows of a test with as many negatives as positives: every positive, and negatives taken at
 * even steps through their order (deterministic). The withheld comment set's spam share is not
 * known; a balanced proxy does not let the SMS share (13%) set macro-F1.
 */
export function balanceByLabel<T extends { label: number }>(rows: readonly T[]): T[] {
	const pos = rows.filter((r) => r.label === 1);
	const neg = rows.filter((r) => r.label !== 1);
	if (neg.length <= pos.length) return [...rows];
	const step = neg.length / pos.length;
	return [...pos, ...pos.map((_, i) => neg[Math.floor(i * step)] as T)];
}

/**
 * The leave-one-kind-out spam proxy for `kind`: train and validation without that kind's spam,
 * and a test of the validation ham with every spam message of that kind (all unseen), balanced;
 * `masked` applies {@link maskSmsCues} to the test's texts.
 */
export function spamLeaveKindOut(
	train: readonly TextRow[],
	val: readonly TextRow[],
	kind: SpamKind,
	masked = false,
): { train: TextRow[]; val: TextRow[]; test: TextRow[] } {
	const keep = (r: TextRow) => r.label === 0 || spamKind(r.text) !== kind;
	const held = [...train, ...val].filter((r) => r.label === 1 && spamKind(r.text) === kind);
	const test = balanceByLabel([...val.filter((r) => r.label === 0), ...held]).map((r) =>
		masked ? { ...r, text: maskSmsCues(r.text) } : r,
	);
	return { train: train.filter(keep), val: val.filter(keep), test };
}

/**
 * A calibrated-probability threshold moved to another class prior: the same decision odds,
 * multiplied by the change in prior odds (the label-shift correction, with the calibration
 * itself assumed to transfer).
 * @example priorShiftThreshold(0.5, 0.2, 0.5) // 0.2: at a 50% prior, 1:4 odds weigh what 1:1 did at 20%
 */
export function priorShiftThreshold(threshold: number, fromPrior: number, toPrior: number): number {
	const odds = (p: number) => p / (1 - p);
	const o = (odds(threshold) * odds(fromPrior)) / odds(toPrior);
	return o / (1 + o);
}
