/** Shared helpers of the API tests: a server over `makeTestDeps()`, a key, and event factories. */
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { generateKey, hashKey, keyPrefix } from "../core/access/index.ts";
import { newId } from "../core/shared/index.ts";
import type { ApiOptions } from "./deps.ts";
import { buildServer } from "./server.ts";
import { makeTestDeps, T0, type TestDeps } from "./test-harness.ts";

export { T0 };

export const TEST_OPTIONS: ApiOptions = {
	bodyLimit: 16 * 1024,
	batchLimit: 256 * 1024,
	batchMaxLines: 50,
	rateLimit: 0,
	logLevel: "silent",
};

export interface TestApi {
	app: FastifyInstance;
	deps: TestDeps;
	key: string;
	auth: { authorization: string };
	post(url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
	get(url: string): Promise<LightMyRequestResponse>;
	close(): Promise<void>;
}

/** A server with one stored key named `tester`; bodies that are not strings are sent as JSON. */
export async function startApi(opts: Partial<ApiOptions> = {}, given?: TestDeps): Promise<TestApi> {
	const deps = given ?? (await makeTestDeps());
	const app = await buildServer(deps, { ...TEST_OPTIONS, ...opts });
	app.addHook("onClose", () => deps.close());
	const key = generateKey();
	await deps.keys.insert({
		id: newId(),
		name: "tester",
		prefix: keyPrefix(key),
		hash: hashKey(key),
		createdAt: T0,
		revokedAt: null,
	});
	const auth = { authorization: `Bearer ${key}` };
	return {
		app,
		deps,
		key,
		auth,
		post: (url, body, headers = {}) =>
			app.inject({
				method: "POST",
				url,
				headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...auth, ...headers },
				...(body === undefined ? {} : { payload: typeof body === "string" ? body : JSON.stringify(body) }),
			}),
		get: (url) => app.inject({ method: "GET", url, headers: auth }),
		close: () => app.close(),
	};
}

let counter = 0;

/** A valid post.created event by `actor`. */
export function postEvent(actor: string, over: { id?: string; ts?: number; text?: string; ip?: string } = {}) {
	counter++;
	return {
		id: over.id ?? `e-${counter}-${newId()}`,
		type: "post.created",
		ts: over.ts ?? T0,
		actor,
		data: { postId: `p-${counter}`, text: over.text ?? "hello world" },
		context: { ip: over.ip ?? "203.0.113.7" },
	};
}

export function json<T = Record<string, unknown>>(res: LightMyRequestResponse): T {
	return JSON.parse(res.body) as T;
}
