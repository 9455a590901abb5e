import { P, T } from "../types.ts";
import type { Builtin } from "./registry.ts";

export const min: Builtin = {
	name: "min",
	signature: { params: [P.number("a"), P.number("b")], returns: T.number },
	cost: 1,
	summary: "the smaller of two numbers",
	example: 'min(score("velocity.posts") + 0.2, 1)',
	impl: ([a, b]) => Math.min(a as number, b as number),
};
