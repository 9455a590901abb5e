import { P, T } from "../types.ts";
import { Err } from "../values.ts";
import type { Builtin } from "./registry.ts";

export const anyIn: Builtin = {
	name: "any_in",
	signature: { params: [P.textList("values"), P.namedList("list")], returns: T.bool },
	cost: 5,
	reads: "lists",
	summary: "whether any of the values is in the named list",
	example: "any_in(event.data.urls, spam_domains)",
	impl([values, name], rt) {
		const list = rt.list(String(name));
		if (list instanceof Err) return list;
		const at = rt.at;
		for (const v of values as readonly string[]) if (list.has(v, at)) return true;
		return false;
	},
};
