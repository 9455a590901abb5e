/**
 * IP addresses and CIDR ranges. IPv4 is a 32-bit number; IPv6 is 32 lowercase hex digits (so
 * a prefix is a string prefix plus one masked digit). IPv4-mapped IPv6 reads as IPv4.
 */
export type Ip = { v: 4; n: number } | { v: 6; hex: string };
export type Cidr = { v: 4; net: number; bits: number } | { v: 6; hex: string; bits: number };

export function parseIp(s: string): Ip | undefined {
	const text = s.trim();
	if (text.includes(":")) return parseIp6(text);
	const n = parseIp4(text);
	return n === undefined ? undefined : { v: 4, n };
}

/** Four dot-separated parts of 1-3 ASCII digits, each at most 255 (read by char code: it runs per event). */
function parseIp4(s: string): number | undefined {
	let n = 0;
	let part = 0;
	let digits = 0;
	let dots = 0;
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		if (c >= 48 && c <= 57) {
			if (++digits > 3) return undefined;
			part = part * 10 + (c - 48);
		} else if (c === 46) {
			if (digits === 0 || part > 255 || ++dots > 3) return undefined;
			n = n * 256 + part;
			part = 0;
			digits = 0;
		} else return undefined;
	}
	if (dots !== 3 || digits === 0 || part > 255) return undefined;
	return n * 256 + part;
}

function parseIp6(s: string): Ip | undefined {
	const text = s.replace(/%.*$/, "").toLowerCase();
	const halves = text.split("::");
	if (halves.length > 2) return undefined;
	const groups = (part: string): string[] | undefined => {
		if (part === "") return [];
		const out: string[] = [];
		const bits = part.split(":");
		for (let k = 0; k < bits.length; k++) {
			const g = bits[k] as string;
			if (k === bits.length - 1 && g.includes(".")) {
				const v4 = parseIp4(g);
				if (v4 === undefined) return undefined;
				out.push((v4 >>> 16).toString(16), (v4 & 0xffff).toString(16));
			} else if (/^[0-9a-f]{1,4}$/.test(g)) out.push(g);
			else return undefined;
		}
		return out;
	};
	const head = groups(halves[0] as string);
	const tail = halves.length === 2 ? groups(halves[1] as string) : [];
	if (!head || !tail) return undefined;
	const fill = 8 - head.length - tail.length;
	if ((halves.length === 2 && fill < 1) || (halves.length === 1 && fill !== 0)) return undefined;
	const all = [...head, ...Array<string>(fill).fill("0"), ...tail];
	const hex = all.map((g) => g.padStart(4, "0")).join("");
	if (hex.startsWith("00000000000000000000ffff")) return { v: 4, n: Number.parseInt(hex.slice(24), 16) };
	return { v: 6, hex };
}

/** `10.0.0.0/8`, `2001:db8::/32`, or a bare address (a /32 or /128). Host bits are cleared. */
export function parseCidr(s: string): Cidr | undefined {
	const [addr, len, extra] = s.trim().split("/");
	if (extra !== undefined || addr === undefined) return undefined;
	const ip = parseIp(addr);
	if (!ip) return undefined;
	const max = ip.v === 4 ? 32 : 128;
	// A mapped IPv6 range (::ffff:0:0/96 and longer) is an IPv4 range 96 bits shorter.
	const mapped = ip.v === 4 && addr.includes(":");
	if (len !== undefined && !/^\d{1,3}$/.test(len)) return undefined;
	let bits = len === undefined ? (mapped ? 128 : max) : Number(len);
	if (mapped) {
		if (bits < 96 || bits > 128) return undefined;
		bits -= 96;
	}
	if (bits > max) return undefined;
	return ip.v === 4 ? { v: 4, net: mask4(ip.n, bits), bits } : { v: 6, hex: mask6(ip.hex, bits), bits };
}

export function mask4(n: number, bits: number): number {
	if (bits <= 0) return 0;
	if (bits >= 32) return n;
	return (n & (0xffffffff << (32 - bits))) >>> 0;
}

/** The first `bits` of a 32-digit hex address, as a string key (not padded). */
export function mask6(hex: string, bits: number): string {
	const full = Math.floor(bits / 4);
	const rem = bits % 4;
	if (!rem) return hex.slice(0, full);
	const nib = Number.parseInt(hex[full] as string, 16) & ((0xf << (4 - rem)) & 0xf);
	return hex.slice(0, full) + nib.toString(16);
}

export function cidrContains(c: Cidr, ip: Ip): boolean {
	if (c.v === 4) return ip.v === 4 && mask4(ip.n, c.bits) === c.net;
	return ip.v === 6 && mask6(ip.hex, c.bits) === c.hex;
}

/** The network of `ip` at `bits`, written `a.b.c.0/24` or as eight full IPv6 groups `/48`. */
export function formatPrefix(ip: Ip, bits: number): string {
	if (ip.v === 4) {
		const b = Math.max(0, Math.min(32, bits));
		const n = mask4(ip.n, b);
		return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}/${b}`;
	}
	const b = Math.max(0, Math.min(128, bits));
	const hex = mask6(ip.hex, b).padEnd(32, "0");
	const groups = hex.match(/.{4}/g) as string[];
	return `${groups.map((g) => g.replace(/^0{1,3}/, "")).join(":")}/${b}`;
}

export function formatCidr(c: Cidr): string {
	return c.v === 4
		? formatPrefix({ v: 4, n: c.net }, c.bits)
		: formatPrefix({ v: 6, hex: c.hex.padEnd(32, "0") }, c.bits);
}
