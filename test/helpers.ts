import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BulwarkEvent } from "../src/core/events/index.ts";

export const ROOT = new URL("..", import.meta.url).pathname;
export const BIN = join(ROOT, "bin/bulwark.js");
export const TEST_KEY = "bwk_test_key_for_integration_tests_only";

export function tempDir(prefix = "bulwark-test-"): { path: string; remove(): void } {
	const path = mkdtempSync(join(tmpdir(), prefix));
	return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface Server {
	url: string;
	child: ChildProcess;
	stderr(): string;
	stdout(): string;
	stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `bulwark serve` in a child process on a free port and waits until it listens; rejects
 * with the exit code and stderr when it exits first. `opts.args` are more flags, `opts.cwd` its
 * working directory.
 */
export async function startServer(
	dataDir: string,
	extraEnv: Record<string, string> = {},
	opts: { args?: string[]; cwd?: string } = {},
): Promise<Server> {
	const child = spawn(process.execPath, [BIN, "serve", "--port", "0", "--data", dataDir, ...(opts.args ?? [])], {
		env: { ...process.env, BULWARK_API_KEYS: TEST_KEY, LOG_LEVEL: "warn", ...extraEnv },
		stdio: ["ignore", "pipe", "pipe"],
		...(opts.cwd ? { cwd: opts.cwd } : {}),
	});
	let err = "";
	let out = "";
	child.stdout?.on("data", (d) => {
		out += d;
	});
	const url = await new Promise<string>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`server did not start in 30 s:\n${err}`)), 30_000);
		child.stderr?.on("data", (d) => {
			err += d;
			const m = /listening on (http:\/\/\S+)/.exec(err);
			if (m) {
				clearTimeout(timer);
				resolve(m[1] as string);
			}
		});
		child.on("exit", (code) => {
			clearTimeout(timer);
			reject(new Error(`server exited with ${code}:\n${err}`));
		});
	});
	const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
	return {
		url,
		child,
		stderr: () => err,
		stdout: () => out,
		stop: async (signal = "SIGTERM") => {
			child.kill(signal);
			return exited;
		},
	};
}

export async function api<T = unknown>(
	url: string,
	method: string,
	path: string,
	body?: unknown,
	contentType = "application/json",
): Promise<{ status: number; body: T }> {
	const res = await fetch(url + path, {
		method,
		headers: { authorization: `Bearer ${TEST_KEY}`, ...(body !== undefined ? { "content-type": contentType } : {}) },
		body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
	});
	const text = await res.text();
	return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

let counter = 0;
/** A valid post.created event; `n` makes ids unique, `ts` defaults to a fixed base time. */
export function postEvent(actor: string, ts: number, over: Partial<BulwarkEvent> = {}): BulwarkEvent {
	counter++;
	return {
		id: `ev-${process.pid}-${counter}`,
		type: "post.created",
		ts,
		actor,
		data: { postId: `p-${process.pid}-${counter}`, text: `post number ${counter}` },
		...over,
	} as BulwarkEvent;
}
