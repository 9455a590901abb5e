import { similarity as jaccardSimilarity } from "../text/similarity.ts";
import { P, T } from "../types.ts";
import type { Builtin } from "./registry.ts";

export const similarity: Builtin = {
	name: "similarity",
	signature: { params: [P.text("a"), P.text("b")], returns: T.number },
	cost: 15,
	summary: "near-duplicate similarity in [0, 1]: Jaccard of character 3-grams, ignoring case and punctuation",
	example: 'similarity(event.data.text, "the moon landing was filmed in a studio") > 0.6',
	impl: ([a, b]) => jaccardSimilarity(String(a), String(b)),
};
