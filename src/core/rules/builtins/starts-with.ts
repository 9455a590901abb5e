import { P, T } from "../types.ts";
import type { Builtin } from "./registry.ts";

export const startsWith: Builtin = {
	name: "starts_with",
	signature: { params: [P.text("text"), P.text("prefix")], returns: T.bool },
	cost: 2,
	summary: "whether `text` starts with `prefix`",
	example: 'starts_with(event.data.handle, "promo")',
	impl: ([text, prefix]) => String(text).startsWith(String(prefix)),
};
