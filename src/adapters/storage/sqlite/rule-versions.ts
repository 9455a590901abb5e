import type BetterSqlite3 from "better-sqlite3";
import type { Compilable, Kysely, Selectable } from "kysely";
import type {
	RuleDeploy,
	RuleDeployKind,
	RuleDeployWrite,
	RuleVersionRepository,
	SourceFile,
	StoredRuleVersion,
} from "../../../core/rules/index.ts";
import type { Database, RuleDeploysTable } from "./schema.ts";

/**
 * Rule versions and the deploy history in SQLite, on the main connection (deploys are rare and
 * go beside the event writer, as API keys and list changes do). Queries are built with Kysely;
 * a deploy runs its statements in one synchronous transaction, so nothing else on this
 * connection (an inline commit) can land inside it.
 * @example const d = await storage.ruleVersions.record({ version, files, kind: "deploy", author, message, at, audit })
 */
export class SqliteRuleVersions implements RuleVersionRepository {
	constructor(
		private readonly sqlite: BetterSqlite3.Database,
		private readonly db: Kysely<Database>,
	) {}

	async active(): Promise<RuleDeploy | undefined> {
		const r = await this.db.selectFrom("rule_deploys").selectAll().orderBy("seq", "desc").limit(1).executeTakeFirst();
		return r && toDeploy(r);
	}

	async record(w: RuleDeployWrite): Promise<RuleDeploy> {
		const { db } = this;
		const run = (q: Compilable) => {
			const c = q.compile();
			return this.sqlite.prepare(c.sql).run(...(c.parameters as unknown[]));
		};
		const files = [...w.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
		return this.sqlite.transaction((): RuleDeploy => {
			run(
				db
					.insertInto("rule_versions")
					.values({ version: w.version, files: JSON.stringify(files), created_at: w.at })
					.onConflict((oc) => oc.column("version").doNothing()),
			);
			const seq = Number(
				run(
					db.insertInto("rule_deploys").values({
						version: w.version,
						kind: w.kind,
						author: w.author,
						message: w.message,
						created_at: w.at,
					}),
				).lastInsertRowid,
			);
			const a = w.audit;
			if (a)
				run(
					db.insertInto("actions").values({
						id: a.id,
						ts: a.ts,
						who: a.who,
						kind: a.kind,
						entity: a.entity,
						reason: a.reason,
						details: JSON.stringify({ ...a.details, seq }),
						event_id: a.eventId,
					}),
				);
			return { seq, version: w.version, kind: w.kind, author: w.author, message: w.message, at: w.at };
		})();
	}

	async history(opts: { limit: number; before?: number; version?: string }): Promise<RuleDeploy[]> {
		let q = this.db.selectFrom("rule_deploys").selectAll();
		if (opts.before !== undefined) q = q.where("seq", "<", opts.before);
		if (opts.version !== undefined) q = q.where("version", "=", opts.version);
		const rows = await q.orderBy("seq", "desc").limit(opts.limit).execute();
		return rows.map(toDeploy);
	}

	async get(version: string): Promise<StoredRuleVersion | undefined> {
		const r = await this.db.selectFrom("rule_versions").selectAll().where("version", "=", version).executeTakeFirst();
		return r && { version: r.version, files: JSON.parse(r.files) as SourceFile[], createdAt: r.created_at };
	}
}

function toDeploy(r: Selectable<RuleDeploysTable>): RuleDeploy {
	return {
		seq: r.seq,
		version: r.version,
		kind: r.kind as RuleDeployKind,
		author: r.author,
		message: r.message,
		at: r.created_at,
	};
}
