import { type Cidr, cidrContains, parseCidr, parseIp } from "../lists/ip.ts";
import { P, T } from "../types.ts";
import type { Builtin } from "./registry.ts";

export const inCidr: Builtin = {
	name: "in_cidr",
	signature: { params: [P.text("ip"), P.text("range", { literal: true })], returns: T.bool },
	cost: 3,
	summary: "whether an IPv4 or IPv6 address is in a CIDR range (false when it is not an address)",
	example: 'in_cidr(event.context.ip, "185.0.0.0/8")',
	validate: ([, range]) =>
		parseCidr(String(range))
			? undefined
			: {
					code: "R3011",
					message: `\`${String(range)}\` is not a CIDR range`,
					hint: "e.g. 10.0.0.0/8 or 2001:db8::/32",
				},
	prepare: ([, range]) => parseCidr(String(range)),
	impl([ip], _rt, site) {
		const addr = parseIp(String(ip));
		return !!addr && cidrContains(site.prepared as Cidr, addr);
	},
};
