import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { presentError } from "./problem.ts";
import { RateLimiter } from "./rate-limit.ts";
import { json, postEvent, startApi } from "./test-helpers.ts";

describe("health, readiness, metrics", () => {
	it("answers /healthz and /readyz (503 with checks when not ready)", async () => {
		const api = await startApi();
		assert.deepEqual(json(await api.app.inject({ url: "/healthz" })), { ok: true });
		const ready = await api.app.inject({ url: "/readyz" });
		assert.equal(ready.statusCode, 200);
		assert.deepEqual(json(ready), { ok: true, checks: { storage: "ok", windows: "ok" } });
		api.deps.ready = async () => ({ ok: false, checks: { windows: "rebuilding" } });
		const notReady = await api.app.inject({ url: "/readyz" });
		assert.equal(notReady.statusCode, 503);
		assert.deepEqual(json(notReady), { ok: false, checks: { windows: "rebuilding" } });
		api.deps.ready = async () => {
			throw new Error("storage closed");
		};
		assert.equal((await api.app.inject({ url: "/readyz" })).statusCode, 503);
		await api.close();
	});

	it("times requests by route pattern in /metrics", async () => {
		const api = await startApi();
		await api.post("/v1/events", postEvent("m"));
		await api.get("/v1/entities/account/m");
		await api.get("/nowhere/at/all");
		const res = await api.app.inject({ url: "/metrics" });
		assert.equal(res.statusCode, 200);
		assert.match(String(res.headers["content-type"]), /^text\/plain/);
		assert.match(
			res.body,
			/bulwark_http_request_duration_seconds_count\{route="\/v1\/events",method="POST",status="200"\} 1/,
		);
		assert.match(res.body, /route="\/v1\/entities\/:kind\/:id",method="GET",status="200"/);
		assert.match(res.body, /route="unmatched",method="GET",status="404"/);
		assert.doesNotMatch(res.body, /nowhere/);
		await api.close();
	});
});

describe("GET /openapi.json", () => {
	const ROUTES: [string, string][] = [
		["post", "/v1/events"],
		["post", "/v1/events/batch"],
		["get", "/v1/entities/{kind}/{id}"],
		["post", "/v1/entities/{kind}/{id}/actions"],
		["get", "/v1/actions"],
		["get", "/v1/decisions/{eventId}"],
		["get", "/v1/deadletters"],
		["get", "/v1/deadletters/{id}"],
		["post", "/v1/deadletters/{id}/replay"],
		["post", "/v1/deadletters/{id}/discard"],
		["get", "/v1/review/cases"],
		["get", "/v1/lists"],
		["get", "/v1/lists/{name}"],
		["put", "/v1/lists/{name}"],
		["delete", "/v1/lists/{name}"],
		["delete", "/v1/lists/{name}/entries"],
		["get", "/v1/lists/{name}/check"],
		["get", "/v1/rules"],
		["put", "/v1/rules"],
		["post", "/v1/rules/rollback"],
		["get", "/v1/rules/versions"],
		["get", "/v1/rules/versions/{version}"],
		["get", "/v1/schema/event.json"],
		["get", "/healthz"],
		["get", "/readyz"],
		["get", "/metrics"],
		["get", "/openapi.json"],
	];

	it("describes every route, and only routes that exist", async () => {
		const api = await startApi();
		const res = await api.app.inject({ url: "/openapi.json" });
		assert.equal(res.statusCode, 200);
		const doc = json<{
			openapi: string;
			paths: Record<string, Record<string, { security?: unknown[] }>>;
			components: { schemas: Record<string, { oneOf?: unknown[] }>; securitySchemes: Record<string, unknown> };
		}>(res);
		assert.equal(doc.openapi, "3.1.0");
		for (const [method, path] of ROUTES) assert.ok(doc.paths[path]?.[method], `${method} ${path}`);
		for (const [path, ops] of Object.entries(doc.paths)) {
			for (const method of Object.keys(ops)) {
				const url = path.replace(/\{(\w+)\}/g, ":$1");
				assert.ok(api.app.hasRoute({ method: method.toUpperCase() as "GET", url }), `${method} ${url} is served`);
				assert.ok(
					ROUTES.some(([m, p]) => m === method && p === path),
					`${method} ${path} is listed in this test`,
				);
			}
		}
		assert.equal(doc.components.schemas.Event?.oneOf?.length, 11);
		assert.ok(doc.components.schemas.Problem);
		assert.deepEqual(doc.components.securitySchemes.bearerAuth, {
			type: "http",
			scheme: "bearer",
			description: "an API key (bwk_...)",
		});
		assert.deepEqual(doc.paths["/healthz"]?.get?.security, []);
		const refs = [...res.body.matchAll(/"\$ref":"#\/components\/(\w+)\/(\w+)"/g)];
		for (const [, section, name] of refs)
			assert.ok((doc.components as Record<string, Record<string, unknown>>)[section as string]?.[name as string], name);
		await api.close();
	});

	it("serves the event schema", async () => {
		const api = await startApi();
		const res = await api.app.inject({ url: "/v1/schema/event.json" });
		assert.equal(json<{ $id: string }>(res).$id, "https://bulwark.dev/schemas/event/v1.json");
		await api.close();
	});
});

describe("rate limit", () => {
	it("answers 429 with Retry-After past the burst (2 s worth)", async () => {
		const api = await startApi({ rateLimit: 2 });
		const codes: number[] = [];
		for (let i = 0; i < 5; i++) codes.push((await api.post("/v1/events", postEvent("rl"))).statusCode);
		assert.deepEqual(codes, [200, 200, 200, 200, 429]);
		const res = await api.post("/v1/events", postEvent("rl"));
		assert.equal(res.statusCode, 429);
		assert.equal(res.headers["retry-after"], "1");
		assert.equal(json<{ type: string }>(res).type, "https://bulwark.dev/problems/rate_limited");
		const batch = await api.post("/v1/events/batch", JSON.stringify(postEvent("rl")), {
			"content-type": "application/x-ndjson",
		});
		assert.equal(batch.statusCode, 429);
		assert.equal((await api.get("/v1/actions")).statusCode, 200, "reads are not limited");
		await api.close();
	});

	it("counts batch lines as events and lets the bucket go into debt", () => {
		let now = 0;
		const limiter = new RateLimiter(10, () => now);
		assert.equal(limiter.tryTake("k", 50), 0, "a big batch passes on a full bucket");
		assert.equal(limiter.tryTake("k", 1), 4, "then waits out its debt: (1 - -30) / 10 s");
		now = 3_200;
		assert.equal(limiter.tryTake("k", 1), 0);
		assert.equal(limiter.tryTake("other", 1), 0, "buckets are per key");
	});
});

describe("problem presenter", () => {
	it("hides unknown errors behind a 500", () => {
		const p = presentError(new Error("secret connection string"));
		assert.equal(p.body.status, 500);
		assert.doesNotMatch(p.body.detail, /secret/);
	});

	it("answers 500 for a failing store, without its message", async () => {
		const api = await startApi();
		api.deps.reader.getDecision = async () => {
			throw new Error("disk on fire");
		};
		const res = await api.get("/v1/decisions/e1");
		assert.equal(res.statusCode, 500);
		assert.equal(json<{ type: string }>(res).type, "https://bulwark.dev/problems/internal");
		assert.doesNotMatch(res.body, /disk on fire/);
		await api.close();
	});

	it("answers 413 for an oversized JSON body on other routes", async () => {
		const api = await startApi({ bodyLimit: 1024 });
		const res = await api.post("/v1/entities/account/a/actions", { effect: "suspend", reason: "x".repeat(2000) });
		assert.equal(res.statusCode, 413);
		assert.equal(json<{ type: string }>(res).type, "https://bulwark.dev/problems/too_large");
		await api.close();
	});

	it("serves entity ids as long as the event contract allows", async () => {
		const api = await startApi();
		const id = "a".repeat(128);
		await api.post("/v1/events", postEvent(id));
		assert.equal((await api.get(`/v1/entities/account/${id}`)).statusCode, 200);
		await api.close();
	});

	it("answers unknown routes with a 404 problem", async () => {
		const api = await startApi();
		const res = await api.app.inject({ url: "/v2/nothing?x=1" });
		assert.equal(res.statusCode, 404);
		assert.match(String(res.headers["content-type"]), /^application\/problem\+json/);
		assert.equal(json<{ detail: string }>(res).detail, "no route GET /v2/nothing");
		await api.close();
	});
});
