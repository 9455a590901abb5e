import type { Rng } from "./prng.ts";
import {
	ABUSE,
	CLAIM_FILL,
	CLAIMS,
	CLOSERS,
	FEELINGS,
	INSULTS,
	OPENER_LIST,
	PRIZES,
	REPLY_LIST,
	SPAM,
	SYNONYMS,
	TOPIC_WORDS,
	TOPICS,
	VERBS,
} from "./words.ts";

/**
 * Where post text comes from. The built-in generator is templates with variety; `--corpus`
 * swaps organic, abusive and spam text for real labelled data (see corpus.ts).
 */
export interface TextGen {
	/** An ordinary post about a topic (index into TOPICS). */
	organic(rng: Rng, topic: number): string;
	/** An ordinary reply. */
	reply(rng: Rng): string;
	/** An abusive reply. */
	abusive(rng: Rng): string;
	/** Spam from template family `template` (bots rotate families when actioned). */
	spam(rng: Rng, template: number, url: string): string;
}

const fill = (rng: Rng, s: string, map: Record<string, readonly string[]>): string =>
	s.replace(/\{(\w+)\}/g, (_, k: string) => rng.pick(map[k] ?? [k]));

/** The built-in, template-based text generator. */
export const builtinText: TextGen = {
	organic(rng, topic) {
		const name = TOPICS[topic % TOPICS.length] as string;
		const words = TOPIC_WORDS[name] as readonly string[];
		const a = rng.pick(words);
		const b = rng.pick(words);
		switch (rng.int(4)) {
			case 0:
				return `${rng.pick(OPENER_LIST)} ${rng.pick(VERBS)} the ${a} and it was ${rng.pick(FEELINGS)}${rng.pick(CLOSERS)}`;
			case 1:
				return `the ${a} this week is ${rng.pick(FEELINGS)}, the ${b} even more${rng.pick(CLOSERS)}`;
			case 2:
				return `${rng.pick(OPENER_LIST)} thinking about ${name} again: ${a} > ${b}${rng.pick(CLOSERS)}`;
			default:
				return `who else ${rng.pick(VERBS)} a new ${a} today? ${rng.pick(FEELINGS)}${rng.pick(CLOSERS)}`;
		}
	},
	reply(rng) {
		return rng.pick(REPLY_LIST) + rng.pick(CLOSERS);
	},
	abusive(rng) {
		return fill(rng, rng.pick(ABUSE), { insult: INSULTS });
	},
	spam(rng, template, url) {
		const t = SPAM[template % SPAM.length] as string;
		return fill(rng, t, { prize: PRIZES, url: [url] });
	},
};

/**
 * A near-duplicate of seeded false claim `k`: same claim, words swapped for synonyms, changed
 * case, punctuation and tags, as copy-paste campaigns look.
 */
export function claimText(rng: Rng, k: number): string {
	const base = fill(rng, CLAIMS[k % CLAIMS.length] as string, CLAIM_FILL);
	let out = base
		.split(" ")
		.map((word) => {
			const syn = SYNONYMS[word];
			return syn && rng.chance(0.5) ? rng.pick(syn) : word;
		})
		.join(" ");
	if (rng.chance(0.3)) out = out.toUpperCase();
	if (rng.chance(0.5)) out += rng.pick(["!!", "!!!", " 😡", " 👀", "."]);
	return out;
}
