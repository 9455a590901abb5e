import { P, T } from "../types.ts";
import type { Builtin } from "./registry.ts";

export const lower: Builtin = {
	name: "lower",
	signature: { params: [P.text("text")], returns: T.string },
	cost: 2,
	summary: "the text in lower case",
	example: 'lower(event.data.handle) == "admin"',
	impl: ([text]) => String(text).toLowerCase(),
};
