import { ConflictError, type Problem, ValidationError } from "../../shared/errors.ts";
import type { ListKind } from "../types.ts";
import { DomainList } from "./domains.ts";
import { IpRangeList } from "./ip-ranges.ts";
import { KeywordList } from "./keywords.ts";
import type { ListEntry, ListStore, ListView, MutableList } from "./ports.ts";
import { StringList } from "./strings.ts";

/** A new empty list of a kind. */
export function newList(kind: ListKind): MutableList {
	switch (kind) {
		case "domains":
			return new DomainList();
		case "ip_ranges":
			return new IpRangeList();
		case "keywords":
			return new KeywordList();
		default:
			return new StringList(kind);
	}
}

/**
 * Lists in memory: what every worker holds (a durable store loads into it). Entries are
 * validated all at once: a bad one refuses the whole upsert, naming each bad entry.
 * @example
 * const lists = new MemoryListStore();
 * lists.upsert("bad_ips", "ip_ranges", [{ value: "185.7.0.0/16", expiresAt: null }]);
 * lists.list("bad_ips")?.has("185.7.13.9", Date.now()) // true
 */
export class MemoryListStore implements ListStore {
	private readonly lists = new Map<string, MutableList>();

	list(name: string): ListView | undefined {
		return this.lists.get(name);
	}

	upsert(name: string, kind: ListKind, entries: readonly ListEntry[]): void {
		const existing = this.lists.get(name);
		if (existing && existing.kind !== kind)
			throw new ConflictError(`list "${name}" holds ${existing.kind}, not ${kind}`);
		const list = existing ?? newList(kind);
		const problems: Problem[] = [];
		const keys: string[] = [];
		entries.forEach((e, i) => {
			const n = list.normalize(e.value);
			if (n.ok) keys.push(n.key);
			else problems.push({ pointer: `/entries/${i}/value`, message: n.message, code: "invalid_entry" });
		});
		if (problems.length) throw new ValidationError(`${problems.length} invalid entries for list "${name}"`, problems);
		for (const [i, k] of keys.entries()) list.put(k, (entries[i] as ListEntry).expiresAt);
		this.lists.set(name, list);
	}

	/**
	 * `upsert` of values that are keys already normalised by the kind (`MutableList.normalize`),
	 * not checked again: for a caller that has just checked them (`ManagedLists`).
	 */
	putKeys(name: string, kind: ListKind, entries: readonly ListEntry[]): void {
		const list = this.lists.get(name) ?? newList(kind);
		if (list.kind !== kind) throw new ConflictError(`list "${name}" holds ${list.kind}, not ${kind}`);
		for (const e of entries) list.put(e.value, e.expiresAt);
		this.lists.set(name, list);
	}

	/** Makes `list` (built aside, e.g. by `newList` and `put`) the list `name`: one swap, no reader sees a mix. */
	adopt(name: string, list: MutableList): void {
		const existing = this.lists.get(name);
		if (existing && existing.kind !== list.kind)
			throw new ConflictError(`list "${name}" holds ${existing.kind}, not ${list.kind}`);
		this.lists.set(name, list);
	}

	remove(name: string, values: readonly string[]): number {
		const list = this.lists.get(name);
		return list ? values.filter((v) => list.delete(v)).length : 0;
	}

	drop(name: string): boolean {
		return this.lists.delete(name);
	}

	sweep(at: number): number {
		let n = 0;
		for (const l of this.lists.values()) n += l.sweep(at);
		return n;
	}

	describe(): { name: string; kind: ListKind; size: number }[] {
		return [...this.lists].map(([name, l]) => ({ name, kind: l.kind, size: l.size }));
	}
}
