import type { ApiDeps, ApiOptions } from "../deps.ts";
import type { RateLimiter } from "../rate-limit.ts";

/** What every route plugin is registered with. */
export interface RouteContext {
	deps: ApiDeps;
	opts: ApiOptions;
	/** Undefined when rate limiting is off. */
	limiter: RateLimiter | undefined;
}
