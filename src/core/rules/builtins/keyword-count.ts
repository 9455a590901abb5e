import { P, T } from "../types.ts";
import { Err } from "../values.ts";
import type { Builtin } from "./registry.ts";

export const keywordCount: Builtin = {
	name: "keyword_count",
	signature: { params: [P.text("text"), P.namedList("list", ["keywords"])], returns: T.number },
	cost: 10,
	reads: "lists",
	summary: "how many distinct keywords or phrases of a keywords list occur in the text, as whole words",
	example: "keyword_count(event.data.text, spam_phrases) >= 2",
	impl([text, name], rt) {
		const list = rt.list(String(name));
		if (list instanceof Err) return list;
		return list.countIn ? list.countIn(String(text), rt.at) : new Err(`list ${String(name)} is not a keywords list`);
	},
};
