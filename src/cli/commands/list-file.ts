import { readFileSync } from "node:fs";

/** An entry as `PUT /v1/lists/:name` takes it. */
export type FileEntry = string | { value: string; expiresAt?: number; ttl?: string };

export interface ListFile {
	entries: FileEntry[];
	/** The 1-based file line of each entry. */
	lines: number[];
	problems: { line: number; message: string }[];
}

const DURATION = /^\d+(\.\d+)?(ms|s|m|h|d|w)$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;
const HEADER = /^"?value"?(,\s*"?(expires_?at|expires|ttl)"?)?$/i;

/**
 * Reads a list file: one value a line, or CSV `value,expiry` where the expiry is milliseconds
 * since the epoch, an ISO date (`2025-07-01`, `2025-07-01T12:00:00Z`), a duration from now
 * (`7d`) or empty (never). A value may be double-quoted (`"a, b",7d`). Blank lines, `#`
 * comments and a `value,expiresAt` header are skipped. A last field that is none of these is
 * part of the value (a claim with a comma in it).
 * @example readListFile("bad_ips.txt").entries // ["185.7.0.0/16", { value: "10.0.0.1", ttl: "7d" }]
 */
export function readListFile(path: string): ListFile {
	return parseListText(readFileSync(path, "utf8"));
}

export function parseListText(text: string): ListFile {
	const out: ListFile = { entries: [], lines: [], problems: [] };
	let first = true;
	text.split("\n").forEach((raw, i) => {
		const line = raw.replace(/\r$/, "").trim();
		if (line === "" || line.startsWith("#")) return;
		if (first) {
			first = false;
			if (HEADER.test(line)) return;
		}
		const entry = parseLine(line);
		if (typeof entry === "object" && "problem" in entry) {
			out.problems.push({ line: i + 1, message: entry.problem });
			return;
		}
		out.entries.push(entry);
		out.lines.push(i + 1);
	});
	return out;
}

function parseLine(line: string): FileEntry | { problem: string } {
	const comma = line.lastIndexOf(",");
	if (comma < 0) return unquote(line);
	const value = unquote(line.slice(0, comma).trim());
	const expiry = line.slice(comma + 1).trim();
	if (expiry === "") return value;
	if (/^\d+$/.test(expiry)) return { value, expiresAt: Number(expiry) };
	if (DURATION.test(expiry)) return { value, ttl: expiry };
	if (ISO_DATE.test(expiry)) {
		const t = Date.parse(expiry);
		return Number.isNaN(t) ? { problem: `"${expiry}" is not a date` } : { value, expiresAt: t };
	}
	return unquote(line);
}

function unquote(s: string): string {
	return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1).replace(/""/g, '"') : s;
}
