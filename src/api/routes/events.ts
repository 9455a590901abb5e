import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from "fastify";
import type { Verdict } from "../../core/decisions/index.ts";
import type { Outcome } from "../../core/pipeline/index.ts";
import { PayloadTooLargeError, type Problem, ValidationError } from "../../core/shared/index.ts";
import { rawTextParser } from "../body.ts";
import type { RateLimiter } from "../rate-limit.ts";
import { decisionView, rejectedError } from "../views.ts";
import type { RouteContext } from "./context.ts";

export const NDJSON_TYPES = ["application/x-ndjson", "application/ndjson", "text/plain"];

/** A preParsing hook taking `cost` tokens before the body is read (0 = only check the key is not in debt). */
export function limitHook(limiter: RateLimiter, cost: number) {
	return (req: FastifyRequest, _reply: FastifyReply, payload: unknown, done: HookHandlerDoneFunction): void => {
		const wait = limiter.tryTake(req.apiKeyName, cost);
		if (wait > 0) done(limiter.error(req.apiKeyName, wait));
		else (done as (err: null, payload: unknown) => void)(null, payload);
	};
}

/** POST /v1/events: one event in, its decision out. The hot path: no logging, little allocation. */
export async function eventRoutes(app: FastifyInstance, { deps, opts, limiter }: RouteContext): Promise<void> {
	app.removeAllContentTypeParsers();
	app.addContentTypeParser("application/json", rawTextParser(deps.processor, opts.bodyLimit));
	const { processor } = deps;
	app.post("/events", { preParsing: limiter ? [limitHook(limiter, 1)] : [] }, async (req) => {
		const raw = req.body;
		if (typeof raw !== "string" || raw === "")
			throw emptyBody("send one event as JSON (Content-Type: application/json)");
		const out = (await processor.submit([raw], { source: req.apiKeyName }))[0] as Outcome;
		if (out.status === "rejected") throw rejectedError(out);
		return decisionView(out.decision, out.status === "duplicate", (req.query as { trace?: string }).trace === "1");
	});
}

export interface BatchLineResult {
	line: number;
	status: Outcome["status"];
	eventId?: string;
	verdict?: Verdict;
	labels?: string[];
	reasons?: string[];
	problems?: Problem[];
	deadLetterId?: string | null;
}

/**
 * POST /v1/events/batch: NDJSON, one event a line, processed in one submit; every line gets
 * its own result (valid lines are processed even when others fail). Each line costs a token.
 */
export async function batchRoutes(app: FastifyInstance, { deps, opts, limiter }: RouteContext): Promise<void> {
	app.removeAllContentTypeParsers();
	app.addContentTypeParser(NDJSON_TYPES, rawTextParser(deps.processor, opts.batchLimit));
	app.post("/events/batch", { preParsing: limiter ? [limitHook(limiter, 0)] : [] }, async (req) => {
		if (typeof req.body !== "string") throw emptyBody("send events as NDJSON (Content-Type: application/x-ndjson)");
		const { lines, numbers } = splitLines(req.body, opts.batchMaxLines);
		limiter?.take(req.apiKeyName, lines.length);
		const outcomes = lines.length ? await deps.processor.submit(lines, { source: req.apiKeyName }) : [];
		let accepted = 0;
		let duplicates = 0;
		let rejected = 0;
		const results: BatchLineResult[] = outcomes.map((out, i) => {
			const line = numbers[i] as number;
			if (out.status === "rejected") {
				rejected++;
				return { line, status: out.status, problems: out.problems, deadLetterId: out.deadLetterId };
			}
			if (out.status === "accepted") accepted++;
			else duplicates++;
			const d = out.decision;
			return { line, status: out.status, eventId: d.eventId, verdict: d.verdict, labels: d.labels, reasons: d.reasons };
		});
		return { accepted, duplicates, rejected, results };
	});
}

/** The non-blank lines of an NDJSON body with their 1-based line numbers; 413 past `maxLines`. */
export function splitLines(text: string, maxLines: number): { lines: string[]; numbers: number[] } {
	const lines: string[] = [];
	const numbers: number[] = [];
	let start = 0;
	let n = 0;
	while (start <= text.length) {
		let end = text.indexOf("\n", start);
		if (end < 0) end = text.length;
		n++;
		const line = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
		if (line.trim() !== "") {
			if (lines.length === maxLines)
				throw new PayloadTooLargeError(`the batch has more than ${maxLines} lines; the limit is ${maxLines}`, maxLines);
			lines.push(line);
			numbers.push(n);
		}
		start = end + 1;
	}
	return { lines, numbers };
}

function emptyBody(message: string): ValidationError {
	return new ValidationError(message, [{ pointer: "", message: "the body is empty", code: "required" }]);
}
