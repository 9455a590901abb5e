import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ProblemBody } from "./problem.ts";
import { json, postEvent, startApi, T0, type TestApi } from "./test-helpers.ts";

const PROBLEM = /^application\/problem\+json/;

describe("POST /v1/events", () => {
	let api: TestApi;
	before(async () => {
		api = await startApi();
	});
	after(() => api.close());

	it("returns the decision for a valid event", async () => {
		const e = postEvent("alice");
		const res = await api.post("/v1/events", e);
		assert.equal(res.statusCode, 200);
		assert.match(String(res.headers["content-type"]), /^application\/json/);
		const body = json(res);
		assert.equal(body.eventId, e.id);
		assert.equal(body.verdict, "allow");
		assert.deepEqual(body.labels, []);
		assert.deepEqual(body.effects, []);
		assert.equal(body.duplicate, false);
		assert.equal(typeof body.traceId, "string");
		assert.equal(typeof body.tookMs, "number");
		assert.equal("trace" in body, false);
	});

	it("adds the trace with ?trace=1", async () => {
		const res = await api.post("/v1/events?trace=1", postEvent("alice"));
		const trace = json(res).trace as { features: { feature: string; id: string; value: unknown }[]; fired: string[] };
		assert.equal(res.statusCode, 200);
		assert.equal(trace.features.find((f) => f.feature === "posts_5m" && f.id === "alice")?.value, 2);
	});

	const bad: [string, unknown, string, string][] = [
		["a missing field", { ...postEvent("a"), actor: undefined }, "/actor", "required"],
		["a wrong type", { ...postEvent("a"), ts: "yesterday" }, "/ts", "type"],
		["an unknown field", { ...postEvent("a"), colour: "blue" }, "/colour", "unknown_field"],
		["a missing data field", { ...postEvent("a"), data: { postId: "p" } }, "/data/text", "required"],
		["an unknown type", { ...postEvent("a"), type: "post.exploded" }, "/type", "unknown_type"],
		["broken JSON", '{"id": "x", "type": ', "", "parse"],
	];
	for (const [what, event, pointer, code] of bad) {
		it(`answers 400 problem+json pointing at ${JSON.stringify(pointer)} for ${what}`, async () => {
			const res = await api.post("/v1/events", event);
			assert.equal(res.statusCode, 400);
			assert.match(String(res.headers["content-type"]), PROBLEM);
			const p = json<ProblemBody>(res);
			assert.equal(p.type, "https://bulwark.dev/problems/validation");
			assert.equal(p.status, 400);
			assert.ok(
				p.problems?.some((x) => x.pointer === pointer && x.code === code),
				JSON.stringify(p.problems),
			);
			assert.ok(p.deadLetterId, "kept as a dead letter");
			const dl = json((await api.get(`/v1/deadletters/${p.deadLetterId}`)) as never);
			assert.equal(dl.status, "pending");
			assert.equal(dl.source, "tester");
			assert.equal(dl.raw, typeof event === "string" ? event : JSON.stringify(event));
		});
	}

	it("answers 400 without a dead letter for an empty body", async () => {
		const res = await api.post("/v1/events", "");
		assert.equal(res.statusCode, 400);
		assert.equal(json<ProblemBody>(res).deadLetterId, undefined);
	});

	it("answers 415 for a body that is not JSON", async () => {
		const res = await api.post("/v1/events", "x=1", { "content-type": "application/x-www-form-urlencoded" });
		assert.equal(res.statusCode, 415);
		assert.match(String(res.headers["content-type"]), PROBLEM);
	});

	it("returns the original decision for a repeated event id, processed once", async () => {
		const e = postEvent("dupe");
		const first = json(await api.post("/v1/events", e));
		const again = await api.post("/v1/events", e);
		assert.equal(again.statusCode, 200);
		const second = json(again);
		assert.equal(second.duplicate, true);
		assert.equal(second.traceId, first.traceId);
		const stored = await api.deps.reader.recentEvents({ kind: "account", id: "dupe" }, 10);
		assert.equal(stored.filter((s) => s.event.id === e.id).length, 1);
		const view = json<{ features: Record<string, unknown> }>(await api.get("/v1/entities/account/dupe"));
		assert.equal(view.features.posts_5m, 1, "windows counted the event once");
	});
});

describe("oversized bodies", () => {
	let api: TestApi;
	before(async () => {
		api = await startApi({ bodyLimit: 1024 });
	});
	after(() => api.close());

	it("answers 413 and keeps the body as a too_large dead letter", async () => {
		const e = postEvent("big", { text: "x".repeat(5000) });
		const res = await api.post("/v1/events", e);
		assert.equal(res.statusCode, 413);
		assert.match(String(res.headers["content-type"]), PROBLEM);
		const p = json<ProblemBody>(res);
		assert.equal(p.type, "https://bulwark.dev/problems/too_large");
		assert.match(p.detail, /the limit is 1024/);
		assert.ok(p.deadLetterId);
		const dl = json(await api.get(`/v1/deadletters/${p.deadLetterId}`));
		assert.equal(dl.reason, "too_large");
		assert.equal(dl.truncated, true);
		assert.equal(dl.raw, JSON.stringify(e));
	});

	it("keeps only the first 64 KiB of a huge body", async () => {
		const res = await api.post("/v1/events", JSON.stringify(postEvent("big", { text: "y".repeat(200_000) })));
		assert.equal(res.statusCode, 413);
		const p = json<ProblemBody>(res);
		assert.match(p.detail, /body is \d{6} bytes/);
		const dl = json<{ raw: string }>(await api.get(`/v1/deadletters/${p.deadLetterId}`));
		assert.equal(Buffer.byteLength(dl.raw), 64 * 1024);
	});

	it("asks for a corrected body to replay a truncated dead letter", async () => {
		const p = json<ProblemBody>(await api.post("/v1/events", postEvent("big", { text: "z".repeat(3000) })));
		const res = await api.post(`/v1/deadletters/${p.deadLetterId}/replay`);
		assert.equal(res.statusCode, 400);
		assert.equal(json<ProblemBody>(res).problems?.[0]?.code, "truncated");
	});

	it("does not read, or keep, a body without a valid key", async () => {
		const before = (await api.deps.reader.counts()).deadLetters;
		const res = await api.app.inject({
			method: "POST",
			url: "/v1/events",
			headers: { "content-type": "application/json" },
			payload: "x".repeat(5000),
		});
		assert.equal(res.statusCode, 401);
		assert.equal((await api.deps.reader.counts()).deadLetters, before);
	});
});

describe("dead letters", () => {
	let api: TestApi;
	before(async () => {
		api = await startApi();
	});
	after(() => api.close());

	it("lists a rejected event, replays it corrected, then refuses a second replay", async () => {
		const broken = { ...postEvent("carol", { ts: T0 }), ts: "soon" };
		const rejected = json<ProblemBody>(await api.post("/v1/events", broken));
		const id = rejected.deadLetterId as string;

		const list = json<{ deadLetters: { id: string }[]; next: string | null }>(
			await api.get("/v1/deadletters?status=pending"),
		);
		assert.ok(list.deadLetters.some((d) => d.id === id));
		assert.equal(list.next, null);

		const stillBad = await api.post(`/v1/deadletters/${id}/replay`, { event: { ...broken, ts: -1 } });
		assert.equal(stillBad.statusCode, 400);
		assert.equal(json<ProblemBody>(stillBad).problems?.[0]?.pointer, "/event/ts");
		assert.equal(json(await api.get(`/v1/deadletters/${id}`)).status, "pending");

		const replay = await api.post(`/v1/deadletters/${id}/replay`, { event: { ...broken, ts: T0 } });
		assert.equal(replay.statusCode, 200);
		const decision = json(replay);
		assert.equal(decision.eventId, broken.id);
		assert.equal(decision.verdict, "allow");

		const dl = json(await api.get(`/v1/deadletters/${id}`));
		assert.equal(dl.status, "replayed");
		assert.equal(dl.replayedEventId, broken.id);
		assert.equal(json(await api.get(`/v1/decisions/${broken.id}`)).traceId, decision.traceId);

		const again = await api.post(`/v1/deadletters/${id}/replay`, { event: { ...broken, ts: T0 } });
		assert.equal(again.statusCode, 409);
		assert.equal(json<ProblemBody>(again).type, "https://bulwark.dev/problems/conflict");
		const replayed = json<{ deadLetters: { id: string }[] }>(await api.get("/v1/deadletters?status=replayed"));
		assert.deepEqual(
			replayed.deadLetters.map((d) => d.id),
			[id],
		);
	});

	it("discards a pending dead letter once", async () => {
		const id = json<ProblemBody>(await api.post("/v1/events", "nope")).deadLetterId as string;
		const res = await api.post(`/v1/deadletters/${id}/discard`);
		assert.equal(res.statusCode, 200);
		assert.equal(json(res).status, "discarded");
		assert.equal((await api.post(`/v1/deadletters/${id}/discard`)).statusCode, 409);
		assert.equal((await api.post(`/v1/deadletters/${id}/replay`)).statusCode, 409);
	});

	it("answers 404 for an unknown dead letter and 400 for a bad filter", async () => {
		assert.equal((await api.get("/v1/deadletters/nope")).statusCode, 404);
		assert.equal((await api.post("/v1/deadletters/nope/replay")).statusCode, 404);
		const res = await api.get("/v1/deadletters?status=lost&limit=0");
		assert.equal(res.statusCode, 400);
		assert.deepEqual(
			json<ProblemBody>(res)
				.problems?.map((p) => p.pointer)
				.sort(),
			["/limit", "/status"],
		);
	});

	it("pages newest first with a next cursor", async () => {
		for (let i = 0; i < 3; i++) await api.post("/v1/events", `broken ${i}`);
		const first = json<{ deadLetters: { id: string }[]; next: string }>(await api.get("/v1/deadletters?limit=2"));
		assert.equal(first.deadLetters.length, 2);
		assert.ok(first.next);
		const ids = first.deadLetters.map((d) => d.id);
		assert.deepEqual(ids, [...ids].sort().reverse());
		const second = json<{ deadLetters: { id: string }[] }>(
			await api.get(`/v1/deadletters?limit=2&before=${first.next}`),
		);
		assert.ok(second.deadLetters.every((d) => d.id < first.next));
	});
});
