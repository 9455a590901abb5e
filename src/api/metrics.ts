import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from "fastify";
import { Histogram, type Registry } from "prom-client";

export const HTTP_DURATION = "bulwark_http_request_duration_seconds";

/**
 * The onResponse hook that times every request into
 * `bulwark_http_request_duration_seconds{route,method,status}`. `route` is the route pattern
 * (`/v1/entities/:kind/:id`), `unmatched` for 404s, so the label set stays small. Label
 * children are cached so a request costs one map lookup and one observe.
 */
export function httpMetricsHook(registry: Registry) {
	const existing = registry.getSingleMetric(HTTP_DURATION);
	const histogram =
		existing instanceof Histogram
			? (existing as Histogram<"route" | "method" | "status">)
			: new Histogram({
					name: HTTP_DURATION,
					help: "HTTP request duration by route pattern, method and status",
					labelNames: ["route", "method", "status"] as const,
					buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
					registers: [registry],
				});
	const children = new Map<string, Histogram.Internal<"route" | "method" | "status">>();
	return (req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
		const route = req.routeOptions.url ?? "unmatched";
		const status = reply.statusCode;
		const id = `${status} ${req.method} ${route}`;
		let child = children.get(id);
		if (child === undefined) {
			child = histogram.labels(route, req.method, String(status));
			children.set(id, child);
		}
		child.observe(reply.elapsedTime / 1000);
		done();
	};
}
