import { P, T } from "../types.ts";
import type { Builtin } from "./registry.ts";

export const max: Builtin = {
	name: "max",
	signature: { params: [P.number("a"), P.number("b")], returns: T.number },
	cost: 1,
	summary: "the larger of two numbers",
	example: "max(posts_10m[event.actor], 1)",
	impl: ([a, b]) => Math.max(a as number, b as number),
};
