/**
 * The API tests run on the real embedded system: SQLite storage and in-memory windows in a
 * temporary folder, the real processor, a ManualClock at T0. `close()` removes the folder.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { apiDepsOf } from "../app/api-deps.ts";
import { type Bulwark, openBulwark } from "../app/bulwark.ts";
import { ManualClock } from "../core/shared/index.ts";
import type { ApiDeps } from "./deps.ts";

/** 2023-11-14T22:13:20Z: a fixed start so tests are deterministic. */
export const T0 = 1_700_000_000_000;

export type TestDeps = ApiDeps & { clock: ManualClock; bulwark: Bulwark; close(): Promise<void> };

/**
 * ApiDeps over a fresh embedded system; `envKeyHashes` are accepted as the `env` key. `rules`:
 * a rules folder, or null for none; default the package's rules/ (as `bulwark serve`).
 */
export async function makeTestDeps(opts: { envKeyHashes?: string[]; rules?: string | null } = {}): Promise<TestDeps> {
	const dir = mkdtempSync(join(tmpdir(), "bulwark-api-"));
	const clock = new ManualClock(T0);
	const bulwark = await openBulwark({
		dataDir: dir,
		retentionMs: 30 * 86_400_000,
		snapshotIntervalMs: 3_600_000,
		clock,
		timers: false,
		...(opts.rules !== undefined ? { rules: opts.rules } : {}),
	});
	return {
		...apiDepsOf(bulwark, new Set(opts.envKeyHashes ?? [])),
		clock,
		bulwark,
		close: async () => {
			await bulwark.close();
			rmSync(dir, { recursive: true, force: true });
		},
	};
}
