import { type Bulwark, openBulwark } from "../app/bulwark.ts";
import { loadConfig } from "../app/config.ts";
import { acquireLock } from "../app/lock.ts";

/** Opens a data folder for reading beside a possibly running server (no timers, no snapshot). */
export function openDataFolderReadOnly(data: string | boolean | undefined): Promise<Bulwark> {
	const cfg = loadConfig({ data: typeof data === "string" ? data : undefined });
	return openBulwark({
		dataDir: cfg.dataDir,
		retentionMs: cfg.retentionMs,
		snapshotIntervalMs: cfg.snapshotIntervalMs,
		rules: cfg.rulesDir,
		rulesExplicit: cfg.rulesExplicit,
		readOnly: true,
	});
}

/**
 * Opens a data folder to write into from this process (in-process `ingest`, `simulate`): its
 * lock is held until `close`, which also closes Bulwark (a snapshot, then the database).
 */
export async function openDataFolderForWriting(
	data: string | undefined,
): Promise<{ bw: Bulwark; close(): Promise<void> }> {
	const cfg = loadConfig({ data });
	const release = acquireLock(cfg.dataDir);
	try {
		const bw = await openBulwark({
			dataDir: cfg.dataDir,
			retentionMs: cfg.retentionMs,
			snapshotIntervalMs: cfg.snapshotIntervalMs,
			rules: cfg.rulesDir,
			rulesExplicit: cfg.rulesExplicit,
			timers: false,
		});
		return {
			bw,
			close: async () => {
				try {
					await bw.close();
				} finally {
					release();
				}
			},
		};
	} catch (err) {
		release();
		throw err;
	}
}
