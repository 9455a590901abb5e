import type { FastifyInstance } from "fastify";
import { entityView } from "../../core/pipeline/index.ts";
import { NotFoundError } from "../../core/shared/index.ts";
import { ACTION_INPUT_SCHEMA, type ActionInput, toEffect } from "../action-input.ts";
import { QueryReader } from "../query.ts";
import { entityFromParams } from "../views.ts";
import type { RouteContext } from "./context.ts";

/**
 * GET /v1/entities/:kind/:id: core's entity view (the same shape `bulwark entity --json`
 * prints), features read as of `?at=`, else the entity's last event, else now.
 * POST /v1/entities/:kind/:id/actions: a person or system acting through the API.
 */
export async function entityRoutes(app: FastifyInstance, { deps }: RouteContext): Promise<void> {
	app.get("/entities/:kind/:id", async (req) => {
		const ref = entityFromParams(req.params);
		const q = new QueryReader(req.query, ["at"]);
		const at = q.int("at", { min: 0, max: Number.MAX_SAFE_INTEGER });
		q.done();
		const view = await entityView(deps, ref, at);
		if (!view) throw new NotFoundError(`no ${ref.kind} "${ref.id}" has been seen, labelled or acted on`, "/id");
		return view;
	});

	app.post("/entities/:kind/:id/actions", { schema: { body: ACTION_INPUT_SCHEMA } }, async (req) => {
		const ref = entityFromParams(req.params);
		const effect = toEffect(ref, req.body as ActionInput);
		const actions = await deps.processor.act([effect], `apikey:${req.apiKeyName}`);
		return { actions };
	});
}
