import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { openSqliteStorage } from "../../adapters/storage/sqlite/index.ts";
import { loadConfig } from "../../app/config.ts";
import { generateKey, hashKey, keyPrefix } from "../../core/access/index.ts";
import { newId } from "../../core/shared/index.ts";
import type { Command } from "../main.ts";
import { isoTime, table } from "../table.ts";

export const keysCommand: Command = {
	usage: "keys create [--name N] | keys list | keys revoke ID  [--data DIR]",
	summary: "manage ingest API keys (stored hashed; a new key is shown once)",
	options: { name: { type: "string" }, data: { type: "string" } },
	async run(pos, flags) {
		const cfg = loadConfig({ data: flags.data as string | undefined });
		mkdirSync(cfg.dataDir, { recursive: true });
		const storage = await openSqliteStorage({ path: join(cfg.dataDir, "bulwark.db"), retentionMs: cfg.retentionMs });
		try {
			switch (pos[0]) {
				case "create": {
					const key = generateKey();
					const record = {
						id: newId(),
						name: (flags.name as string | undefined) ?? "default",
						prefix: keyPrefix(key),
						hash: hashKey(key),
						createdAt: Date.now(),
						revokedAt: null,
					};
					await storage.insert(record);
					if (flags.json) process.stdout.write(`${JSON.stringify({ id: record.id, name: record.name, key })}\n`);
					else
						process.stdout.write(
							`created key "${record.name}" (id ${record.id}). It is shown this once; store it now:\n\n  ${key}\n\n`,
						);
					return 0;
				}
				case "list": {
					const keys = await storage.list();
					if (flags.json) process.stdout.write(`${JSON.stringify(keys.map(({ hash: _h, ...k }) => k))}\n`);
					else
						process.stdout.write(
							`${table(
								["id", "name", "prefix", "created", "revoked"],
								keys.map((k) => [k.id, k.name, `${k.prefix}…`, isoTime(k.createdAt), isoTime(k.revokedAt)]),
							)}\n`,
						);
					return 0;
				}
				case "revoke": {
					if (!pos[1]) throw new Error("give the key id: bulwark keys revoke ID (ids from bulwark keys list)");
					const ok = await storage.revoke(pos[1], Date.now());
					if (!ok) throw new Error(`no active key with id ${pos[1]}`);
					process.stdout.write(
						flags.json
							? `${JSON.stringify({ revoked: pos[1] })}\n`
							: `revoked ${pos[1]} (a running server forgets it within 60 s)\n`,
					);
					return 0;
				}
				default:
					throw new Error(`usage: bulwark ${keysCommand.usage}`);
			}
		} finally {
			await storage.close();
		}
	},
};
