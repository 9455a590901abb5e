import { didYouMean } from "../suggest.ts";
import { P, T } from "../types.ts";
import type { Builtin } from "./registry.ts";

export const score: Builtin = {
	name: "score",
	signature: { params: [P.text("signal", { literal: true })], returns: T.number },
	cost: 2,
	reads: "signals",
	summary: "the score (0..1) of a detector signal on this event; 0 when the detector did not fire",
	example: 'score("velocity.posts") >= 0.9',
	validate([name], env) {
		if (env.signals.includes(String(name))) return undefined;
		return {
			code: "R2007",
			message: `unknown signal \`${String(name)}\``,
			hint: didYouMean(String(name), env.signals) ?? `known signals: ${env.signals.join(", ") || "none"}`,
		};
	},
	impl: ([name], rt) => rt.signalScore(String(name)),
};
