import { formatPrefix, parseIp } from "../lists/ip.ts";
import { P, T } from "../types.ts";
import type { Builtin } from "./registry.ts";

export const ipPrefix: Builtin = {
	name: "ip_prefix",
	signature: { params: [P.text("ip"), P.number("bits", { literal: true })], returns: T.entity("ip") },
	cost: 3,
	summary: "the network of an address as an ip entity (`185.7.13.0/24`): count by subnet, not by address",
	example: "distinct event.actor of account.created by ip_prefix(event.context.ip, 24) over 1h",
	validate: ([, bits]) =>
		Number.isInteger(bits) && (bits as number) >= 0 && (bits as number) <= 128
			? undefined
			: { code: "R3011", message: `prefix length ${String(bits)} is not a whole number from 0 to 128` },
	impl([ip, bits]) {
		const addr = parseIp(String(ip));
		return addr ? formatPrefix(addr, bits as number) : "";
	},
};
