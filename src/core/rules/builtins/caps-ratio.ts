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
		// Per code point. ASCII is decided by its code (a string per character was most of the
		// cost); any other character is a letter when its cases differ, upper case when it is its own.
		for (let i = 0; i < s.length; i++) {
			const c = s.charCodeAt(i);
			if (c < 128) {
				if (c >= 65 && c <= 90) {
					letters++;
					upper++;
				} else if (c >= 97 && c <= 122) letters++;
				continue;
			}
			const cp = s.codePointAt(i) as number;
			if (cp > 0xffff) i++;
			const ch = String.fromCodePoint(cp);
			const up = ch.toUpperCase();
			if (ch.toLowerCase() === up) continue;
			letters++;
			if (ch === up) upper++;
		}
		return letters ? upper / letters : 0;
	},
};
