import type { ListKind } from "../types.ts";

/** One entry of a named list; `expiresAt` (ms, event time) null means until removed. */
export interface ListEntry {
	value: string;
	expiresAt: number | null;
}

/**
 * A named list as rules read it. Lookups take the event's time, so an entry that has expired
 * by then no longer matches (in replays and backtests too).
 */
export interface ListView {
	readonly kind: ListKind;
	/** Entries held, including any expired ones not yet swept. */
	readonly size: number;
	/** Membership as the kind defines it: a parent domain, a CIDR range, a normalised keyword. */
	has(value: string, at: number): boolean;
	/** keywords lists: how many distinct entries occur in the text (as words or phrases). */
	countIn?(text: string, at: number): number;
	/** strings lists: the highest similarity (0..1) of the text to any entry. */
	maxSimilarity?(text: string, at: number): number;
}

/**
 * What the rules evaluator needs of lists, and all it needs: find one by name. Lookups are
 * synchronous (lists live in memory in every worker; persistence loads them there).
 * @example
 * const view = lists.list("spam_domains"); view?.has("https://win-prize.club/x", event.ts)
 */
export interface ListReader {
	list(name: string): ListView | undefined;
}

/** Lists in memory, changed (see `ManagedLists` for durable, audited changes): add, refresh, remove, drop. */
export interface ListStore extends ListReader {
	/** Adds entries or refreshes their expiry; creates the list. Throws ValidationError listing every bad entry. */
	upsert(name: string, kind: ListKind, entries: readonly ListEntry[]): void;
	/** `upsert` of values already normalised by the kind, unchecked. */
	putKeys(name: string, kind: ListKind, entries: readonly ListEntry[]): void;
	/** Swaps in a whole list built aside (a replace): a reader sees the old list or the new one. */
	adopt(name: string, list: MutableList): void;
	/** Removes entries by value; returns how many were there. */
	remove(name: string, values: readonly string[]): number;
	drop(name: string): boolean;
	/** Drops entries expired by `at`; returns how many. */
	sweep(at: number): number;
	describe(): { name: string; kind: ListKind; size: number }[];
}

/** A list's storage: a ListView that can change. One implementation per kind. */
export interface MutableList extends ListView {
	/** The stored form of a value, or an error message when it is not valid for this kind. */
	normalize(value: string): { ok: true; key: string } | { ok: false; message: string };
	put(key: string, expiresAt: number | null): void;
	delete(key: string): boolean;
	sweep(at: number): number;
}

/** Expiry as stored: Infinity for "never". */
export const NEVER = Number.POSITIVE_INFINITY;
export const expiryOf = (e: number | null): number => (e === null ? NEVER : e);
