import { parseDuration } from "../../shared/duration.ts";
import type { Problem } from "../../shared/errors.ts";
import { LIST_KINDS, type ListKind } from "../types.ts";

/** A list name: as a rules file names it (letters, digits, `_`), at most 64 characters. */
export const LIST_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** Longest entry value, in characters (a strings list holds whole claims). */
export const MAX_VALUE_LENGTH = 2048;
export const MAX_REASON_LENGTH = 500;
/**
 * Entries in one put at most. The entries are written in one transaction beside the event
 * writer, which waits for it (up to SQLite's busy timeout, 5 s): this keeps it well under a
 * second. A bigger list is filled by several puts (without `replace`).
 */
export const MAX_ENTRIES = 250_000;
/** Problems reported for one request at most (a bad 100k-line import would otherwise answer 100k of them). */
export const MAX_PROBLEMS = 100;

/** `PUT /v1/lists/:name` as sent: an entry is `{ value, expiresAt? | ttl? }` or a bare string. */
export interface PutListBody {
	kind?: ListKind;
	entries: (string | { value: string; expiresAt?: number | null; ttl?: string })[];
	/** Swap the whole content for `entries` (atomically), instead of adding to it. */
	replace?: boolean;
	reason?: string;
	/** The TTL of entries that give neither `expiresAt` nor `ttl`. */
	ttl?: string;
}

/** `DELETE /v1/lists/:name/entries` as sent. */
export interface RemoveListBody {
	values: string[];
	reason?: string;
}

/** A put, checked: every entry with its expiry resolved; the values are checked against the kind later. */
export interface CheckedPut {
	kind: ListKind | undefined;
	/** `pointer`: where the value is in the body, for the kind's own checks. */
	entries: { value: string; expiresAt: number | null; pointer: string }[];
	replace: boolean;
	reason: string | null;
	ttl: string | null;
}

const PUT_FIELDS = ["kind", "entries", "replace", "reason", "ttl"];
const ENTRY_FIELDS = ["value", "expiresAt", "ttl"];

/**
 * Checks the shape of a put (an API body, or what the CLI builds), collecting every problem with
 * its JSON pointer; `at` turns TTLs into expiry times.
 * @example checkPut({ kind: "ip_ranges", entries: [{ value: "10.0.0.0/8", ttl: "7d" }] }, now, problems)
 */
export function checkPut(body: unknown, at: number, problems: Problem[]): CheckedPut {
	const out: CheckedPut = { kind: undefined, entries: [], replace: false, reason: null, ttl: null };
	if (!isObject(body)) {
		problems.push({
			pointer: "",
			message: "the body must be an object { kind, entries, replace?, reason? }",
			code: "type",
		});
		return out;
	}
	unknownFields(body, PUT_FIELDS, "", problems);
	if (body.kind !== undefined) {
		if (typeof body.kind === "string" && (LIST_KINDS as readonly string[]).includes(body.kind))
			out.kind = body.kind as ListKind;
		else problems.push({ pointer: "/kind", message: `must be one of ${LIST_KINDS.join(", ")}`, code: "enum" });
	}
	if (body.replace !== undefined) {
		if (typeof body.replace === "boolean") out.replace = body.replace;
		else problems.push({ pointer: "/replace", message: "must be true or false", code: "type" });
	}
	out.reason = reason(body.reason, "/reason", problems);
	let defaultTtl: number | null = null;
	if (body.ttl !== undefined) {
		defaultTtl = duration(body.ttl, "/ttl", problems);
		if (defaultTtl !== null) out.ttl = body.ttl as string;
	}
	if (!Array.isArray(body.entries)) {
		problems.push({ pointer: "/entries", message: "is required: an array of entries", code: "required" });
		return out;
	}
	if (body.entries.length > MAX_ENTRIES) {
		problems.push({
			pointer: "/entries",
			message: `${body.entries.length} entries; a put takes at most ${MAX_ENTRIES} (send the rest in more puts, without replace)`,
			code: "too_many",
		});
		return out;
	}
	body.entries.forEach((e: unknown, i: number) => {
		const ptr = `/entries/${i}`;
		if (typeof e === "string") {
			if (checkValue(e, `${ptr}`, problems))
				out.entries.push({ value: e, expiresAt: defaultTtl === null ? null : at + defaultTtl, pointer: ptr });
			return;
		}
		if (!isObject(e)) {
			problems.push({
				pointer: ptr,
				message: "must be a string or an object { value, expiresAt?, ttl? }",
				code: "type",
			});
			return;
		}
		const before = problems.length;
		unknownFields(e, ENTRY_FIELDS, ptr, problems);
		if (e.value === undefined) problems.push({ pointer: `${ptr}/value`, message: "is required", code: "required" });
		else checkValue(e.value, `${ptr}/value`, problems);
		let expiresAt: number | null = defaultTtl === null ? null : at + defaultTtl;
		if (e.expiresAt !== undefined && e.ttl !== undefined)
			problems.push({ pointer: ptr, message: "give expiresAt or ttl, not both", code: "exclusive" });
		else if (e.expiresAt !== undefined) {
			if (e.expiresAt === null) expiresAt = null;
			else if (Number.isSafeInteger(e.expiresAt) && (e.expiresAt as number) >= 0) expiresAt = e.expiresAt as number;
			else
				problems.push({
					pointer: `${ptr}/expiresAt`,
					message: "must be milliseconds since the epoch (a whole number) or null",
					code: "type",
				});
		} else if (e.ttl !== undefined) {
			const ttl = duration(e.ttl, `${ptr}/ttl`, problems);
			if (ttl !== null) expiresAt = at + ttl;
		}
		if (problems.length === before) out.entries.push({ value: e.value as string, expiresAt, pointer: `${ptr}/value` });
	});
	return out;
}

/** Checks a removal body; returns the values and the reason. */
export function checkRemove(body: unknown, problems: Problem[]): { values: string[]; reason: string | null } {
	if (!isObject(body)) {
		problems.push({ pointer: "", message: "the body must be an object { values, reason? }", code: "type" });
		return { values: [], reason: null };
	}
	unknownFields(body, ["values", "reason"], "", problems);
	const r = reason(body.reason, "/reason", problems);
	if (!Array.isArray(body.values) || body.values.length === 0) {
		problems.push({ pointer: "/values", message: "is required: a non-empty array of values", code: "required" });
		return { values: [], reason: r };
	}
	const values: string[] = [];
	body.values.forEach((v: unknown, i: number) => {
		if (checkValue(v, `/values/${i}`, problems)) values.push(v as string);
	});
	return { values, reason: r };
}

/** Problems with a list name (a path parameter, pointer `/name`). */
export function checkName(name: string, problems: Problem[]): void {
	if (!LIST_NAME.test(name))
		problems.push({
			pointer: "/name",
			message: "a list name is letters, digits and _ (not starting with a digit), at most 64 characters",
			code: "pattern",
		});
}

export function checkValue(v: unknown, pointer: string, problems: Problem[]): boolean {
	if (typeof v !== "string" || v.length === 0 || v.length > MAX_VALUE_LENGTH) {
		problems.push({ pointer, message: `must be a string of 1 to ${MAX_VALUE_LENGTH} characters`, code: "type" });
		return false;
	}
	return true;
}

function reason(v: unknown, pointer: string, problems: Problem[]): string | null {
	if (v === undefined) return null;
	if (typeof v === "string" && v.length <= MAX_REASON_LENGTH) return v;
	problems.push({ pointer, message: `must be a string of at most ${MAX_REASON_LENGTH} characters`, code: "type" });
	return null;
}

function duration(v: unknown, pointer: string, problems: Problem[]): number | null {
	try {
		if (typeof v !== "string") throw new Error("must be a duration such as 7d");
		const ms = parseDuration(v);
		if (ms <= 0) throw new Error("must be longer than 0");
		return ms;
	} catch (err) {
		problems.push({ pointer, message: (err as Error).message, code: "duration" });
		return null;
	}
}

function unknownFields(o: Record<string, unknown>, known: readonly string[], at: string, problems: Problem[]): void {
	for (const k of Object.keys(o))
		if (!known.includes(k))
			problems.push({
				pointer: `${at}/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`,
				message: "is not a known field",
				code: "unknown_field",
			});
}

function isObject(v: unknown): v is Record<string, unknown> {
	return typeof v === "object" && v !== null && !Array.isArray(v);
}
