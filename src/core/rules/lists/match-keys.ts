import { hostAndPath } from "../text/url.ts";
import type { ListKind } from "../types.ts";
import { formatPrefix, parseIp } from "./ip.ts";
import { newList } from "./memory.ts";

/**
 * The keys an entry may have to match `value`, as its kind matches: every network of an IP
 * address (`/32` ... `/0`), every parent domain with every leading part of the path, or the
 * value's own key. Used to say which stored entries a value matched (a range, a parent domain).
 * @example matchKeys("ip_ranges", "10.1.2.3") // ["10.1.2.3/32", "10.1.2.2/31", ..., "0.0.0.0/0"]
 */
export function matchKeys(kind: ListKind, value: string): string[] {
	if (kind === "ip_ranges") {
		const ip = parseIp(value);
		if (!ip) return [];
		const max = ip.v === 4 ? 32 : 128;
		return Array.from({ length: max + 1 }, (_, i) => formatPrefix(ip, max - i));
	}
	if (kind === "domains") {
		const hp = hostAndPath(value);
		if (!hp) return [];
		const paths = [""];
		const parts = hp.path.split("/").filter(Boolean);
		for (let i = 1; i <= parts.length; i++) paths.push(`/${parts.slice(0, i).join("/")}`);
		const out: string[] = [];
		const labels = hp.host.split(".");
		for (let i = 0; i < labels.length; i++) {
			const host = labels.slice(i).join(".");
			for (const p of paths) out.push(host + p);
		}
		return out;
	}
	if (kind === "strings") return value.length ? [value] : [];
	const n = newList(kind).normalize(value);
	return n.ok ? [n.key] : [];
}
