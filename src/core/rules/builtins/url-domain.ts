import { urlDomain as hostOf } from "../text/url.ts";
import { P, T } from "../types.ts";
import type { Builtin } from "./registry.ts";

export const urlDomain: Builtin = {
	name: "url_domain",
	signature: { params: [P.text("url")], returns: T.string },
	cost: 3,
	summary: 'the host of a URL, lower-cased ("" when there is none)',
	example: 'url_domain("https://Win-Prize.club/x") == "win-prize.club"',
	impl: ([url]) => hostOf(String(url)),
};
