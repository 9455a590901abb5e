import { readFileSync, statSync } from "node:fs";
import { relative, resolve } from "node:path";
import { filesUnder } from "../../app/rules.ts";
import type { DeployOutcome, RuleDeployView } from "../../core/rules/index.ts";
import type { Flags } from "../main.ts";
import { isoTime, table } from "../table.ts";

/** The server `deploy`, `versions` and `rollback` talk to, and its key. */
function target(flags: Flags): { base: string; key: string } {
	const base = (flags.server ?? flags.target ?? process.env.BULWARK_SERVER ?? "http://127.0.0.1:8080") as string;
	const key = (flags["api-key"] as string | undefined) ?? process.env.BULWARK_API_KEY;
	if (!key) throw new Error("give the server's API key: --api-key KEY (or BULWARK_API_KEY)");
	return { base, key };
}

interface Problem {
	pointer: string;
	message: string;
	code?: string;
}
interface Answer<T> {
	ok: boolean;
	status: number;
	body: T & { detail?: string; title?: string; problems?: Problem[] };
}

async function call<T>(flags: Flags, method: string, path: string, body?: unknown): Promise<Answer<T>> {
	const { base, key } = target(flags);
	let res: Response;
	try {
		res = await fetch(new URL(path, base), {
			method,
			headers: {
				authorization: `Bearer ${key}`,
				...(body === undefined ? {} : { "content-type": "application/json" }),
			},
			...(body === undefined ? {} : { body: JSON.stringify(body) }),
		});
	} catch (err) {
		throw new Error(`cannot reach ${base}: ${(err as Error).message} (--server URL)`);
	}
	const text = await res.text();
	let parsed: unknown;
	try {
		parsed = text ? JSON.parse(text) : {};
	} catch {
		parsed = { detail: text };
	}
	return { ok: res.ok, status: res.status, body: parsed as Answer<T>["body"] };
}

/** A refusal: the problem's detail, then each problem (a diagnostic with the source line under it). */
function refused(a: Answer<unknown>, flags: Flags, files: { path: string; text: string }[] = []): number {
	if (flags.json) {
		process.stdout.write(`${JSON.stringify(a.body)}\n`);
		return 1;
	}
	const out = [`refused (${a.status}): ${a.body.detail ?? a.body.title ?? "error"}`];
	for (const p of a.body.problems ?? []) {
		out.push(p.code && /^R\d+$/.test(p.code) ? p.message : `  ${p.pointer || "/"}: ${p.message}`);
		const m = /^(.+?):(\d+):(\d+) /.exec(p.message);
		const line = m ? files.find((f) => f.path === m[1])?.text.split("\n")[Number(m[2]) - 1] : undefined;
		if (m && line !== undefined) {
			const gutter = String(m[2]).padStart(5);
			out.push(
				`${gutter} | ${line.replace(/\t/g, " ")}`,
				`${" ".repeat(gutter.length)} | ${" ".repeat(Number(m[3]) - 1)}^`,
			);
		}
	}
	process.stderr.write(`${out.join("\n")}\n`);
	return 1;
}

function done(what: string, a: DeployOutcome, flags: Flags): number {
	if (flags.json) {
		process.stdout.write(`${JSON.stringify(a)}\n`);
		return 0;
	}
	const d = a.deploy;
	if (!a.changed) {
		process.stdout.write(`version ${a.version} is running already${d ? ` (deploy #${d.seq})` : ""}: nothing to do\n`);
		return 0;
	}
	for (const w of a.warnings) process.stdout.write(`warning: ${w}\n`);
	process.stdout.write(
		`${what} version ${a.version} (deploy #${d?.seq}, ${a.rules} rules, compiled in ${a.compileMs} ms); it replaces ${a.previous ?? "no rules"}\n`,
	);
	return 0;
}

/** `bulwark rules deploy DIR -m MESSAGE`: every *.rules file under DIR, as one new version. */
export async function deploy(dir: string, flags: Flags): Promise<number> {
	const message = flags.message;
	if (typeof message !== "string" || !message.trim())
		throw new Error('say why: bulwark rules deploy DIR -m "MESSAGE" (kept in the history and the audit log)');
	if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`${dir} is not a directory`);
	const root = resolve(dir);
	const files = filesUnder(root, ".rules").map((p) => ({ path: relative(root, p), text: readFileSync(p, "utf8") }));
	if (!files.length) throw new Error(`no .rules files under ${dir}`);
	const body = { files, message, ...(typeof flags.author === "string" ? { author: flags.author } : {}) };
	const a = await call<DeployOutcome>(flags, "PUT", "/v1/rules", body);
	return a.ok ? done("deployed", a.body, flags) : refused(a, flags, files);
}

/** `bulwark rules rollback VERSION -m MESSAGE`. */
export async function rollback(version: string, flags: Flags): Promise<number> {
	const message = flags.message;
	if (typeof message !== "string" || !message.trim())
		throw new Error('say why: bulwark rules rollback VERSION -m "MESSAGE" (kept in the history and the audit log)');
	const body = { version, message, ...(typeof flags.author === "string" ? { author: flags.author } : {}) };
	const a = await call<DeployOutcome>(flags, "POST", "/v1/rules/rollback", body);
	return a.ok ? done("rolled back to", a.body, flags) : refused(a, flags);
}

/** `bulwark rules versions`: the deploy history, newest first. */
export async function versions(flags: Flags): Promise<number> {
	const limit = typeof flags.limit === "string" ? `?limit=${encodeURIComponent(flags.limit)}` : "";
	const a = await call<{ active: string | null; versions: RuleDeployView[] }>(
		flags,
		"GET",
		`/v1/rules/versions${limit}`,
	);
	if (!a.ok) return refused(a, flags);
	if (flags.json) {
		process.stdout.write(`${JSON.stringify(a.body)}\n`);
		return 0;
	}
	const rows = a.body.versions;
	if (!rows.length) {
		process.stdout.write("no deploys yet: the server runs the rules folder it started with\n");
		return 0;
	}
	process.stdout.write(
		`${table(
			["", "deploy", "version", "kind", "author", "when", "message"],
			rows.map((d) => [d.active ? "*" : "", `#${d.seq}`, d.version, d.kind, d.author, isoTime(d.at), d.message]),
		)}\n* running now\n`,
	);
	return 0;
}
