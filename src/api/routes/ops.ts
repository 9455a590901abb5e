import type { FastifyInstance } from "fastify";
import { eventJsonSchema } from "../../core/events/index.ts";
import type { ApiDeps } from "../deps.ts";
import { openApiDocument } from "../openapi.ts";

/**
 * Routes without auth: liveness, readiness, Prometheus metrics, the OpenAPI document and the
 * event schema. /metrics shares the API's port: keep it off the public internet (let the
 * load balancer route only /v1 and the docs, or firewall the path).
 */
export async function opsRoutes(app: FastifyInstance, { deps }: { deps: ApiDeps }): Promise<void> {
	let openApiText: string | undefined;
	let schemaText: string | undefined;

	app.get("/healthz", async () => ({ ok: true }));

	app.get("/readyz", async (_req, reply) => {
		let r: { ok: boolean; checks: Record<string, string> };
		try {
			r = await deps.ready();
		} catch (err) {
			r = { ok: false, checks: { ready: err instanceof Error ? err.message : String(err) } };
		}
		return reply.code(r.ok ? 200 : 503).send(r);
	});

	app.get("/metrics", async (_req, reply) => {
		const text = await deps.metrics.metrics();
		return reply.type(deps.metrics.contentType).send(text);
	});

	app.get("/openapi.json", async (_req, reply) => {
		openApiText ??= JSON.stringify(openApiDocument());
		return reply.type("application/json").send(openApiText);
	});

	app.get("/v1/schema/event.json", async (_req, reply) => {
		schemaText ??= JSON.stringify(eventJsonSchema());
		return reply.type("application/schema+json").send(schemaText);
	});
}
