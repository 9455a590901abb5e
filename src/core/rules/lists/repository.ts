import type { ActionRecord } from "../../enforcement/records.ts";
import type { ListKind } from "../types.ts";

/** One stored entry of a managed list, as the API and the CLI show it. */
export interface StoredListEntry {
	/** As given (`10.1.2.3/8`, `https://Bit.ly/3xq`). */
	value: string;
	/** As the list's kind normalises it (`10.0.0.0/8`, `bit.ly/3xq`): one entry per key. */
	key: string;
	/** Milliseconds; null: until removed. */
	expiresAt: number | null;
	/** When it was last written, and by whom (`apikey:<name>`, `cli:<user>`). */
	addedAt: number;
	addedBy: string;
	reason: string | null;
}

/** A stored list's row. */
export interface StoredListInfo {
	name: string;
	kind: ListKind;
	createdAt: number;
	updatedAt: number;
}

/**
 * One change to a managed list, applied atomically with its audit row: all of it or none.
 * `replace` empties the list before `put`; `drop` deletes the list itself.
 */
export interface ListWrite {
	name: string;
	kind: ListKind;
	at: number;
	by: string;
	reason: string | null;
	replace?: boolean;
	put?: readonly { key: string; value: string; expiresAt: number | null }[];
	/** Normalised keys. */
	remove?: readonly string[];
	drop?: boolean;
	/** Written in the same transaction, unless the write changed nothing. */
	audit: ActionRecord;
}

/**
 * Where managed lists are kept durably (SQLite in the embedded system). Declared here, by its
 * user `ManagedLists`; every method the service does not need is left out.
 */
export interface ListRepository {
	/** Every stored list with its entries not expired at `at`, keys as `value` (to load into memory at start). */
	loadAll(
		at: number,
	): Promise<{ name: string; kind: ListKind; entries: { value: string; expiresAt: number | null }[] }[]>;
	lists(): Promise<StoredListInfo[]>;
	/** Applies the write; returns how many entries it removed (or replaced or dropped) and whether it changed anything. */
	write(w: ListWrite): Promise<{ removed: number; changed: boolean }>;
	/** A page of entries not expired at `at`, by key: those with `prefix`, after the key `after`. */
	entries(
		name: string,
		opts: { prefix?: string; after?: string; limit: number; at: number },
	): Promise<StoredListEntry[]>;
	/** The entries with these keys, not expired at `at` (null: expired ones too). */
	find(name: string, keys: readonly string[], at: number | null): Promise<StoredListEntry[]>;
	/** Deletes entries expired by `at`; returns how many. */
	sweep(at: number): Promise<number>;
}
