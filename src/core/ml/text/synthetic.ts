/** Toy labelled texts for tests and examples (not real data). */
import { rng } from "../../shared/rng.ts";

/** Seeded synthetic texts: positives carry an insult among neutral words, negatives do not. */
export function synthetic(n: number, seed: number): { texts: string[]; labels: Uint8Array } {
	const rand = rng(seed);
	const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)] as T;
	const neutral = [
		"the",
		"game",
		"was",
		"great",
		"today",
		"see",
		"you",
		"at",
		"lunch",
		"weather",
		"news",
		"team",
		"song",
	];
	const bad = ["idiot", "moron", "loser", "stupid", "trash", "pathetic"];
	const texts: string[] = [];
	const labels = new Uint8Array(n);
	for (let i = 0; i < n; i++) {
		const words = Array.from({ length: 5 + Math.floor(rand() * 6) }, () => pick(neutral));
		if (rand() < 0.4) {
			labels[i] = 1;
			words.splice(Math.floor(rand() * words.length), 0, `you ${pick(bad)}`);
		}
		texts.push(`@USER ${words.join(" ")}`);
	}
	return { texts, labels };
}
