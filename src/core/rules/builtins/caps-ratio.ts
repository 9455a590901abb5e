import { P, T } from "../types.ts";
import type { Builtin } from "./registry.ts";

export const capsRatio: Builtin = {
	name: "caps_ratio",
	signature: { params: [P.text("text")], returns: T.number },
	cost: 4,
	summary: "the share of letters that are upper case (0 when there are none): shouting",
	example: "caps_ratio(event.data.text) > 0.7",
	impl([text]) {
		const s = String(text).slice(0, 10_000);
		let letters = 0;
		let upper = 0;
		for (const ch of s) {
			const lo = ch.toLowerCase();
			const up = ch.toUpperCase();
			if (lo === up) continue;
			letters++;
			if (ch === up) upper++;
		}
		return letters ? upper / letters : 0;
	},
};
