import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Rng } from "./prng.ts";
import { builtinText, type TextGen } from "./text.ts";

export interface Pools {
	organic: string[];
	abusive: string[];
	spam: string[];
}

/** tweeteval-style `*_text.txt` + `*_labels.txt`, split by label (1 = offensive/hate). */
function readLabelled(dir: string, pools: Pools): void {
	for (const split of ["train", "val"]) {
		const text = join(dir, `${split}_text.txt`);
		const labels = join(dir, `${split}_labels.txt`);
		if (!existsSync(text) || !existsSync(labels)) continue;
		const t = readFileSync(text, "utf8").split("\n");
		const l = readFileSync(labels, "utf8").split("\n");
		t.forEach((line, k) => {
			const s = line.trim().slice(0, 280);
			if (s) (l[k]?.trim() === "1" ? pools.abusive : pools.organic).push(s);
		});
	}
}

/** SMS Spam Collection TSV: `label<TAB>text`. */
function readSms(file: string, pools: Pools): void {
	if (!existsSync(file)) return;
	for (const line of readFileSync(file, "utf8").split("\n")) {
		const tab = line.indexOf("\t");
		if (tab < 0) continue;
		const s = line
			.slice(tab + 1)
			.trim()
			.slice(0, 280);
		if (s) (line.slice(0, tab) === "spam" ? pools.spam : pools.organic).push(s);
	}
}

/** Reads the pools from `dir`: the layout of ../shared/data/text, or the folder holding `text/`. */
export function loadCorpus(dir: string): Pools {
	const root = existsSync(join(dir, "text")) && !existsSync(join(dir, "tweeteval")) ? join(dir, "text") : dir;
	const pools: Pools = { organic: [], abusive: [], spam: [] };
	readLabelled(join(root, "tweeteval", "offensive"), pools);
	readLabelled(join(root, "tweeteval", "hate"), pools);
	readSms(join(root, "sms-spam", "SMSSpamCollection"), pools);
	if (!pools.organic.length && !pools.abusive.length && !pools.spam.length)
		throw new Error(
			`no corpus text found under ${dir} (expected tweeteval/{offensive,hate}/*_text.txt or sms-spam/SMSSpamCollection, as in ../shared/data/text)`,
		);
	return pools;
}

/**
 * Text from real labelled data (`--corpus DIR`, the layout of ../shared/data/text, or
 * ../shared/data itself): organic and abusive posts from tweeteval offensive and hate (OLID is
 * the same tweets, so it is not read twice), spam from the SMS Spam Collection. The files are
 * read here, so a wrong folder fails before anything is sent; a pool that found nothing falls
 * back to the built-in templates.
 * @example new Simulation({ seed: 1, accounts: 1_000 }, corpusText("../shared/data"))
 */
export function corpusText(dir: string): TextGen {
	const pools = loadCorpus(dir);
	const from = (pool: string[], rng: Rng, fallback: () => string) => (pool.length ? rng.pick(pool) : fallback());
	return {
		organic: (rng, topic) => from(pools.organic, rng, () => builtinText.organic(rng, topic)),
		reply: (rng) => (rng.chance(0.5) ? from(pools.organic, rng, () => builtinText.reply(rng)) : builtinText.reply(rng)),
		abusive: (rng) => from(pools.abusive, rng, () => builtinText.abusive(rng)),
		spam: (rng, template, url) => {
			const p = pools.spam;
			// A botnet sticks to a slice of the pool and moves to the next slice when it rotates.
			return p.length ? `${p[(template * 37 + rng.int(8)) % p.length]} ${url}` : builtinText.spam(rng, template, url);
		},
	};
}
