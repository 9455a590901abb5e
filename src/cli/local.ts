import { type Bulwark, openBulwark } from "../app/bulwark.ts";
import { loadConfig } from "../app/config.ts";

/** Opens a data folder for reading beside a possibly running server (no timers, no snapshot). */
export function openDataFolderReadOnly(data: string | boolean | undefined): Promise<Bulwark> {
	const cfg = loadConfig({ data: typeof data === "string" ? data : undefined });
	return openBulwark({
		dataDir: cfg.dataDir,
		retentionMs: cfg.retentionMs,
		snapshotIntervalMs: cfg.snapshotIntervalMs,
		rules: cfg.rulesDir,
		readOnly: true,
	});
}
