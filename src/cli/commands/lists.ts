import { userInfo } from "node:os";
import type {
	ListCheckResult,
	ListPage,
	ListPutResult,
	ListRemoveResult,
	ListSummary,
	ManagedLists,
} from "../../core/rules/index.ts";
import { ValidationError } from "../../core/shared/index.ts";
import { BulwarkClient } from "../client.ts";
import { openDataFolderForWriting, openDataFolderReadOnly } from "../local.ts";
import type { Command, Flags } from "../main.ts";
import { Progress } from "../progress.ts";
import { isoTime, table } from "../table.ts";
import { type FileEntry, readListFile } from "./list-file.ts";

/** What the subcommands need, from a server (`--target`) or from a data folder (`--data`). */
interface Backend {
	describe(): Promise<ListSummary[]>;
	show(name: string, q: { prefix?: string; limit?: number; cursor?: string }): Promise<ListPage>;
	/** `entries` go as NDJSON with a progress bar when `progress` is given. */
	put(name: string, body: PutBody, progress?: Progress): Promise<ListPutResult>;
	remove(name: string, values: string[], reason?: string): Promise<ListRemoveResult>;
	check(name: string, value: string): Promise<ListCheckResult>;
	drop(name: string, reason?: string): Promise<{ name: string; dropped: number }>;
	close(): Promise<void>;
}

interface PutBody {
	kind?: string;
	entries: FileEntry[];
	replace?: boolean;
	reason?: string;
	ttl?: string;
}

const USAGE =
	"lists [show NAME | add NAME VALUE... | import NAME FILE | remove NAME VALUE... | check NAME VALUE | drop NAME] [--target URL --api-key K | --data DIR]";

export const listsCommand: Command = {
	usage: "lists [show|add|import|remove|check|drop NAME ...] [--target URL --api-key K | --data DIR]",
	summary: "managed lists (IP ranges, domains, hashes, keywords): show, add, import, remove, check",
	options: {
		target: { type: "string" },
		server: { type: "string" },
		"api-key": { type: "string" },
		data: { type: "string" },
		kind: { type: "string" },
		ttl: { type: "string" },
		reason: { type: "string" },
		replace: { type: "boolean" },
		prefix: { type: "string" },
		limit: { type: "string" },
		cursor: { type: "string" },
	},
	async run(pos, flags) {
		const [sub = "", name, ...rest] = pos;
		const need = (ok: boolean, usage: string) => {
			if (!ok) throw new Error(`usage: bulwark lists ${usage}`);
		};
		const writes = ["add", "import", "remove", "drop"].includes(sub);
		if (sub !== "" && sub !== "show" && sub !== "check" && !writes) throw new Error(`usage: bulwark ${USAGE}`);
		const backend = await open(flags, writes);
		try {
			switch (sub) {
				case "": {
					const lists = await backend.describe();
					if (flags.json) return out(lists);
					process.stdout.write(
						`${table(
							["list", "kind", "entries", "declared", "managed", "updated"],
							lists.map((l) => [
								l.name,
								l.kind,
								l.size ?? "(in the rules file)",
								l.declared ? "yes" : "no",
								l.managed ? "yes" : "no",
								isoTime(l.updatedAt),
							]),
						)}\n`,
					);
					return 0;
				}
				case "show": {
					need(!!name && !rest.length, "show NAME [--prefix P] [--limit N] [--cursor C]");
					const limit = flags.limit === undefined ? undefined : Number(flags.limit);
					if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 1000))
						throw new Error("--limit must be a whole number from 1 to 1000");
					const page = await backend.show(name as string, {
						...(typeof flags.prefix === "string" ? { prefix: flags.prefix } : {}),
						...(limit !== undefined ? { limit } : {}),
						...(typeof flags.cursor === "string" ? { cursor: flags.cursor } : {}),
					});
					if (flags.json) return out(page);
					process.stdout.write(
						`${page.name} (${page.kind}): ${page.size} entries${page.declared ? ", declared by the rules" : ""}\n\n${table(
							["entry", "as given", "expires", "added", "by", "reason"],
							page.entries.map((e) => [
								e.key,
								e.value === e.key ? "" : e.value,
								isoTime(e.expiresAt) || "never",
								isoTime(e.addedAt),
								e.addedBy,
								e.reason ?? "",
							]),
						)}\n${page.next ? `\nmore: bulwark lists show ${page.name} --cursor ${page.next}\n` : ""}`,
					);
					return 0;
				}
				case "add": {
					need(!!name && rest.length > 0, "add NAME VALUE... [--kind K] [--ttl 7d] [--reason R]");
					const r = await backend.put(name as string, putBody(flags, rest));
					return flags.json ? out(r) : wrote(r);
				}
				case "import": {
					need(!!name && rest.length === 1, "import NAME FILE [--kind K] [--ttl 7d] [--replace] [--reason R]");
					const file = readListFile(rest[0] as string);
					if (file.problems.length) {
						for (const p of file.problems.slice(0, 20)) process.stderr.write(`${rest[0]}:${p.line}: ${p.message}\n`);
						throw new Error(`${file.problems.length} bad lines in ${rest[0]}; nothing was sent`);
					}
					const progress = new Progress(file.entries.length, "entries");
					try {
						const r = await backend.put(name as string, putBody(flags, file.entries), progress);
						return flags.json ? out(r) : wrote(r);
					} catch (err) {
						throw withFileLines(err as Error, rest[0] as string, file.lines);
					}
				}
				case "remove": {
					need(!!name && rest.length > 0, "remove NAME VALUE... [--reason R]");
					const r = await backend.remove(name as string, rest, flags.reason as string | undefined);
					if (flags.json) return out(r);
					process.stdout.write(
						`${r.name}: removed ${r.removed}, ${r.size} left${r.missing.length ? `; not in the list: ${r.missing.join(", ")}` : ""}\n`,
					);
					return 0;
				}
				case "check": {
					need(!!name && rest.length === 1, "check NAME VALUE");
					const r = await backend.check(name as string, rest[0] as string);
					if (flags.json) out(r);
					else
						process.stdout.write(
							r.matches
								? `${r.value} is in ${r.name}${r.entries.length ? `: ${r.entries.map((e) => `${e.key} (added ${isoTime(e.addedAt)} by ${e.addedBy}${e.reason ? `: ${e.reason}` : ""}${e.expiresAt ? `, expires ${isoTime(e.expiresAt)}` : ""})`).join(", ")}` : ""}\n`
								: `${r.value} is not in ${r.name}\n`,
						);
					// As grep: 0 when it matches, 1 when it does not.
					return r.matches ? 0 : 1;
				}
				default: {
					need(!!name && !rest.length, "drop NAME [--reason R]");
					const r = await backend.drop(name as string, flags.reason as string | undefined);
					if (flags.json) return out(r);
					process.stdout.write(`dropped ${r.name} (${r.dropped} entries)\n`);
					return 0;
				}
			}
		} finally {
			await backend.close();
		}
	},
};

function putBody(flags: Flags, entries: FileEntry[]): PutBody {
	const body: PutBody = { entries };
	if (typeof flags.kind === "string") body.kind = flags.kind;
	if (typeof flags.ttl === "string") body.ttl = flags.ttl;
	if (typeof flags.reason === "string") body.reason = flags.reason;
	if (flags.replace) body.replace = true;
	return body;
}

function out(v: unknown): number {
	process.stdout.write(`${JSON.stringify(v)}\n`);
	return 0;
}

function wrote(r: ListPutResult): number {
	process.stdout.write(
		`${r.name} (${r.kind}): ${r.replaced ? "replaced with" : "wrote"} ${r.written} entries, ${r.size} in the list (audit ${r.actionId})\n`,
	);
	return 0;
}

/** Problems the server reports as `line N` of the NDJSON it was sent, as lines of the file. */
function withFileLines(err: Error, file: string, lines: readonly number[]): Error {
	const msg = err.message.replace(/\/entries\/(\d+)(\S*): (?:line \d+: )?/g, (_m, i: string, rest: string) => {
		const line = lines[Number(i)];
		return line === undefined ? `/entries/${i}${rest}: ` : `${file}:${line}: `;
	});
	return new Error(msg);
}

async function open(flags: Flags, writes: boolean): Promise<Backend> {
	const target = (flags.target ?? flags.server) as string | undefined;
	if (typeof target === "string") {
		const key = (flags["api-key"] as string | undefined) ?? process.env.BULWARK_API_KEY;
		if (!key) throw new Error("--target needs --api-key KEY (or BULWARK_API_KEY)");
		return remote(new BulwarkClient(target, key));
	}
	if (writes) {
		const { bw, close } = await openDataFolderForWriting(flags.data as string | undefined);
		return local(bw.managedLists, close);
	}
	const bw = await openDataFolderReadOnly(flags.data);
	return local(bw.managedLists, () => bw.close());
}

function remote(client: BulwarkClient): Backend {
	const path = (name: string, rest = "") => `/v1/lists/${encodeURIComponent(name)}${rest}`;
	return {
		describe: async () => (await client.request<{ lists: ListSummary[] }>("GET", "/v1/lists")).lists,
		show: (name, q) => {
			const qs = new URLSearchParams();
			if (q.prefix !== undefined) qs.set("prefix", q.prefix);
			if (q.limit !== undefined) qs.set("limit", String(q.limit));
			if (q.cursor !== undefined) qs.set("cursor", q.cursor);
			return client.request("GET", path(name, qs.size ? `?${qs}` : ""));
		},
		put: (name, body, progress) => {
			if (!progress) return client.request("PUT", path(name), JSON.stringify(body));
			const { entries, ...options } = body;
			const qs = new URLSearchParams(Object.entries(options).map(([k, v]) => [k, String(v)]));
			return client
				.request<ListPutResult>("PUT", path(name, `?${qs}`), ndjsonStream(entries, progress), "application/x-ndjson")
				.finally(() => progress.finish(entries.length, entries.length));
		},
		remove: (name, values, reason) =>
			client.request("DELETE", path(name, "/entries"), JSON.stringify({ values, ...(reason ? { reason } : {}) })),
		check: (name, value) => client.request("GET", path(name, `/check?value=${encodeURIComponent(value)}`)),
		drop: (name, reason) => client.request("DELETE", path(name, reason ? `?reason=${encodeURIComponent(reason)}` : "")),
		close: async () => {},
	};
}

/** The entries as NDJSON, sent as fetch reads them, 2,000 a chunk, advancing the bar. */
function ndjsonStream(entries: readonly FileEntry[], progress: Progress): ReadableStream<Uint8Array> {
	const encoder = new TextEncoder();
	let i = 0;
	return new ReadableStream<Uint8Array>({
		pull(controller) {
			if (i >= entries.length) {
				controller.close();
				return;
			}
			const end = Math.min(entries.length, i + 2_000);
			let text = "";
			for (; i < end; i++) text += `${JSON.stringify(entries[i])}\n`;
			controller.enqueue(encoder.encode(text));
			progress.update(i, i, i === entries.length ? "sent; the server is applying them" : "");
		},
	});
}

function local(lists: ManagedLists, close: () => Promise<void>): Backend {
	const who = `cli:${userInfo().username}`;
	return {
		describe: () => lists.describe(),
		show: (name, q) => withProblems(lists.show(name, { limit: q.limit ?? 100, ...q })),
		put: async (name, body, progress) => {
			const r = await withProblems(lists.put(name, body, who));
			progress?.finish(body.entries.length, body.entries.length);
			return r;
		},
		remove: (name, values, reason) => withProblems(lists.remove(name, { values, ...(reason ? { reason } : {}) }, who)),
		check: (name, value) => withProblems(lists.check(name, value)),
		drop: (name, reason) => lists.drop(name, who, reason ?? null),
		close,
	};
}

/** A ValidationError's problems in its message, as the client shows a server's. */
async function withProblems<T>(p: Promise<T>): Promise<T> {
	try {
		return await p;
	} catch (err) {
		if (!(err instanceof ValidationError)) throw err;
		throw new Error(`${err.message}${err.problems.map((x) => `\n  ${x.pointer || "/"}: ${x.message}`).join("")}`);
	}
}
