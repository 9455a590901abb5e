import { hostAndPath } from "../text/url.ts";
import type { ListKind } from "../types.ts";
import { expiryOf, type MutableList } from "./ports.ts";

// The last value looked up, parsed: an event's links are looked up in several domain lists
// in a row (spam domains, shorteners).
let lastValue: string | undefined;
let lastHp: ReturnType<typeof hostAndPath>;

/**
 * Domains, optionally with a path prefix (`bit.ly/3xq`, as URL blocklists hold shortener
 * campaigns). A value matches when its host is an entry or a subdomain of one and, for an
 * entry with a path, its path is that path or below it. A lookup costs one hash probe per
 * label of the host.
 */
export class DomainList implements MutableList {
	readonly kind: ListKind = "domains";
	/** host -> path prefix ("" for the whole domain) -> expiry. */
	private readonly hosts = new Map<string, Map<string, number>>();
	private count = 0;

	get size(): number {
		return this.count;
	}

	normalize(value: string): { ok: true; key: string } | { ok: false; message: string } {
		const hp = hostAndPath(value.replace(/^\*\./, ""));
		if (!hp || !/^[^.\s]+(\.[^.\s]+)*$/.test(hp.host))
			return { ok: false, message: `\`${value}\` is not a domain (e.g. example.com or bit.ly/abc)` };
		return { ok: true, key: hp.host + hp.path };
	}

	put(key: string, expiresAt: number | null): void {
		const slash = key.indexOf("/");
		const host = slash < 0 ? key : key.slice(0, slash);
		const path = slash < 0 ? "" : key.slice(slash);
		const paths = this.hosts.get(host) ?? new Map<string, number>();
		this.hosts.set(host, paths);
		if (!paths.has(path)) this.count++;
		paths.set(path, expiryOf(expiresAt));
	}

	delete(key: string): boolean {
		const n = this.normalize(key);
		if (!n.ok) return false;
		const slash = n.key.indexOf("/");
		const host = slash < 0 ? n.key : n.key.slice(0, slash);
		const gone = !!this.hosts.get(host)?.delete(slash < 0 ? "" : n.key.slice(slash));
		if (gone) this.count--;
		return gone;
	}

	has(value: string, at: number): boolean {
		if (value !== lastValue) {
			lastHp = hostAndPath(value);
			lastValue = value;
		}
		const hp = lastHp;
		if (!hp) return false;
		let host = hp.host;
		for (;;) {
			const paths = this.hosts.get(host);
			if (paths) {
				for (const [prefix, exp] of paths) {
					if (exp <= at) continue;
					if (prefix === "" || hp.path === prefix || hp.path.startsWith(`${prefix}/`)) return true;
				}
			}
			const dot = host.indexOf(".");
			if (dot < 0) return false;
			host = host.slice(dot + 1);
		}
	}

	sweep(at: number): number {
		let n = 0;
		for (const [host, paths] of this.hosts) {
			for (const [p, exp] of paths)
				if (exp <= at) {
					paths.delete(p);
					n++;
				}
			if (!paths.size) this.hosts.delete(host);
		}
		this.count -= n;
		return n;
	}
}
