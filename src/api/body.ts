import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Processor } from "../core/pipeline/index.ts";
import { PayloadTooLargeError, ValidationError } from "../core/shared/index.ts";

/** How much of an oversized body is kept in its dead letter. */
export const TOO_LARGE_PREFIX_BYTES = 64 * 1024;

export type BodyRead = { ok: true; text: string } | { ok: false; bytes: number; prefix: string };

type Done = (err: Error | null, body?: unknown) => void;

/**
 * Reads a body up to `limit` bytes. Past the limit it keeps only the first
 * `TOO_LARGE_PREFIX_BYTES`, drains the rest without storing it and reports the full size.
 */
export function readLimited(
	stream: NodeJS.ReadableStream,
	limit: number,
	declaredLength: number,
	cb: (err: Error | null, r?: BodyRead) => void,
): void {
	const chunks: Buffer[] = [];
	let size = 0;
	let kept = 0;
	let over = declaredLength > limit;
	let finished = false;
	const finish = (err: Error | null, r?: BodyRead) => {
		if (finished) return;
		finished = true;
		stream.removeListener("data", onData);
		stream.removeListener("end", onEnd);
		stream.removeListener("error", onError);
		stream.removeListener("close", onClose);
		cb(err, r);
	};
	const onData = (chunk: Buffer | string) => {
		const b = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
		size += b.length;
		if (!over && size > limit) over = true;
		const room = over ? TOO_LARGE_PREFIX_BYTES - kept : b.length;
		if (room <= 0) return;
		const part = room < b.length ? b.subarray(0, room) : b;
		chunks.push(part);
		kept += part.length;
	};
	const onEnd = () => {
		const all = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, kept);
		if (!over) return finish(null, { ok: true, text: all.toString("utf8") });
		const prefix = all.subarray(0, TOO_LARGE_PREFIX_BYTES).toString("utf8");
		finish(null, { ok: false, bytes: size, prefix });
	};
	const onError = (err: Error) => finish(err);
	const onClose = () => finish(new Error("the connection closed before the body was read"));
	stream.on("data", onData);
	stream.on("end", onEnd);
	stream.on("error", onError);
	stream.on("close", onClose);
	stream.resume();
}

/**
 * A content-type parser that hands the route the raw text (so the processor keeps it for dead
 * letters and reports JSON syntax errors itself). An oversized body is kept as a `too_large`
 * dead letter (its first 64 KiB) and answered 413 with the dead letter's id. Only
 * authenticated requests get here: auth runs in onRequest, before any body is read.
 */
export function rawTextParser(processor: Processor, limit: number) {
	return (req: FastifyRequest, payload: NodeJS.ReadableStream, done: Done): void => {
		const declared = Number(req.headers["content-length"]);
		readLimited(payload, limit, Number.isNaN(declared) ? 0 : declared, (err, r) => {
			if (err || !r) return done(err ?? new Error("no body"));
			if (r.ok) return done(null, r.text);
			const message = `body is ${r.bytes} bytes; the limit is ${limit}`;
			if (!req.apiKeyName) return done(new PayloadTooLargeError(message, limit));
			processor
				.deadLetter(r.prefix, "too_large", [{ pointer: "", message, code: "too_large" }], req.apiKeyName, true)
				.then(
					(dl) =>
						done(
							new PayloadTooLargeError(`${message}; its first bytes are kept as dead letter ${dl.id}`, limit, dl.id),
						),
					(e: unknown) => {
						req.log.warn({ err: e }, "could not keep an oversized body as a dead letter");
						done(new PayloadTooLargeError(message, limit));
					},
				);
		});
	};
}

/**
 * Replaces the JSON parser of an encapsulated context with fastify's own (prototype-poisoning
 * safe) that also takes an empty body as no body, and reports syntax errors as our problems.
 */
export function useLenientJson(app: FastifyInstance, bodyLimit: number): void {
	const parse = app.getDefaultJsonParser("error", "ignore") as (req: FastifyRequest, body: string, done: Done) => void;
	app.removeContentTypeParser("application/json");
	app.addContentTypeParser("application/json", { parseAs: "string", bodyLimit }, (req, body, done) => {
		const text = body as string;
		if (text.trim() === "") return done(null, undefined);
		parse(req, text, (err, value) => {
			if (!err) return done(null, value);
			done(
				new ValidationError("the body is not valid JSON", [
					{ pointer: "", message: `not valid JSON: ${err.message}`, code: "parse" },
				]),
			);
		});
	});
}
