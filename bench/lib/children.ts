import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { childGone, trackChild } from "./other-load.ts";

export const ROOT = new URL("../..", import.meta.url).pathname;

const live = new Set<ChildProcess>();
const dirs = new Set<string>();
let hooked = false;

/** Whatever ends this process (done, thrown, Ctrl-C) kills the children and removes the temp dirs. */
function hookExit(): void {
	if (hooked) return;
	hooked = true;
	process.on("exit", () => {
		for (const c of live) c.kill("SIGKILL");
		for (const d of dirs) rmSync(d, { recursive: true, force: true });
	});
	for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
		process.on(sig, () => {
			process.stderr.write(`\n${sig}: stopping the servers\n`);
			process.exit(130);
		});
	}
}

/** A temp dir removed when this process exits (or earlier with `remove`). */
export function tempDir(prefix: string): { path: string; remove(): void } {
	hookExit();
	const path = mkdtempSync(join(tmpdir(), prefix));
	dirs.add(path);
	return {
		path,
		remove: () => {
			rmSync(path, { recursive: true, force: true });
			dirs.delete(path);
		},
	};
}

export interface Child {
	name: string;
	url: string;
	/** Last lines the child wrote on stderr (for error messages). */
	stderr(): string;
	/** Throws when the child has exited: call after each phase of load. */
	assertAlive(): void;
	stop(): Promise<void>;
}

/**
 * Spawns `node ARGS` and waits for the "listening on URL" line on stderr.
 * @example const s = await startChild("bulwark", [BIN, "serve", "--port", "0"], { LOG_LEVEL: "warn" });
 */
export async function startChild(name: string, args: string[], env: Record<string, string> = {}): Promise<Child> {
	hookExit();
	// stdin is a pipe the child may watch: it closes when this process dies, even by SIGKILL.
	const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ["pipe", "ignore", "pipe"] });
	live.add(child);
	if (child.pid) trackChild(child.pid);
	let err = "";
	let exitCode: number | null | undefined;
	const exited = new Promise<void>((resolve) =>
		child.once("exit", (code, signal) => {
			exitCode = code ?? (signal ? -1 : null);
			live.delete(child);
			resolve();
		}),
	);
	const url = await new Promise<string>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`${name} did not start in 30 s:\n${err}`)), 30_000);
		child.stderr?.on("data", (d: Buffer) => {
			err = (err + d.toString()).slice(-8_000);
			const m = /listening on (http:\/\/\S+)/.exec(err);
			if (m) {
				clearTimeout(timer);
				resolve(m[1] as string);
			}
		});
		void exited.then(() => {
			clearTimeout(timer);
			reject(new Error(`${name} exited with ${exitCode} before listening:\n${err}`));
		});
	});
	return {
		name,
		url,
		stderr: () => err,
		assertAlive: () => {
			if (exitCode !== undefined) throw new Error(`${name} exited with ${exitCode} during the run:\n${err}`);
		},
		stop: async () => {
			if (exitCode !== undefined) return;
			if (child.pid) childGone(child.pid);
			child.kill("SIGTERM");
			const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
			await exited;
			clearTimeout(timer);
		},
	};
}

/** The API key the benchmarks' servers accept (passed in the environment, never stored). */
export const BENCH_KEY = "bwk_bench_key_for_local_benchmarks_only";

/**
 * Node's flags for a server, as `npm start` and `bin/bulwark.js` (its shebang) pass them: a
 * young generation of up to 64 MiB a semi-space, so scavenges come less often (the event path
 * allocates a few KB an event).
 */
export const SERVER_NODE_FLAGS = ["--max-semi-space-size=64"];

/**
 * More Node flags for the server under test, from `BULWARK_BENCH_SERVER_FLAGS` (space-separated),
 * after {@link SERVER_NODE_FLAGS} so they win: for experiments and profiles, e.g.
 * `BULWARK_BENCH_SERVER_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench -- http`.
 */
function extraServerFlags(): string[] {
	return (process.env.BULWARK_BENCH_SERVER_FLAGS ?? "").split(" ").filter(Boolean);
}

/** `bulwark serve` (started as `npm start` starts it) on a free port with `BENCH_KEY` and no rate limit. */
export function startBulwark(dataDir: string): Promise<Child> {
	const args = [
		...SERVER_NODE_FLAGS,
		...extraServerFlags(),
		join(ROOT, "bin/bulwark.js"),
		"serve",
		"--port",
		"0",
		"--data",
		dataDir,
	];
	return startChild("bulwark", args, {
		BULWARK_API_KEYS: BENCH_KEY,
		BULWARK_RATE_LIMIT: "0",
		LOG_LEVEL: "warn",
	});
}

/** The no-op fastify server (the framework's ceiling), see noop-server.ts. */
export function startNoop(): Promise<Child> {
	return startChild("noop-fastify", ["--import", "tsx", join(ROOT, "bench/lib/noop-server.ts")]);
}
