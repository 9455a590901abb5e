import { P, T } from "../types.ts";
import type { Builtin } from "./registry.ts";

export const len: Builtin = {
	name: "len",
	signature: { params: [P.textOrList("value")], returns: T.number },
	cost: 1,
	summary: "the length of a text (characters) or a list (items)",
	example: "len(event.data.urls) > 0",
	impl: ([v]) => (Array.isArray(v) ? v.length : String(v).length),
};
