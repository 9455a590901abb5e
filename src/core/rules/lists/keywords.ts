import { words } from "../text/words.ts";
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
	private maxWords = 1;

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
		this.phrases.set(key, expiryOf(expiresAt));
		this.maxWords = Math.max(this.maxWords, key.split(" ").length);
	}

	delete(key: string): boolean {
		const n = this.normalize(key);
		return n.ok && this.phrases.delete(n.key);
	}

	has(value: string, at: number): boolean {
		const n = this.normalize(value);
		if (!n.ok) return false;
		const exp = this.phrases.get(n.key);
		return exp !== undefined && exp > at;
	}

	countIn(text: string, at: number): number {
		const w = words(text);
		const found = new Set<string>();
		for (let i = 0; i < w.length; i++) {
			let phrase = "";
			for (let n = 0; n < this.maxWords && i + n < w.length; n++) {
				phrase = n ? `${phrase} ${w[i + n]}` : (w[i] as string);
				const exp = this.phrases.get(phrase);
				if (exp !== undefined && exp > at) found.add(phrase);
			}
		}
		return found.size;
	}

	sweep(at: number): number {
		let n = 0;
		for (const [k, exp] of this.phrases)
			if (exp <= at) {
				this.phrases.delete(k);
				n++;
			}
		return n;
	}
}
