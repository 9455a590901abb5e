import { urlDomain } from "../text/url.ts";
import { P, T } from "../types.ts";
import type { Builtin } from "./registry.ts";

export const urlDomains: Builtin = {
	name: "url_domains",
	signature: { params: [P.textList("urls")], returns: T.list(T.string) },
	cost: 5,
	summary: "the hosts of a list of URLs (those without a host left out)",
	example: "any_in(url_domains(event.data.urls), url_shorteners)",
	impl: ([urls]) => (urls as readonly string[]).map(urlDomain).filter((h) => h !== ""),
};
