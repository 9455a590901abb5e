import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type ApiKey, type ApiKeyStore, generateKey, hashKey } from "../core/access/index.ts";
import { bearerKey, KeyResolver } from "./auth.ts";
import type { ProblemBody } from "./problem.ts";
import { makeTestDeps } from "./test-harness.ts";
import { json, postEvent, startApi, T0 } from "./test-helpers.ts";

describe("auth on /v1", () => {
	it("answers 401 problem+json without a key, with a malformed header and with an unknown key", async () => {
		const api = await startApi();
		const cases: [Record<string, string>, RegExp][] = [
			[{}, /API key is required/],
			[{ authorization: "Basic dXNlcjpwYXNz" }, /must be `Bearer <key>`/],
			[{ authorization: "Bearer" }, /must be `Bearer <key>`/],
			[{ authorization: `Bearer ${generateKey()}` }, /not valid or was revoked/],
		];
		for (const [headers, detail] of cases) {
			const res = await api.app.inject({ method: "GET", url: "/v1/actions", headers });
			assert.equal(res.statusCode, 401, JSON.stringify(headers));
			assert.match(String(res.headers["content-type"]), /^application\/problem\+json/);
			assert.equal(res.headers["www-authenticate"], 'Bearer realm="bulwark"');
			const p = json<ProblemBody>(res);
			assert.equal(p.type, "https://bulwark.dev/problems/unauthorized");
			assert.match(p.detail, detail);
		}
		await api.close();
	});

	it("accepts a stored key and a key from the environment (named env)", async () => {
		const envKey = generateKey();
		const api = await startApi({}, await makeTestDeps({ envKeyHashes: [hashKey(envKey)] }));
		assert.equal((await api.get("/v1/actions")).statusCode, 200);
		const res = await api.app.inject({
			method: "POST",
			url: "/v1/entities/account/x/actions",
			headers: { authorization: `bearer ${envKey}`, "content-type": "application/json" },
			payload: JSON.stringify({ effect: "suspend", reason: "env key" }),
		});
		assert.equal(res.statusCode, 200);
		assert.equal(json<{ actions: { who: string }[] }>(res).actions[0]?.who, "apikey:env");
		const e = postEvent("sender");
		await api.app.inject({
			method: "POST",
			url: "/v1/events",
			headers: { authorization: `Bearer ${envKey}`, "content-type": "application/json" },
			payload: JSON.stringify(e),
		});
		const stored = await api.deps.reader.recentEvents({ kind: "account", id: "sender" }, 10);
		assert.equal(stored.find((s) => s.event.id === e.id)?.source, "env");
		await api.close();
	});

	it("refuses a revoked key once its cache entry is gone", async () => {
		const deps = await makeTestDeps();
		const key = generateKey();
		await deps.keys.insert({ id: "k1", name: "old", prefix: "", hash: hashKey(key), createdAt: T0, revokedAt: T0 });
		const api = await startApi({}, deps);
		const res = await api.app.inject({
			method: "GET",
			url: "/v1/actions",
			headers: { authorization: `Bearer ${key}` },
		});
		assert.equal(res.statusCode, 401);
		await api.close();
	});

	it("leaves /healthz, /readyz, /metrics, /openapi.json and the event schema open", async () => {
		const api = await startApi();
		for (const url of ["/healthz", "/readyz", "/metrics", "/openapi.json", "/v1/schema/event.json"]) {
			assert.equal((await api.app.inject({ method: "GET", url })).statusCode, 200, url);
		}
		await api.close();
	});
});

describe("bearerKey", () => {
	it("takes the key from `Bearer <key>`, any case", () => {
		assert.equal(bearerKey("Bearer abc"), "abc");
		assert.equal(bearerKey("bearer  abc "), "abc");
		for (const bad of [undefined, "", "abc", "Bearer ", "Token abc", "Bearer a b"])
			assert.equal(typeof bearerKey(bad), "object", String(bad));
	});
});

class CountingKeys implements ApiKeyStore {
	calls = 0;
	constructor(private readonly known: ApiKey[] = []) {}
	async findByHash(hash: string): Promise<ApiKey | undefined> {
		this.calls++;
		return this.known.find((k) => k.hash === hash);
	}
	async insert(): Promise<void> {}
	async list(): Promise<ApiKey[]> {
		return this.known;
	}
	async revoke(): Promise<boolean> {
		return false;
	}
}

describe("KeyResolver", () => {
	const good: ApiKey = { id: "1", name: "ops", prefix: "", hash: hashKey("good"), createdAt: 0, revokedAt: null };

	it("caches known keys for 60 s and unknown ones for 5 s", async () => {
		let now = 0;
		const store = new CountingKeys([good]);
		const r = new KeyResolver(store, new Set(), { now: () => now });
		assert.equal(await r.resolve(good.hash), "ops");
		assert.equal(await r.resolve(hashKey("bad")), null);
		now = 4_000;
		assert.equal(r.cached(good.hash), "ops");
		assert.equal(r.cached(hashKey("bad")), null);
		assert.equal(store.calls, 2);
		now = 6_000;
		assert.equal(r.cached(hashKey("bad")), undefined);
		assert.equal(r.cached(good.hash), "ops");
		now = 61_000;
		assert.equal(r.cached(good.hash), undefined);
	});

	it("asks storage once for concurrent lookups of one key", async () => {
		const store = new CountingKeys([good]);
		const r = new KeyResolver(store, new Set());
		const names = await Promise.all([r.resolve(good.hash), r.resolve(good.hash), r.resolve(good.hash)]);
		assert.deepEqual(names, ["ops", "ops", "ops"]);
		assert.equal(store.calls, 1);
	});

	it("bounds the cache of unknown keys without evicting known ones", async () => {
		const store = new CountingKeys([good]);
		const r = new KeyResolver(store, new Set(), { maxEntries: 3 });
		await r.resolve(good.hash);
		for (let i = 0; i < 10; i++) await r.resolve(hashKey(`bad${i}`));
		assert.equal(r.cached(hashKey("bad0")), undefined, "evicted");
		assert.equal(r.cached(hashKey("bad9")), null);
		assert.equal(r.cached(good.hash), "ops");
	});

	it("answers env keys without storage", async () => {
		const store = new CountingKeys();
		const r = new KeyResolver(store, new Set([hashKey("from-env")]));
		assert.equal(await r.resolve(hashKey("from-env")), "env");
		assert.equal(store.calls, 0);
	});
});
