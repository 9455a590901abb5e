import { execFileSync } from "node:child_process";
import { arch, availableParallelism, cpus, release, totalmem, type } from "node:os";
import type { Machine } from "./types.ts";

/** The machine a run was measured on. */
export function machine(): Machine {
	return {
		cpus: availableParallelism(),
		cpuModel: cpus()[0]?.model.trim() ?? "unknown",
		memGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
		node: process.version,
		os: `${type()} ${release()} ${arch()}`,
	};
}

/** `2 × AMD EPYC 7B13, 23.4 GiB, Node v20.20.2, Linux 6.1 x64` */
export function machineLine(m: Machine): string {
	return `${m.cpus} × ${m.cpuModel}, ${m.memGiB} GiB, Node ${m.node}, ${m.os}`;
}

/** The commit measured, `-dirty` when tracked files have uncommitted changes. */
export function codeVersion(): string {
	try {
		const root = new URL("../..", import.meta.url).pathname;
		return execFileSync("git", ["describe", "--always", "--dirty"], { cwd: root, encoding: "utf8" }).trim();
	} catch {
		return "unknown (not a git checkout)";
	}
}
