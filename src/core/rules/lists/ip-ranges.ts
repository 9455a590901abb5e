import type { ListKind } from "../types.ts";
import { type Cidr, formatCidr, mask4, mask6, parseCidr, parseIp } from "./ip.ts";
import { expiryOf, type MutableList } from "./ports.ts";

/**
 * IP ranges by CIDR (IPv4 and IPv6). A prefix structure: one hash table per prefix length in
 * use, so a lookup masks the address once per length (at most 33 or 129, in practice a few)
 * and is independent of the number of ranges.
 */
export class IpRangeList implements MutableList {
	readonly kind: ListKind = "ip_ranges";
	/** By prefix length: network (as a signed 32-bit integer, a small-integer key) -> expiry. */
	private readonly v4 = new Map<number, Map<number, number>>();
	private readonly v6 = new Map<number, Map<string, number>>();
	private lengths4: number[] = [];
	/** The tables of `lengths4`, in its order. */
	private tables4: Map<number, number>[] = [];
	private lengths6: number[] = [];
	private count = 0;

	get size(): number {
		return this.count;
	}

	normalize(value: string): { ok: true; key: string } | { ok: false; message: string } {
		const c = parseCidr(value);
		return c
			? { ok: true, key: formatCidr(c) }
			: { ok: false, message: `\`${value}\` is not an IP address or CIDR range` };
	}

	put(key: string, expiresAt: number | null): void {
		const c = parseCidr(key) as Cidr;
		const exp = expiryOf(expiresAt);
		let newLength: boolean;
		if (c.v === 4) {
			const t = this.v4.get(c.bits) ?? new Map<number, number>();
			this.v4.set(c.bits, t);
			newLength = t.size === 0;
			if (!t.has(c.net | 0)) this.count++;
			t.set(c.net | 0, exp);
		} else {
			const t = this.v6.get(c.bits) ?? new Map<string, number>();
			this.v6.set(c.bits, t);
			newLength = t.size === 0;
			if (!t.has(c.hex)) this.count++;
			t.set(c.hex, exp);
		}
		// Only a prefix length coming into use changes the lengths probed (a 100k-range import
		// re-sorting them on every put spent most of its time there).
		if (newLength) this.reindex();
	}

	delete(key: string): boolean {
		const c = parseCidr(key);
		if (!c) return false;
		const gone = c.v === 4 ? !!this.v4.get(c.bits)?.delete(c.net | 0) : !!this.v6.get(c.bits)?.delete(c.hex);
		if (gone) this.count--;
		this.reindex();
		return gone;
	}

	has(value: string, at: number): boolean {
		const ip = parseIp(value);
		if (!ip) return false;
		if (ip.v === 4) {
			const lengths = this.lengths4;
			for (let i = 0; i < lengths.length; i++) {
				const exp = (this.tables4[i] as Map<number, number>).get(mask4(ip.n, lengths[i] as number) | 0);
				if (exp !== undefined && exp > at) return true;
			}
			return false;
		}
		for (const bits of this.lengths6) {
			const exp = this.v6.get(bits)?.get(mask6(ip.hex, bits));
			if (exp !== undefined && exp > at) return true;
		}
		return false;
	}

	sweep(at: number): number {
		let n = 0;
		for (const tables of [this.v4, this.v6] as Map<number, Map<unknown, number>>[])
			for (const t of tables.values())
				for (const [k, exp] of t)
					if (exp <= at) {
						t.delete(k);
						n++;
					}
		this.count -= n;
		this.reindex();
		return n;
	}

	private reindex(): void {
		const used = (m: Map<number, Map<unknown, number>>) =>
			[...m.entries()]
				.filter(([, t]) => t.size > 0)
				.map(([b]) => b)
				.sort((a, b) => b - a);
		this.lengths4 = used(this.v4);
		this.tables4 = this.lengths4.map((b) => this.v4.get(b) as Map<number, number>);
		this.lengths6 = used(this.v6);
	}
}
