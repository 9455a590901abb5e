import { P, T } from "../types.ts";
import { Err } from "../values.ts";
import type { Builtin } from "./registry.ts";

export const maxSimilarity: Builtin = {
	name: "max_similarity",
	signature: { params: [P.text("text"), P.namedList("list", ["strings"])], returns: T.number },
	cost: 40,
	reads: "lists",
	summary: "the highest similarity (as `similarity`) of the text to an entry of a strings list",
	example: "max_similarity(event.data.text, debunked_claims) >= 0.5",
	impl([text, name], rt) {
		const list = rt.list(String(name));
		if (list instanceof Err) return list;
		return list.maxSimilarity
			? list.maxSimilarity(String(text), rt.at)
			: new Err(`list ${String(name)} is not a strings list`);
	},
};
