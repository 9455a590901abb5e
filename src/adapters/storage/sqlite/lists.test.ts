import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runListRepositoryConformance } from "../list-conformance.ts";
import { openSqliteStorage } from "./open.ts";

runListRepositoryConformance("sqlite (:memory:)", async () => {
	const s = await openSqliteStorage({ path: ":memory:" });
	return { repo: s.lists, actions: () => s.listActions({ limit: 1_000 }), close: () => s.close() };
});

runListRepositoryConformance("sqlite (file, writer thread beside)", async () => {
	const dir = mkdtempSync(join(tmpdir(), "bulwark-lists-"));
	const s = await openSqliteStorage({ path: join(dir, "bulwark.db") });
	return {
		repo: s.lists,
		actions: () => s.listActions({ limit: 1_000 }),
		close: async () => {
			await s.close();
			rmSync(dir, { recursive: true, force: true });
		},
	};
});
