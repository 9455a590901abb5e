import type { ActionRecord } from "../../enforcement/records.ts";
import type { Clock } from "../../shared/clock.ts";
import { ConflictError, NotFoundError, type Problem, ValidationError } from "../../shared/errors.ts";
import { newId } from "../../shared/ids.ts";
import type { ListInfo } from "../pack.ts";
import type { ListKind } from "../types.ts";
import { checkName, checkPut, checkRemove, checkValue, MAX_PROBLEMS } from "./list-input.ts";
import { matchKeys } from "./match-keys.ts";
import { newList } from "./memory.ts";
import type { ListEntry, ListStore } from "./ports.ts";
import type { ListRepository, StoredListEntry } from "./repository.ts";

/** A list as `GET /v1/lists` and `bulwark lists` show it. */
export interface ListSummary {
	name: string;
	kind: ListKind;
	/** Entries in memory (expired ones not yet swept included); null for a list written in a rules file. */
	size: number | null;
	/** The live rules pack declares it. */
	declared: boolean;
	/** Its entries are managed here (false: they are written in the rules file). */
	managed: boolean;
	createdAt: number | null;
	updatedAt: number | null;
}

export interface ListPage extends ListSummary {
	entries: StoredListEntry[];
	/** The `cursor` of the next page; null on the last. */
	next: string | null;
}

export interface ListPutResult {
	name: string;
	kind: ListKind;
	written: number;
	replaced: boolean;
	size: number;
	actionId: string;
}

export interface ListRemoveResult {
	name: string;
	removed: number;
	/** The values that were not in the list. */
	missing: string[];
	size: number;
	actionId: string | null;
}

export interface ListCheckResult {
	name: string;
	kind: ListKind;
	value: string;
	at: number;
	/** `value in name` as a rule reads it at `at`. */
	matches: boolean;
	/** The stored entries that match it (a range, a parent domain), most specific first. */
	entries: StoredListEntry[];
}

/**
 * Entries checked or put into memory between two turns of the event loop: a 100k-entry import
 * lets events through every few milliseconds instead of holding the loop for all of it.
 */
const CHUNK = 5_000;
const pause = () => new Promise<void>((resolve) => setImmediate(resolve));
/** Values named in one audit row at most (a 100k import names its first few and counts the rest). */
const AUDIT_SAMPLE = 20;
const ENTITY = (name: string) => `list:${name}`;

export interface ManagedListsDeps {
	/** The lists the rules read: a change lands here after it is durable, so the next event sees it. */
	store: ListStore;
	repo: ListRepository;
	clock: Clock;
	/** The live pack's list declarations (they change when a new pack version is deployed). */
	declared: () => readonly ListInfo[];
}

/**
 * Named lists managed at run time (API, CLI): each change is checked whole (every bad entry
 * reported with its JSON pointer, nothing written), written durably with its audit row in one
 * transaction, then applied to the in-memory lists the rules read, so the next event sees it.
 * Changes run one at a time, so memory follows the database in the same order.
 * @example
 * const lists = new ManagedLists({ store, repo: storage.lists, clock, declared: () => pack.lists });
 * await lists.load(); // at start
 * await lists.put("bad_ips", { kind: "ip_ranges", entries: [{ value: "185.7.0.0/16", ttl: "7d" }] }, "apikey:ops");
 */
export class ManagedLists {
	private tail: Promise<unknown> = Promise.resolve();

	constructor(private readonly deps: ManagedListsDeps) {}

	/** Loads every stored list into memory; returns a warning per list that could not be (kept in storage). */
	async load(): Promise<string[]> {
		const warnings: string[] = [];
		for (const l of await this.deps.repo.loadAll(this.deps.clock.now())) {
			const current = this.deps.store.list(l.name);
			if (current && current.kind !== l.kind) {
				warnings.push(
					`list "${l.name}" is stored as ${l.kind} but the rules declare ${current.kind}: its ${l.entries.length} entries are not loaded (replace the list to change its kind)`,
				);
				continue;
			}
			const probe = newList(l.kind);
			const ok: ListEntry[] = [];
			for (const e of l.entries) {
				const n = probe.normalize(e.value);
				if (n.ok) ok.push({ value: n.key, expiresAt: e.expiresAt });
			}
			if (ok.length < l.entries.length)
				warnings.push(`list "${l.name}": ${l.entries.length - ok.length} stored entries are no longer valid; skipped`);
			this.deps.store.putKeys(l.name, l.kind, ok);
		}
		return warnings;
	}

	async describe(): Promise<ListSummary[]> {
		const stored = new Map((await this.deps.repo.lists()).map((l) => [l.name, l]));
		const declared = new Map(this.deps.declared().map((l) => [l.name, l]));
		const names = new Set([...this.deps.store.describe().map((d) => d.name), ...declared.keys()]);
		return [...names].sort().map((name) => {
			const d = declared.get(name);
			const mem = this.deps.store.list(name);
			const s = stored.get(name);
			return {
				name,
				kind: d?.kind ?? mem?.kind ?? (s?.kind as ListKind),
				size: d?.inline ? null : (mem?.size ?? 0),
				declared: !!d,
				managed: !d?.inline,
				createdAt: s?.createdAt ?? null,
				updatedAt: s?.updatedAt ?? null,
			};
		});
	}

	/** A list with a page of its entries (by key; `prefix` filters keys, `cursor` is the last page's `next`). */
	async show(name: string, opts: { prefix?: string; cursor?: string; limit: number }): Promise<ListPage> {
		const summary = await this.summary(name);
		const after = opts.cursor === undefined ? undefined : Buffer.from(opts.cursor, "base64url").toString("utf8");
		const rows = await this.deps.repo.entries(name, {
			...(opts.prefix !== undefined ? { prefix: opts.prefix } : {}),
			...(after !== undefined ? { after } : {}),
			limit: opts.limit + 1,
			at: this.deps.clock.now(),
		});
		const more = rows.length > opts.limit;
		const entries = more ? rows.slice(0, opts.limit) : rows;
		const last = entries[entries.length - 1];
		return { ...summary, entries, next: more && last ? Buffer.from(last.key, "utf8").toString("base64url") : null };
	}

	/**
	 * Adds entries or refreshes them (`replace`: swaps the whole content), atomically with an audit
	 * row naming `who`. Throws ValidationError (every problem), ConflictError (a kind other than the
	 * list's or the pack's, or a list written in a rules file).
	 */
	put(name: string, body: unknown, who: string): Promise<ListPutResult> {
		return this.serial(async () => {
			const at = this.deps.clock.now();
			const problems: Problem[] = [];
			checkName(name, problems);
			const input = checkPut(body, at, problems);
			const kind = input.kind ?? this.deps.store.list(name)?.kind ?? this.declaration(name)?.kind;
			if (!kind && !problems.some((p) => p.pointer === "/kind"))
				problems.push({
					pointer: "/kind",
					message: `list "${name}" does not exist yet: give its kind`,
					code: "required",
				});
			if (kind) {
				await this.refuseConflicts(name, kind, input.replace);
				const probe = newList(kind);
				const put: { key: string; value: string; expiresAt: number | null }[] = [];
				for (let i = 0; i < input.entries.length; i++) {
					if (i && i % CHUNK === 0) await pause();
					const e = input.entries[i] as (typeof input.entries)[number];
					const n = probe.normalize(e.value);
					if (n.ok) put.push({ key: n.key, value: e.value, expiresAt: e.expiresAt });
					else problems.push({ pointer: e.pointer, message: n.message, code: "invalid_entry" });
				}
				if (!problems.length) {
					const audit = this.audit(at, who, input.replace ? "list.replace" : "list.put", name, input.reason, {
						kind,
						entries: put.length,
						replace: input.replace,
						...(input.ttl ? { ttl: input.ttl } : {}),
						...sample(put.map((p) => p.value)),
					});
					await this.deps.repo.write({
						name,
						kind,
						at,
						by: who,
						reason: input.reason,
						replace: input.replace,
						put,
						audit,
					});
					await this.apply(name, kind, put, input.replace);
					return {
						name,
						kind,
						written: put.length,
						replaced: input.replace,
						size: this.deps.store.list(name)?.size ?? 0,
						actionId: audit.id,
					};
				}
			}
			throw invalid(`invalid entries for list "${name}"`, problems);
		});
	}

	/** Removes entries by value (as the kind normalises it: `10.1.2.3/8` removes `10.0.0.0/8`). */
	remove(name: string, body: unknown, who: string): Promise<ListRemoveResult> {
		return this.serial(async () => {
			const at = this.deps.clock.now();
			const list = this.managedList(name);
			const problems: Problem[] = [];
			const input = checkRemove(body, problems);
			const probe = newList(list.kind);
			const keys = new Map<string, string>();
			input.values.forEach((v, i) => {
				const n = probe.normalize(v);
				if (!n.ok) problems.push({ pointer: `/values/${i}`, message: n.message, code: "invalid_entry" });
				else if (!keys.has(n.key)) keys.set(n.key, v);
			});
			if (problems.length) throw invalid(`invalid values for list "${name}"`, problems);
			const found = new Set((await this.deps.repo.find(name, [...keys.keys()], null)).map((e) => e.key));
			const audit = this.audit(at, who, "list.remove", name, input.reason, {
				kind: list.kind,
				entries: found.size,
				...sample([...found].map((k) => keys.get(k) as string)),
			});
			const { removed } = await this.deps.repo.write({
				name,
				kind: list.kind,
				at,
				by: who,
				reason: input.reason,
				remove: [...found],
				audit,
			});
			this.deps.store.remove(name, [...keys.keys()]);
			return {
				name,
				removed,
				missing: [...keys].filter(([k]) => !found.has(k)).map(([, v]) => v),
				size: this.deps.store.list(name)?.size ?? 0,
				actionId: removed ? audit.id : null,
			};
		});
	}

	/** Deletes a list the rules do not declare (a declared one is emptied with `replace` instead). */
	drop(name: string, who: string, reason: string | null): Promise<{ name: string; dropped: number; actionId: string }> {
		return this.serial(async () => {
			const list = this.managedList(name);
			if (this.declaration(name))
				throw new ConflictError(`the rules declare list "${name}": empty it (replace with no entries) instead`);
			const at = this.deps.clock.now();
			const audit = this.audit(at, who, "list.drop", name, reason, { kind: list.kind, entries: list.size });
			const { removed } = await this.deps.repo.write({ name, kind: list.kind, at, by: who, reason, drop: true, audit });
			this.deps.store.drop(name);
			return { name, dropped: removed, actionId: audit.id };
		});
	}

	/** Whether `value` is in the list at `at` (default now) as a rule would read it, and the entries that match it. */
	async check(name: string, value: string, at = this.deps.clock.now()): Promise<ListCheckResult> {
		const list = this.managedList(name);
		const problems: Problem[] = [];
		checkValue(value, "/value", problems);
		if (problems.length) throw invalid("invalid value", problems);
		const keys = matchKeys(list.kind, value);
		const found = new Map((await this.deps.repo.find(name, keys, at)).map((e) => [e.key, e]));
		const entries = keys.flatMap((k) => found.get(k) ?? []);
		return { name, kind: list.kind, value, at, matches: list.has(value, at), entries };
	}

	/** Drops expired entries from memory and storage; returns how many went from storage. */
	async sweep(at = this.deps.clock.now()): Promise<number> {
		this.deps.store.sweep(at);
		return this.serial(() => this.deps.repo.sweep(at));
	}

	/**
	 * Puts the written entries into the lists the rules read, a chunk at a time so that events go
	 * on between chunks; a replace builds the new list aside and swaps it in whole.
	 */
	private async apply(
		name: string,
		kind: ListKind,
		put: readonly { key: string; expiresAt: number | null }[],
		replace: boolean,
	): Promise<void> {
		if (replace) {
			const fresh = newList(kind);
			for (let i = 0; i < put.length; i++) {
				if (i && i % CHUNK === 0) await pause();
				const p = put[i] as (typeof put)[number];
				fresh.put(p.key, p.expiresAt);
			}
			this.deps.store.adopt(name, fresh);
			return;
		}
		// An empty put still creates the list.
		for (let i = 0; i === 0 || i < put.length; i += CHUNK) {
			if (i) await pause();
			const chunk = put.slice(i, i + CHUNK).map((p) => ({ value: p.key, expiresAt: p.expiresAt }));
			this.deps.store.putKeys(name, kind, chunk);
		}
	}

	private async summary(name: string): Promise<ListSummary> {
		const s = (await this.describe()).find((l) => l.name === name);
		if (!s) throw new NotFoundError(`no list "${name}"`, "/name");
		if (!s.managed) throw writtenInFile(name);
		return s;
	}

	private managedList(name: string) {
		if (this.declaration(name)?.inline) throw writtenInFile(name);
		const list = this.deps.store.list(name);
		if (!list) throw new NotFoundError(`no list "${name}"`, "/name");
		return list;
	}

	private declaration(name: string): ListInfo | undefined {
		return this.deps.declared().find((l) => l.name === name);
	}

	private async refuseConflicts(name: string, kind: ListKind, replace: boolean): Promise<void> {
		const d = this.declaration(name);
		if (d?.inline) throw writtenInFile(name);
		if (d && d.kind !== kind) throw new ConflictError(`the rules declare list "${name}" as ${d.kind}, not ${kind}`);
		const mem = this.deps.store.list(name);
		if (mem && mem.kind !== kind) throw new ConflictError(`list "${name}" holds ${mem.kind}, not ${kind}`);
		// Stored under another kind and not loaded (the pack changed the list's kind): only a replace resets it.
		const stored = (await this.deps.repo.lists()).find((l) => l.name === name);
		if (stored && stored.kind !== kind && !replace)
			throw new ConflictError(
				`list "${name}" is stored as ${stored.kind}, not ${kind}: send replace: true to reset it as ${kind}`,
			);
	}

	private audit(
		at: number,
		who: string,
		kind: string,
		name: string,
		reason: string | null,
		details: Record<string, unknown>,
	): ActionRecord {
		return { id: newId(at), ts: at, who, kind, entity: ENTITY(name), reason: reason ?? "", details, eventId: null };
	}

	private serial<T>(fn: () => Promise<T>): Promise<T> {
		const run = this.tail.then(fn, fn);
		this.tail = run.catch(() => {});
		return run;
	}
}

function sample(values: readonly string[]): { values: string[]; more?: number } {
	return values.length > AUDIT_SAMPLE
		? { values: values.slice(0, AUDIT_SAMPLE), more: values.length - AUDIT_SAMPLE }
		: { values: [...values] };
}

function invalid(message: string, problems: Problem[]): ValidationError {
	const shown = problems.slice(0, MAX_PROBLEMS);
	const more = problems.length - shown.length;
	return new ValidationError(
		`${message}: ${problems.length} problem${problems.length === 1 ? "" : "s"}${more ? ` (the first ${MAX_PROBLEMS} listed)` : ""}; nothing was written`,
		shown,
	);
}

function writtenInFile(name: string): ConflictError {
	return new ConflictError(`list "${name}" is written in the rules files: change its entries there`);
}
