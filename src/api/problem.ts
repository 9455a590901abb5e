import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { BulwarkError, type Problem } from "../core/shared/index.ts";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";
const TYPE_BASE = "https://bulwark.dev/problems/";

/** RFC 9457 problem details, with our JSON-pointer `problems` and the dead letter an input was kept as. */
export interface ProblemBody {
	type: string;
	title: string;
	status: number;
	detail: string;
	problems?: Problem[];
	deadLetterId?: string;
}

const KINDS = {
	validation: { status: 400, title: "Invalid input" },
	unauthorized: { status: 401, title: "Unauthorized" },
	not_found: { status: 404, title: "Not found" },
	conflict: { status: 409, title: "Conflict" },
	too_large: { status: 413, title: "Payload too large" },
	unsupported_media_type: { status: 415, title: "Unsupported media type" },
	rate_limited: { status: 429, title: "Too many requests" },
	internal: { status: 500, title: "Internal error" },
} as const;
type Kind = keyof typeof KINDS;

export interface Presented {
	body: ProblemBody;
	headers?: Record<string, string>;
}

function problem(kind: Kind, detail: string, extra?: Partial<ProblemBody>): ProblemBody {
	const k = KINDS[kind];
	return { type: TYPE_BASE + kind, title: k.title, status: k.status, detail, ...extra };
}

/**
 * The one place an error becomes HTTP: our error kinds, fastify's own client errors, and
 * everything else as a 500 that shows nothing of the error.
 * @example presentError(new NotFoundError("no decision for e1")).body.status // 404
 */
export function presentError(err: unknown): Presented {
	if (err instanceof BulwarkError) return presentOurs(err);
	const e = err as Partial<FastifyError> & { validation?: AjvLikeError[] };
	if (Array.isArray(e.validation)) {
		return {
			body: problem("validation", "the request does not match the schema", { problems: fromAjv(e.validation) }),
		};
	}
	const status = typeof e.statusCode === "number" ? e.statusCode : 500;
	const detail = typeof e.message === "string" ? e.message : "error";
	if (e.code === "FST_ERR_CTP_BODY_TOO_LARGE") return { body: problem("too_large", detail) };
	if (e.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE" || status === 415) {
		return { body: problem("unsupported_media_type", detail) };
	}
	if (status >= 400 && status < 500 && typeof e.code === "string" && e.code.startsWith("FST_")) {
		if (status === 404) return { body: problem("not_found", detail) };
		if (status === 400) return { body: problem("validation", detail) };
		return { body: { type: `${TYPE_BASE}http-${status}`, title: "Bad request", status, detail } };
	}
	return { body: problem("internal", "the server failed to handle the request; it is logged") };
}

function presentOurs(err: BulwarkError): Presented {
	switch (err.kind) {
		case "validation": {
			const e = err as BulwarkError & { problems: Problem[]; deadLetterId?: string };
			const extra: Partial<ProblemBody> = { problems: e.problems };
			if (e.deadLetterId) extra.deadLetterId = e.deadLetterId;
			return { body: problem("validation", err.message, extra) };
		}
		case "not_found": {
			const pointer = (err as BulwarkError & { pointer?: string }).pointer;
			const extra =
				pointer === undefined ? undefined : { problems: [{ pointer, message: err.message, code: "not_found" }] };
			return { body: problem("not_found", err.message, extra) };
		}
		case "conflict":
			return { body: problem("conflict", err.message) };
		case "unauthorized":
			return { body: problem("unauthorized", err.message), headers: { "www-authenticate": 'Bearer realm="bulwark"' } };
		case "too_large": {
			const id = (err as BulwarkError & { deadLetterId?: string }).deadLetterId;
			return { body: problem("too_large", err.message, id ? { deadLetterId: id } : undefined) };
		}
		case "rate_limited": {
			const wait = (err as BulwarkError & { retryAfterSeconds: number }).retryAfterSeconds;
			return { body: problem("rate_limited", err.message), headers: { "retry-after": String(wait) } };
		}
	}
}

interface AjvLikeError {
	keyword: string;
	instancePath: string;
	message?: string;
	params: Record<string, unknown>;
}

function fromAjv(errors: readonly AjvLikeError[]): Problem[] {
	return errors.map((e) => {
		if (e.keyword === "required")
			return {
				pointer: `${e.instancePath}/${escapePointer(e.params.missingProperty)}`,
				message: "is required",
				code: "required",
			};
		if (e.keyword === "additionalProperties")
			return {
				pointer: `${e.instancePath}/${escapePointer(e.params.additionalProperty)}`,
				message: "is not a known field",
				code: "unknown_field",
			};
		if (e.keyword === "enum")
			return {
				pointer: e.instancePath,
				message: `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`,
				code: "enum",
			};
		return { pointer: e.instancePath, message: e.message ?? "is invalid", code: e.keyword };
	});
}

function escapePointer(segment: unknown): string {
	return String(segment).replace(/~/g, "~0").replace(/\//g, "~1");
}

export function sendProblem(reply: FastifyReply, p: Presented): FastifyReply {
	reply.code(p.body.status).type(PROBLEM_CONTENT_TYPE);
	if (p.headers) reply.headers(p.headers);
	return reply.send(JSON.stringify(p.body));
}

/** Installs the error handler and the 404 handler on the root instance (children inherit them). */
export function installProblems(app: FastifyInstance): void {
	app.setErrorHandler((err: unknown, req: FastifyRequest, reply: FastifyReply) => {
		const p = presentError(err);
		if (p.body.status >= 500) req.log.error({ err, method: req.method, route: req.routeOptions.url }, "request failed");
		return sendProblem(reply, p);
	});
	app.setNotFoundHandler((req, reply) => {
		const path = req.url.split("?", 1)[0];
		return sendProblem(reply, { body: problem("not_found", `no route ${req.method} ${path}`) });
	});
}
