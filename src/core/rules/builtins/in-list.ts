import { P, T } from "../types.ts";
import { Err } from "../values.ts";
import type { Builtin } from "./registry.ts";

/** Membership in a named list; `x in some_list` is this. */
export const inList: Builtin = {
	name: "in_list",
	signature: { params: [P.text("value"), P.namedList("list")], returns: T.bool },
	cost: 3,
	reads: "lists",
	summary: "whether the value is in the named list, as its kind matches (parent domains, CIDR ranges, ...)",
	example: "in_list(event.context.ip, bad_networks)   # same as: event.context.ip in bad_networks",
	impl([value, name], rt) {
		const list = rt.list(String(name));
		return list instanceof Err ? list : list.has(String(value), rt.at);
	},
};
