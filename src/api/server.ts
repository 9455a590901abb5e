import Fastify, { type FastifyInstance, LogController } from "fastify";
import { authHook, KeyResolver } from "./auth.ts";
import { useLenientJson } from "./body.ts";
import type { ApiDeps, ApiOptions } from "./deps.ts";
import { httpMetricsHook } from "./metrics.ts";
import { installProblems } from "./problem.ts";
import { RateLimiter } from "./rate-limit.ts";
import type { RouteContext } from "./routes/context.ts";
import { deadLetterRoutes } from "./routes/dead-letters.ts";
import { entityRoutes } from "./routes/entities.ts";
import { batchRoutes, eventRoutes } from "./routes/events.ts";
import { listRoutes } from "./routes/lists.ts";
import { opsRoutes } from "./routes/ops.ts";
import { recordRoutes } from "./routes/records.ts";
import { ruleRoutes } from "./routes/rules.ts";

/**
 * Builds the HTTP API (not listening yet). Every /v1 route needs `Authorization: Bearer <key>`;
 * errors come out of one presenter as application/problem+json. Nothing is logged per request
 * and the Authorization header is redacted from any log line that carries the request.
 * @example
 * const app = await buildServer(deps, { bodyLimit: 1 << 20, batchLimit: 16 << 20, batchMaxLines: 10_000, rateLimit: 0, logLevel: "warn" });
 * await app.listen({ port: 8080, host: "0.0.0.0" });
 */
export async function buildServer(deps: ApiDeps, opts: ApiOptions): Promise<FastifyInstance> {
	const app = Fastify({
		logger: {
			level: opts.logLevel || "warn",
			redact: { paths: ["req.headers.authorization", "headers.authorization"], censor: "[redacted]" },
		},
		logController: new LogController({ disableRequestLogging: true }),
		bodyLimit: opts.bodyLimit,
		// Entity ids may be 128 characters (the event contract's limit), more once URL-encoded.
		routerOptions: { maxParamLength: 512 },
		ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true, allowUnionTypes: true } },
	});
	app.decorateRequest("apiKeyName", "");
	installProblems(app);
	app.addHook("onResponse", httpMetricsHook(deps.metrics));

	await app.register(opsRoutes, { deps });

	const ctx: RouteContext = {
		deps,
		opts,
		limiter: opts.rateLimit > 0 ? new RateLimiter(opts.rateLimit) : undefined,
	};
	await app.register(
		async (v1) => {
			v1.addHook("onRequest", authHook(new KeyResolver(deps.keys, deps.envKeyHashes)));
			useLenientJson(v1, opts.bodyLimit);
			await v1.register(eventRoutes, ctx);
			await v1.register(batchRoutes, ctx);
			await v1.register(entityRoutes, ctx);
			await v1.register(recordRoutes, ctx);
			await v1.register(deadLetterRoutes, ctx);
			await v1.register(ruleRoutes, ctx);
			await v1.register(listRoutes, ctx);
		},
		{ prefix: "/v1" },
	);
	return app;
}
