import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Claims a data folder for one writer (a server or an in-process ingest): two processes
 * keeping windows for the same folder would each snapshot their own view. A lock left by a
 * process that died (kill -9) is taken over. Returns the release function.
 */
export function acquireLock(dataDir: string): () => void {
	mkdirSync(dataDir, { recursive: true });
	const file = join(dataDir, "bulwark.pid");
	const holder = readHolder(file);
	if (holder !== undefined && holder !== process.pid && alive(holder)) {
		throw new Error(
			`another bulwark process (pid ${holder}) is using ${dataDir}; stop it, or send to it with --target URL`,
		);
	}
	writeFileSync(file, String(process.pid));
	return () => {
		if (readHolder(file) === process.pid) rmSync(file, { force: true });
	};
}

function readHolder(file: string): number | undefined {
	try {
		const pid = Number(readFileSync(file, "utf8").trim());
		return Number.isInteger(pid) && pid > 0 ? pid : undefined;
	} catch {
		return undefined;
	}
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (err) {
		return (err as NodeJS.ErrnoException).code === "EPERM";
	}
}
