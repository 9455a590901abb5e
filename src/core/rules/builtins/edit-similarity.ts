import { editSimilarity as normalizedLevenshtein } from "../text/similarity.ts";
import { P, T } from "../types.ts";
import type { Builtin } from "./registry.ts";

export const editSimilarity: Builtin = {
	name: "edit_similarity",
	signature: { params: [P.text("a"), P.text("b")], returns: T.number },
	cost: 30,
	summary: "1 - normalised Levenshtein distance, on the first 500 characters of each text",
	example: 'edit_similarity(event.data.handle, "bulwark_support") > 0.8',
	impl: ([a, b]) => normalizedLevenshtein(String(a), String(b)),
};
