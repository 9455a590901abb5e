import { compileRegex, type Regex, RegexSyntaxError } from "../text/regex.ts";
import { P, T } from "../types.ts";
import { Err } from "../values.ts";
import type { Builtin } from "./registry.ts";

/**
 * Regular-expression search with a bounded cost: the pattern is a literal, compiled once for a
 * linear-time matcher (no backtracking, so no catastrophic patterns), the text is read up to
 * 10,000 characters, and a match that runs out of its step budget is `errored`.
 */
export const matches: Builtin = {
	name: "matches",
	signature: {
		params: [P.text("text"), P.text("pattern", { literal: true }), P.text("flags", { literal: true, optional: true })],
		returns: T.bool,
	},
	cost: 25,
	summary: "whether the regular expression finds a match in the text; flags: i (ignore case), m, s",
	example: 'matches(event.data.text, "free\\\\s+(iphone|ps5)", "i")',
	validate([, pattern, flags]) {
		try {
			compileRegex(String(pattern), flags === undefined ? "" : String(flags));
			return undefined;
		} catch (err) {
			if (!(err instanceof RegexSyntaxError)) throw err;
			return {
				code: "R3009",
				message: `invalid regular expression: ${err.message}`,
				hint: "see docs/rules.md#regular-expressions for what is supported",
			};
		}
	},
	prepare: ([, pattern, flags]) => compileRegex(String(pattern), flags === undefined ? "" : String(flags)),
	impl([text], _rt, site) {
		const r = (site.prepared as Regex).match(String(text));
		return r === "budget" ? new Err(`regex /${(site.prepared as Regex).source}/ ran over its budget`) : r;
	},
};
