/**
 * The API tests run on the real embedded system: SQLite storage and in-memory windows in a
 * temporary folder, the real processor, a ManualClock at T0. `close()` removes the folder.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { apiDepsOf } from "../app/api-deps.ts";
import { openBulwark } from "../app/bulwark.ts";
import { ManualClock } from "../core/shared/index.ts";
import type { ApiDeps } from "./deps.ts";

/** 2023-11-14T22:13:20Z: a fixed start so tests are deterministic. */
export const T0 = 1_700_000_000_000;

export type TestDeps = ApiDeps & { clock: ManualClock; close(): Promise<void> };

/** ApiDeps over a fresh embedded system; `envKeyHashes` are accepted as the `env` key. */
export async function makeTestDeps(opts: { envKeyHashes?: string[] } = {}): Promise<TestDeps> {
	const dir = mkdtempSync(join(tmpdir(), "bulwark-api-"));
	const clock = new ManualClock(T0);
	const bulwark = await openBulwark({
		dataDir: dir,
		retentionMs: 30 * 86_400_000,
		snapshotIntervalMs: 3_600_000,
		clock,
		timers: false,
	});
	return {
		...apiDepsOf(bulwark, new Set(opts.envKeyHashes ?? [])),
		clock,
		close: async () => {
			await bulwark.close();
			rmSync(dir, { recursive: true, force: true });
		},
	};
}
