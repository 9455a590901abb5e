import type { FastifyInstance } from "fastify";
import { NotFoundError } from "../../core/shared/index.ts";
import { PAGE, pageOf, QueryReader } from "../query.ts";
import type { RouteContext } from "./context.ts";

/** The read-only records: the audit log, stored decisions, review cases. */
export async function recordRoutes(app: FastifyInstance, { deps }: RouteContext): Promise<void> {
	const { reader } = deps;

	app.get("/actions", async (req) => {
		const q = new QueryReader(req.query, ["entity", "who", "limit", "before"]);
		const entity = q.entity("entity");
		const who = q.str("who", 200);
		const limit = q.int("limit", PAGE) as number;
		const before = q.str("before", 64);
		q.done();
		const { rows, next } = await pageOf(
			limit,
			(n) => reader.listActions({ entity, who, before, limit: n }),
			(a) => a.id,
		);
		return { actions: rows, next };
	});

	app.get("/decisions/:eventId", async (req) => {
		const { eventId } = req.params as { eventId: string };
		const d = await reader.getDecision(eventId);
		if (!d) throw new NotFoundError(`no decision for event "${eventId}"`, "/eventId");
		return d;
	});

	app.get("/review/cases", async (req) => {
		const q = new QueryReader(req.query, ["queue", "status", "limit", "before"]);
		const queue = q.str("queue", 64);
		const status = q.oneOf("status", ["open", "closed"] as const);
		const limit = q.int("limit", PAGE) as number;
		const before = q.str("before", 64);
		q.done();
		const { rows, next } = await pageOf(
			limit,
			(n) => reader.listReviewCases({ queue, status, before, limit: n }),
			(c) => c.id,
		);
		return { cases: rows, next };
	});
}
