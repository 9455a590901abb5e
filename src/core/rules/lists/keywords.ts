import { textWords, words } from "../text/words.ts";
import type { ListKind } from "../types.ts";
import { expiryOf, type MutableList } from "./ports.ts";

/** Longest phrase (in words) a keywords list may hold. */
export const MAX_PHRASE_WORDS = 6;

/**
 * Keywords and short phrases, matched as whole words, case-insensitively (`free` does not
 * match `freedom`; `dm me` matches "DM me now"). Counting matches in a text costs one hash
 * probe per word and phrase length, whatever the size of the list.
 */
export class KeywordList implements MutableList {
	readonly kind: ListKind = "keywords";
	private readonly phrases = new Map<string, number>();
	/**
	 * How many phrases of two or more words begin with each shorter run of words (`claim` for
	 * `claim now`): counting extends a run by a word only while it begins some phrase, so a text
	 * costs one probe per word plus one per run that could still grow, with no string built for
	 * runs that cannot (measured: building every 1-6 word run was ~2.5% of the event path).
	 */
	private readonly prefixes = new Map<string, number>();

	get size(): number {
		return this.phrases.size;
	}

	normalize(value: string): { ok: true; key: string } | { ok: false; message: string } {
		const w = words(value);
		if (!w.length) return { ok: false, message: `\`${value}\` has no words` };
		if (w.length > MAX_PHRASE_WORDS)
			return {
				ok: false,
				message: `\`${value}\` has ${w.length} words; a keyword phrase has at most ${MAX_PHRASE_WORDS}`,
			};
		return { ok: true, key: w.join(" ") };
	}

	put(key: string, expiresAt: number | null): void {
		if (!this.phrases.has(key)) this.countPrefixes(key, 1);
		this.phrases.set(key, expiryOf(expiresAt));
	}

	delete(key: string): boolean {
		const n = this.normalize(key);
		if (!n.ok || !this.phrases.delete(n.key)) return false;
		this.countPrefixes(n.key, -1);
		return true;
	}

	private countPrefixes(key: string, by: 1 | -1): void {
		for (let i = key.indexOf(" "); i !== -1; i = key.indexOf(" ", i + 1)) {
			const p = key.slice(0, i);
			const n = (this.prefixes.get(p) ?? 0) + by;
			if (n > 0) this.prefixes.set(p, n);
			else this.prefixes.delete(p);
		}
	}

	has(value: string, at: number): boolean {
		const n = this.normalize(value);
		if (!n.ok) return false;
		const exp = this.phrases.get(n.key);
		return exp !== undefined && exp > at;
	}

	countIn(text: string, at: number): number {
		const w = textWords(text);
		const multi = this.prefixes.size > 0;
		let found: string[] | undefined;
		for (let i = 0; i < w.length; i++) {
			let phrase = w[i] as string;
			for (let n = i + 1; ; n++) {
				const exp = this.phrases.get(phrase);
				if (exp !== undefined && exp > at) {
					found ??= [];
					if (!found.includes(phrase)) found.push(phrase);
				}
				if (!multi || n >= w.length || !this.prefixes.has(phrase)) break;
				phrase = `${phrase} ${w[n]}`;
			}
		}
		return found ? found.length : 0;
	}

	sweep(at: number): number {
		let n = 0;
		for (const [k, exp] of this.phrases)
			if (exp <= at) {
				this.phrases.delete(k);
				this.countPrefixes(k, -1);
				n++;
			}
		return n;
	}
}
