import { loadConfig, SETTINGS } from "../../app/config.ts";
import { acquireLock } from "../../app/lock.ts";
import { type Running, serve } from "../../app/serve.ts";
import type { Command } from "../main.ts";

const options: Command["options"] = {};
for (const s of SETTINGS) options[s.flag.slice(2)] = { type: "string" };

export const serveCommand: Command = {
	usage: "serve [--port N] [--host H] [--data DIR] ...",
	summary: "run the embedded server (SQLite, in-process state and bus)",
	options,
	async run(_pos, flags) {
		const cfg = loadConfig(flags);
		const release = acquireLock(cfg.dataDir);
		let running: Running;
		try {
			running = await serve(cfg);
		} catch (err) {
			// Refused to start (a rules pack that does not compile, a port in use): free the folder.
			release();
			throw err;
		}
		await new Promise<void>((resolve) => {
			const stop = (signal: string) => {
				process.stderr.write(`${signal}: closing (flushing writes, snapshotting windows)\n`);
				running.close().then(resolve, (err) => {
					process.stderr.write(`error while closing: ${(err as Error).message}\n`);
					resolve();
				});
			};
			process.once("SIGINT", () => stop("SIGINT"));
			process.once("SIGTERM", () => stop("SIGTERM"));
		});
		release();
		return 0;
	},
};
