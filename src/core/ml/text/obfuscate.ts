/**
 * A seeded obfuscator: the attacks people use to get abuse past filters, one at a time or mixed,
 * for the obfuscation stress set (`bulwark eval obfuscation`). Each word of three or more letters
 * (not a mention, link or placeholder) is attacked with probability `rate`, and a text always gets
 * at least one attacked word when it has any. The same text, attack, seed and index give the same
 * output on every run.
 *
 * @example
 * obfuscate("you are a stupid idiot", "leet", { seed: 1 }) // e.g. "y0u are a 5tup!d id10t"
 * obfuscate("you are a stupid idiot", "spacing", { seed: 1 }) // e.g. "you are a s t u p i d idiot"
 */
import { rng } from "../../shared/rng.ts";

export const ATTACKS = ["leet", "spacing", "punctuation", "homoglyph", "repeat", "emoji", "case"] as const;
export type Attack = (typeof ATTACKS)[number];
/** The single attacks, and `mix`: every attacked word gets two different attacks, one after the other. */
export type AttackOrMix = Attack | "mix";
export const ATTACK_NAMES: readonly AttackOrMix[] = [...ATTACKS, "mix"];

export interface ObfuscateOptions {
	/** PRNG seed (default 1). */
	readonly seed?: number;
	/** The row's index in its data set: rows get independent streams, whatever the order they are read in. */
	readonly index?: number;
	/** Probability that an eligible word is attacked (default 0.5). */
	readonly rate?: number;
}

type Rand = () => number;

const LEET: Record<string, readonly string[]> = {
	a: ["4", "@"],
	e: ["3"],
	i: ["1", "!"],
	o: ["0"],
	s: ["5", "$"],
	t: ["7"],
	l: ["1", "|"],
	g: ["9"],
	b: ["8"],
};

/** Cyrillic and Greek letters that look like Latin ones. */
const LOOKALIKE: Record<string, readonly string[]> = {
	a: ["а", "α"],
	b: ["Ь"],
	c: ["с", "ϲ"],
	d: ["ԁ"],
	e: ["е", "ε"],
	h: ["һ"],
	i: ["і", "ι"],
	j: ["ј"],
	k: ["к", "κ"],
	m: ["м"],
	n: ["η", "п"],
	o: ["о", "ο"],
	p: ["р", "ρ"],
	s: ["ѕ"],
	t: ["т", "τ"],
	u: ["υ", "ս"],
	v: ["ν"],
	w: ["ω", "ԝ"],
	x: ["х", "χ"],
	y: ["у", "γ"],
};

const SEPARATORS = [".", "-", "_", "*", "/", "~", "+", ","];
const EMOJI = ["😡", "🤬", "💩", "🖕", "😂", "🤡", "🔥", "💀", "👎", "🙄", "😤", "🐷"];

const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;

/** Plain words of three letters or more: a mention, a link, a placeholder or a number is left alone. */
const ELIGIBLE = /^[A-Za-z][A-Za-z'’]+[A-Za-z]$/;

function leet(w: string, rand: Rand): string {
	const at = [...w].flatMap((c, i) => (LEET[c.toLowerCase()] ? [i] : []));
	if (at.length === 0) return w;
	const must = pick(rand, at);
	return [...w]
		.map((c, i) =>
			LEET[c.toLowerCase()] && (i === must || rand() < 0.6) ? pick(rand, LEET[c.toLowerCase()] as string[]) : c,
		)
		.join("");
}

function homoglyph(w: string, rand: Rand): string {
	const chars = [...w];
	if (rand() < 0.3) {
		// Fullwidth forms of the whole word: "ｉｄｉｏｔ".
		return chars.map((c) => (c >= "!" && c <= "~" ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c)).join("");
	}
	const at = chars.flatMap((c, i) => (LOOKALIKE[c.toLowerCase()] ? [i] : []));
	if (at.length === 0) return w;
	const must = pick(rand, at);
	return chars
		.map((c, i) => {
			const l = LOOKALIKE[c.toLowerCase()];
			if (!l || (i !== must && rand() >= 0.5)) return c;
			const g = pick(rand, l);
			return c === c.toUpperCase() ? g.toUpperCase() : g;
		})
		.join("");
}

const spread = (w: string, sep: string) => [...w].join(sep);

function repeat(w: string, rand: Rand): string {
	const chars = [...w];
	const times = 1 + Math.floor(rand() * 2);
	for (let k = 0; k < times; k++) {
		const i = Math.floor(rand() * chars.length);
		chars[i] = (chars[i] as string).repeat(3 + Math.floor(rand() * 4));
	}
	return chars.join("");
}

function emoji(w: string, rand: Rand): string {
	const e = pick(rand, EMOJI);
	const chars = [...w];
	if (rand() < 0.5 && chars.length >= 2) {
		const i = 1 + Math.floor(rand() * (chars.length - 1));
		return `${chars.slice(0, i).join("")}${e}${chars.slice(i).join("")}`;
	}
	return rand() < 0.5 ? `${e} ${w}` : `${w} ${e}`;
}

function mixedCase(w: string, rand: Rand): string {
	const out = [...w].map((c) => (rand() < 0.5 ? c.toUpperCase() : c.toLowerCase())).join("");
	if (out !== w) return out;
	const c = w[0] as string;
	return (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()) + w.slice(1);
}

/** One attack on one word. */
function attackWord(w: string, attack: Attack, rand: Rand): string {
	switch (attack) {
		case "leet":
			return leet(w, rand);
		case "spacing":
			return spread(w, rand() < 0.8 ? " " : "  ");
		case "punctuation":
			return spread(w, pick(rand, SEPARATORS));
		case "homoglyph":
			return homoglyph(w, rand);
		case "repeat":
			return repeat(w, rand);
		case "emoji":
			return emoji(w, rand);
		case "case":
			return mixedCase(w, rand);
	}
}

/** The order of two attacks in a mix: letters are changed before the word is split, emoji go in last. */
const ORDER: Record<Attack, number> = {
	case: 0,
	leet: 1,
	homoglyph: 2,
	repeat: 3,
	punctuation: 4,
	spacing: 4,
	emoji: 5,
};

function mix(w: string, rand: Rand): string {
	const first = pick(rand, ATTACKS);
	let second = pick(rand, ATTACKS);
	while (second === first || ORDER[second] === ORDER[first]) second = pick(rand, ATTACKS);
	const [a, b] = ORDER[first] < ORDER[second] ? [first, second] : [second, first];
	return attackWord(attackWord(w, a, rand), b, rand);
}

/** A 32-bit hash of (seed, attack, index), so each row and attack has its own stream. */
function streamSeed(seed: number, attack: AttackOrMix, index: number): number {
	let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ index;
	for (let i = 0; i < attack.length; i++) h = Math.imul(h ^ attack.charCodeAt(i), 0x01000193);
	h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
	return (h ^ (h >>> 13)) >>> 0;
}

/**
 * The text with `attack` applied to its words (see the module comment); whitespace between words
 * is kept as it was.
 */
export function obfuscate(text: string, attack: AttackOrMix, options: ObfuscateOptions = {}): string {
	const rate = options.rate ?? 0.5;
	const rand = rng(streamSeed(options.seed ?? 1, attack, options.index ?? 0));
	const parts = text.split(/(\s+)/);
	const eligible: number[] = [];
	parts.forEach((p, i) => {
		// Trailing punctuation stays outside the word: "idiot!!!" attacks "idiot".
		const core = p.replace(/^[^A-Za-z]+|[^A-Za-z]+$/g, "");
		if (i % 2 === 0 && !p.includes("@") && !p.includes("/") && ELIGIBLE.test(core) && core.toLowerCase() !== "url")
			eligible.push(i);
	});
	if (eligible.length === 0) return text;
	const chosen = new Set(eligible.filter(() => rand() < rate));
	if (chosen.size === 0) chosen.add(pick(rand, eligible));
	for (const i of chosen) {
		const p = parts[i] as string;
		const m = /^([^A-Za-z]*)(.*?)([^A-Za-z]*)$/s.exec(p) as RegExpExecArray;
		const core = m[2] as string;
		const attacked = attack === "mix" ? mix(core, rand) : attackWord(core, attack, rand);
		parts[i] = `${m[1]}${attacked}${m[3]}`;
	}
	return parts.join("");
}

/** Recall on obfuscated positives next to the clean recall: what `bulwark eval obfuscation --json` prints per attack. */
export interface AttackResult {
	/** Share of the positives flagged after the attack. */
	readonly recall: number;
	/** recall / clean recall (null when the clean recall is 0). */
	readonly ratio: number | null;
	/** Share of the positives whose text the attack changed. */
	readonly changed: number;
}

export interface ObfuscationReport {
	readonly model: string;
	readonly threshold: number;
	readonly seed: number;
	readonly rate: number;
	/** Positives measured. */
	readonly n: number;
	readonly cleanRecall: number;
	readonly attacks: Partial<Record<AttackOrMix, AttackResult>>;
	/** The lowest ratio over the attacks measured. */
	readonly minRatio: number | null;
}

/**
 * Scores the positive texts clean and under each attack at the model's threshold (or `threshold`).
 * @example obfuscationReport(abuse, positives, { attacks: ["leet", "mix"], seed: 7 }).attacks.mix?.ratio
 */
export function obfuscationReport(
	model: { readonly name: string; readonly threshold: number; score(text: string): number },
	positives: readonly string[],
	options: { attacks?: readonly AttackOrMix[]; seed?: number; rate?: number; threshold?: number } = {},
): ObfuscationReport {
	const threshold = options.threshold ?? model.threshold;
	const seed = options.seed ?? 1;
	const rate = options.rate ?? 0.5;
	const recall = (texts: readonly string[]) =>
		texts.length === 0 ? 0 : texts.filter((t) => model.score(t) >= threshold).length / texts.length;
	const cleanRecall = recall(positives);
	const attacks: Partial<Record<AttackOrMix, AttackResult>> = {};
	let minRatio: number | null = null;
	for (const attack of options.attacks ?? ATTACK_NAMES) {
		const texts = positives.map((t, index) => obfuscate(t, attack, { seed, rate, index }));
		const r = recall(texts);
		const ratio = cleanRecall === 0 ? null : r / cleanRecall;
		const changed = positives.length === 0 ? 0 : texts.filter((t, i) => t !== positives[i]).length / positives.length;
		attacks[attack] = { recall: r, ratio, changed };
		if (ratio !== null && (minRatio === null || ratio < minRatio)) minRatio = ratio;
	}
	return { model: model.name, threshold, seed, rate, n: positives.length, cleanRecall, attacks, minRatio };
}
