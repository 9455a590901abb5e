import { P, T } from "../types.ts";
import { Err } from "../values.ts";
import type { Builtin } from "./registry.ts";

export const countIn: Builtin = {
	name: "count_in",
	signature: { params: [P.textList("values"), P.namedList("list")], returns: T.number },
	cost: 5,
	reads: "lists",
	summary: "how many of the values are in the named list",
	example: "count_in(event.data.hashtags, spam_hashtags) >= 2",
	impl([values, name], rt) {
		const list = rt.list(String(name));
		if (list instanceof Err) return list;
		let n = 0;
		for (const v of values as readonly string[]) if (list.has(v, rt.at)) n++;
		return n;
	},
};
