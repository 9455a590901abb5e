import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

// Plain JS run with `eval`: a worker does not inherit the main thread's TypeScript loader, so
// this registers tsx's (CommonJS, quicker to start than its ESM hooks) before loading the
// entry; a compiled build loads its `.js` entry as it is.
const BOOT = `
const { workerData } = require("node:worker_threads");
const { tsx, entry } = workerData.boot;
if (tsx) {
	require(tsx).register();
	require(entry);
} else {
	import(require("node:url").pathToFileURL(entry).href);
}
`;

/**
 * Starts a worker thread on one of our own modules, `entry` resolved against `base` (the
 * caller's `import.meta.url`), whether it runs as TypeScript (through tsx) or compiled. The
 * module reads `workerData` as given here (plus a `boot` field of its own).
 * @example const w = startSourceWorker(import.meta.url, "./writer-thread", { path });
 */
export function startSourceWorker(base: string, entry: string, workerData: object, execArgv: string[] = []): Worker {
	const typescript = base.endsWith(".ts");
	const file = fileURLToPath(new URL(`${entry}${typescript ? ".ts" : ".js"}`, base));
	const boot = { tsx: typescript ? createRequire(base).resolve("tsx/cjs/api") : null, entry: file };
	// No execArgv by default: the main thread's `--import tsx` would load tsx's ESM hooks for nothing.
	return new Worker(BOOT, { eval: true, workerData: { ...workerData, boot }, execArgv });
}
