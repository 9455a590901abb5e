import type { FastifyInstance } from "fastify";
import { replayDeadLetter } from "../../core/pipeline/index.ts";
import { ConflictError, NotFoundError, ValidationError } from "../../core/shared/index.ts";
import { PAGE, pageOf, QueryReader } from "../query.ts";
import { decisionView } from "../views.ts";
import type { RouteContext } from "./context.ts";
import { limitHook } from "./events.ts";

/** Rejected inputs: list, inspect, replay (as stored or corrected) or discard. */
export async function deadLetterRoutes(app: FastifyInstance, { deps, limiter }: RouteContext): Promise<void> {
	const { reader, processor, clock } = deps;

	app.get("/deadletters", async (req) => {
		const q = new QueryReader(req.query, ["status", "limit", "before"]);
		const status = q.oneOf("status", ["pending", "replayed", "discarded"] as const);
		const limit = q.int("limit", PAGE) as number;
		const before = q.str("before", 64);
		q.done();
		const { rows, next } = await pageOf(
			limit,
			(n) => reader.listDeadLetters({ status, before, limit: n }),
			(d) => d.id,
		);
		return { deadLetters: rows, next };
	});

	app.get("/deadletters/:id", async (req) => {
		const { id } = req.params as { id: string };
		const dl = await reader.getDeadLetter(id);
		if (!dl) throw new NotFoundError(`no dead letter "${id}"`, "/id");
		return dl;
	});

	app.post("/deadletters/:id/replay", { preParsing: limiter ? [limitHook(limiter, 1)] : [] }, async (req) => {
		const { id } = req.params as { id: string };
		const body = correctedEvent(req.body);
		const out = await replayDeadLetter(processor, reader, id, {
			body,
			who: `apikey:${req.apiKeyName}`,
			now: clock.now(),
		}).catch((err: unknown) => {
			// Problems of a corrected event point into the request body, under /event.
			if (body === undefined || !(err instanceof ValidationError)) throw err;
			throw new ValidationError(
				err.message,
				err.problems.map((p) => ({ ...p, pointer: `/event${p.pointer}` })),
			);
		});
		if (out.status === "rejected") throw new Error("a replay cannot be rejected without a ValidationError");
		return decisionView(out.decision, out.status === "duplicate", (req.query as { trace?: string }).trace === "1");
	});

	app.post("/deadletters/:id/discard", async (req) => {
		const { id } = req.params as { id: string };
		const dl = await reader.getDeadLetter(id);
		if (!dl) throw new NotFoundError(`no dead letter "${id}"`, "/id");
		if (dl.status !== "pending") throw new ConflictError(`dead letter "${id}" is already ${dl.status}`);
		await reader.resolveDeadLetter(id, "discarded", null, clock.now());
		return (await reader.getDeadLetter(id)) ?? { ...dl, status: "discarded" };
	});
}

/** The optional body `{ "event": {...} }` of a replay, as the JSON text to submit. */
function correctedEvent(body: unknown): string | undefined {
	if (body === undefined || body === null) return undefined;
	if (typeof body !== "object" || Array.isArray(body))
		throw new ValidationError("the body must be an object", [
			{ pointer: "", message: "must be an object", code: "type" },
		]);
	const problems = Object.keys(body)
		.filter((k) => k !== "event")
		.map((k) => ({ pointer: `/${k}`, message: "is not a known field", code: "unknown_field" }));
	if (problems.length) throw new ValidationError("invalid replay body", problems);
	const event = (body as { event?: unknown }).event;
	if (event === undefined) return undefined;
	if (typeof event !== "object" || event === null || Array.isArray(event))
		throw new ValidationError("the corrected event must be a JSON object", [
			{ pointer: "/event", message: "must be an object", code: "type" },
		]);
	return JSON.stringify(event);
}
