import type BetterSqlite3 from "better-sqlite3";
import type { Kysely, Selectable } from "kysely";
import type {
	ListKind,
	ListRepository,
	ListWrite,
	StoredListEntry,
	StoredListInfo,
} from "../../../core/rules/index.ts";
import type { Database, ListEntriesTable } from "./schema.ts";

/** Above every character a key may continue with: `prefix` ≤ key < `prefix + TOP` finds the keys with the prefix. */
const TOP = "\u{10FFFF}";
const FIND_CHUNK = 1_000;

function prepare(db: BetterSqlite3.Database) {
	return {
		upsertList: db.prepare<[string, string, number, number]>(
			`INSERT INTO lists (name, kind, created_at, updated_at) VALUES (?, ?, ?, ?)
			 ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, updated_at = excluded.updated_at`,
		),
		touchList: db.prepare<[number, string]>("UPDATE lists SET updated_at = ? WHERE name = ?"),
		dropList: db.prepare<[string]>("DELETE FROM lists WHERE name = ?"),
		clear: db.prepare<[string]>("DELETE FROM list_entries WHERE list = ?"),
		upsertEntry: db.prepare<[string, string, string, number | null, number, string, string | null]>(
			`INSERT INTO list_entries (list, key, value, expires_at, added_at, added_by, reason) VALUES (?, ?, ?, ?, ?, ?, ?)
			 ON CONFLICT (list, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at,
			   added_at = excluded.added_at, added_by = excluded.added_by, reason = excluded.reason`,
		),
		deleteEntry: db.prepare<[string, string]>("DELETE FROM list_entries WHERE list = ? AND key = ?"),
		sweep: db.prepare<[number]>("DELETE FROM list_entries WHERE expires_at IS NOT NULL AND expires_at <= ?"),
		insertAction: db.prepare<[string, number, string, string, string, string, string]>(
			`INSERT INTO actions (id, ts, who, kind, entity, reason, details, event_id)
			 VALUES (?, ?, ?, ?, ?, ?, ?, NULL) ON CONFLICT (id) DO NOTHING`,
		),
	};
}

/**
 * Managed lists in SQLite, on the main connection (list changes are rare and go beside the
 * event writer, as API keys do). A write is one transaction of prepared statements, its audit
 * row included: a 100k-entry import is one commit. Reads go through Kysely.
 * @example await storage.lists.write({ name: "bad_ips", kind: "ip_ranges", at, by, reason: null, put, audit })
 */
export class SqliteListRepository implements ListRepository {
	private stmts: ReturnType<typeof prepare> | undefined;
	private tx: ((w: ListWrite) => { removed: number; changed: boolean }) | undefined;

	constructor(
		private readonly sqlite: BetterSqlite3.Database,
		private readonly db: Kysely<Database>,
	) {}

	async write(w: ListWrite): Promise<{ removed: number; changed: boolean }> {
		if (!this.tx) {
			this.stmts ??= prepare(this.sqlite);
			const s = this.stmts;
			this.tx = this.sqlite.transaction((w: ListWrite) => {
				let removed = 0;
				let changed = false;
				if (w.drop) {
					removed = s.clear.run(w.name).changes;
					changed = s.dropList.run(w.name).changes > 0 || removed > 0;
				} else {
					if (w.replace) removed = s.clear.run(w.name).changes;
					for (const key of w.remove ?? []) removed += s.deleteEntry.run(w.name, key).changes;
					// In key order: the entries' B-tree then fills page by page instead of at random places.
					const put =
						w.put && w.put.length > 1 ? [...w.put].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)) : w.put;
					for (const e of put ?? []) s.upsertEntry.run(w.name, e.key, e.value, e.expiresAt, w.at, w.by, w.reason);
					changed = removed > 0 || !!w.put?.length || !!w.replace;
					// A list is created by its first put (even an empty one: the list then exists).
					if (w.put) s.upsertList.run(w.name, w.kind, w.at, w.at);
					else if (changed) s.touchList.run(w.at, w.name);
				}
				if (changed) {
					const a = w.audit;
					s.insertAction.run(a.id, a.ts, a.who, a.kind, a.entity, a.reason, JSON.stringify(a.details));
				}
				return { removed, changed };
			});
		}
		return this.tx(w);
	}

	async loadAll(
		at: number,
	): Promise<{ name: string; kind: ListKind; entries: { value: string; expiresAt: number | null }[] }[]> {
		const lists = await this.lists();
		const out = [];
		for (const l of lists) {
			const rows = await this.db
				.selectFrom("list_entries")
				.select(["key", "expires_at"])
				.where("list", "=", l.name)
				.where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", at)]))
				.execute();
			out.push({ name: l.name, kind: l.kind, entries: rows.map((r) => ({ value: r.key, expiresAt: r.expires_at })) });
		}
		return out;
	}

	async lists(): Promise<StoredListInfo[]> {
		const rows = await this.db.selectFrom("lists").selectAll().orderBy("name").execute();
		return rows.map((r) => ({
			name: r.name,
			kind: r.kind as ListKind,
			createdAt: r.created_at,
			updatedAt: r.updated_at,
		}));
	}

	async entries(
		name: string,
		opts: { prefix?: string; after?: string; limit: number; at: number },
	): Promise<StoredListEntry[]> {
		let q = this.db
			.selectFrom("list_entries")
			.selectAll()
			.where("list", "=", name)
			.where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", opts.at)]));
		if (opts.prefix) q = q.where("key", ">=", opts.prefix).where("key", "<", opts.prefix + TOP);
		if (opts.after !== undefined) q = q.where("key", ">", opts.after);
		const rows = await q.orderBy("key").limit(opts.limit).execute();
		return rows.map(toEntry);
	}

	async find(name: string, keys: readonly string[], at: number | null): Promise<StoredListEntry[]> {
		const out: StoredListEntry[] = [];
		// In chunks: SQLite takes at most 32,766 parameters per statement.
		for (let i = 0; i < keys.length; i += FIND_CHUNK) {
			let q = this.db
				.selectFrom("list_entries")
				.selectAll()
				.where("list", "=", name)
				.where("key", "in", keys.slice(i, i + FIND_CHUNK));
			if (at !== null) q = q.where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", at)]));
			for (const r of await q.execute()) out.push(toEntry(r));
		}
		return out;
	}

	async sweep(at: number): Promise<number> {
		this.stmts ??= prepare(this.sqlite);
		return this.stmts.sweep.run(at).changes;
	}
}

function toEntry(r: Selectable<ListEntriesTable>): StoredListEntry {
	return {
		value: r.value,
		key: r.key,
		expiresAt: r.expires_at,
		addedAt: r.added_at,
		addedBy: r.added_by,
		reason: r.reason,
	};
}
