import type { Kysely } from "kysely";
import type { ApiKey } from "../../../core/access/index.ts";
import { ConflictError } from "../../../core/shared/index.ts";
import { toApiKey } from "./rows.ts";
import type { Database } from "./schema.ts";

type Db = Kysely<Database>;

/** The key with this SHA-256, unless revoked. */
export async function findKeyByHash(db: Db, hash: string): Promise<ApiKey | undefined> {
	const r = await db
		.selectFrom("api_keys")
		.selectAll()
		.where("hash", "=", hash)
		.where("revoked_at", "is", null)
		.executeTakeFirst();
	return r && toApiKey(r);
}

export async function insertKey(db: Db, k: ApiKey): Promise<void> {
	try {
		await db
			.insertInto("api_keys")
			.values({
				id: k.id,
				name: k.name,
				prefix: k.prefix,
				hash: k.hash,
				created_at: k.createdAt,
				revoked_at: k.revokedAt,
			})
			.execute();
	} catch (err) {
		if (isConstraint(err)) throw new ConflictError(`an API key with this id or hash exists already`);
		throw err;
	}
}

/** Every key, revoked ones included, oldest first. */
export async function listKeys(db: Db): Promise<ApiKey[]> {
	const rows = await db.selectFrom("api_keys").selectAll().orderBy("created_at").orderBy("id").execute();
	return rows.map(toApiKey);
}

/** True when the key existed and was not revoked before. */
export async function revokeKey(db: Db, id: string, at: number): Promise<boolean> {
	const r = await db
		.updateTable("api_keys")
		.set({ revoked_at: at })
		.where("id", "=", id)
		.where("revoked_at", "is", null)
		.executeTakeFirst();
	return r.numUpdatedRows > 0n;
}

function isConstraint(err: unknown): boolean {
	return (
		typeof err === "object" && err !== null && String((err as { code?: unknown }).code).startsWith("SQLITE_CONSTRAINT")
	);
}
