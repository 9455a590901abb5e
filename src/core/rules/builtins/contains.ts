import { P, T } from "../types.ts";
import type { Builtin } from "./registry.ts";

export const contains: Builtin = {
	name: "contains",
	signature: { params: [P.text("text"), P.text("part")], returns: T.bool },
	cost: 3,
	summary: "whether `text` contains `part` (case-sensitive; wrap in lower() to ignore case)",
	example: 'contains(lower(event.data.text), "dm me")',
	impl: ([text, part]) => String(text).includes(String(part)),
};
