import { P, T } from "../types.ts";
import type { Builtin } from "./registry.ts";

export const endsWith: Builtin = {
	name: "ends_with",
	signature: { params: [P.text("text"), P.text("suffix")], returns: T.bool },
	cost: 2,
	summary: "whether `text` ends with `suffix`",
	example: 'ends_with(event.data.email, "@mailinator.com")',
	impl: ([text, suffix]) => String(text).endsWith(String(suffix)),
};
