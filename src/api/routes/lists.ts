import type { FastifyInstance, FastifyRequest } from "fastify";
import { MAX_VALUE_LENGTH } from "../../core/rules/index.ts";
import { type Problem, ValidationError } from "../../core/shared/index.ts";
import { useLenientJson } from "../body.ts";
import { PAGE, QueryReader } from "../query.ts";
import type { RouteContext } from "./context.ts";
import { NDJSON_TYPES } from "./events.ts";

/**
 * Managed lists: list them, page through one, add or replace entries, remove entries, drop a
 * list, ask whether a value matches. Changes are audited as `apikey:<name>` and read by the very
 * next event. Bodies may be as large as an event batch (`--batch-limit`): a list import is one
 * request, as JSON or as NDJSON (one entry a line, options in the query string).
 */
export async function listRoutes(app: FastifyInstance, { deps, opts }: RouteContext): Promise<void> {
	const { lists } = deps;
	const limit = opts.batchLimit;
	useLenientJson(app, limit);
	app.addContentTypeParser(NDJSON_TYPES, { parseAs: "string", bodyLimit: limit }, (_req, body, done) =>
		done(null, body),
	);
	const who = (req: FastifyRequest) => `apikey:${req.apiKeyName}`;
	const nameOf = (req: FastifyRequest) => (req.params as { name: string }).name;

	app.get("/lists", async (req) => {
		new QueryReader(req.query, []).done();
		return { lists: await lists.describe() };
	});

	app.get("/lists/:name", async (req) => {
		const q = new QueryReader(req.query, ["prefix", "limit", "cursor"]);
		const prefix = q.str("prefix", MAX_VALUE_LENGTH);
		const n = q.int("limit", PAGE) as number;
		const cursor = q.str("cursor", 4 * MAX_VALUE_LENGTH);
		q.done();
		return lists.show(nameOf(req), {
			limit: n,
			...(prefix !== undefined ? { prefix } : {}),
			...(cursor !== undefined ? { cursor } : {}),
		});
	});

	app.put("/lists/:name", { bodyLimit: limit }, async (req) => {
		if (typeof req.body !== "string") {
			new QueryReader(req.query, []).done();
			return lists.put(nameOf(req), req.body, who(req));
		}
		const { body, lines } = fromNdjson(req.body, req.query);
		try {
			return await lists.put(nameOf(req), body, who(req));
		} catch (err) {
			throw err instanceof ValidationError ? withLines(err, lines) : err;
		}
	});

	app.delete("/lists/:name/entries", async (req) => lists.remove(nameOf(req), req.body, who(req)));

	app.delete("/lists/:name", async (req) => {
		const q = new QueryReader(req.query, ["reason"]);
		const reason = q.str("reason", 500);
		q.done();
		return lists.drop(nameOf(req), who(req), reason ?? null);
	});

	app.get("/lists/:name/check", async (req) => {
		const q = new QueryReader(req.query, ["value", "at"]);
		const value = q.str("value", MAX_VALUE_LENGTH);
		const at = q.int("at", { min: 0, max: Number.MAX_SAFE_INTEGER });
		if (value === undefined && !q.problems.some((p) => p.pointer === "/value"))
			q.problems.push({ pointer: "/value", message: "is required: the value to look up", code: "required" });
		q.done();
		return lists.check(nameOf(req), value as string, at);
	});
}

/**
 * An NDJSON put: one entry a line (`"10.0.0.0/8"` or `{"value":"10.0.0.0/8","ttl":"7d"}`), the
 * options in the query string (`?kind=ip_ranges&replace=true&reason=...&ttl=7d`). Returns the
 * body as a JSON put would be, and the 1-based line number of each entry.
 */
function fromNdjson(text: string, query: unknown): { body: Record<string, unknown>; lines: number[] } {
	const q = new QueryReader(query, ["kind", "replace", "reason", "ttl"]);
	const kind = q.str("kind", 32);
	const replace = q.oneOf("replace", ["true", "false"] as const);
	const reason = q.str("reason", 500);
	const ttl = q.str("ttl", 32);
	q.done();
	const entries: unknown[] = [];
	const lines: number[] = [];
	const problems: Problem[] = [];
	text.split("\n").forEach((raw, i) => {
		const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
		if (line.trim() === "") return;
		try {
			entries.push(JSON.parse(line));
		} catch (err) {
			problems.push({
				pointer: `/entries/${entries.length}`,
				message: `line ${i + 1}: not valid JSON: ${(err as Error).message}`,
				code: "parse",
			});
			entries.push(null);
		}
		lines.push(i + 1);
	});
	if (problems.length)
		throw new ValidationError(
			`${problems.length} lines are not valid JSON; nothing was written`,
			problems.slice(0, 100),
		);
	const body: Record<string, unknown> = { entries };
	if (kind !== undefined) body.kind = kind;
	if (replace !== undefined) body.replace = replace === "true";
	if (reason !== undefined) body.reason = reason;
	if (ttl !== undefined) body.ttl = ttl;
	return { body, lines };
}

/** Names the NDJSON line of each problem about an entry (`/entries/3/value` is the 4th entry's line). */
function withLines(err: ValidationError, lines: readonly number[]): ValidationError {
	const problems = err.problems.map((p) => {
		const m = /^\/entries\/(\d+)/.exec(p.pointer);
		const line = m ? lines[Number(m[1])] : undefined;
		return line === undefined ? p : { ...p, message: `line ${line}: ${p.message}` };
	});
	return new ValidationError(err.message, problems);
}
