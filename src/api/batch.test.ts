import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ProblemBody } from "./problem.ts";
import { splitLines } from "./routes/events.ts";
import { json, postEvent, startApi, type TestApi } from "./test-helpers.ts";

const NDJSON = { "content-type": "application/x-ndjson" };

interface BatchResponse {
	accepted: number;
	duplicates: number;
	rejected: number;
	results: {
		line: number;
		status: string;
		eventId?: string;
		verdict?: string;
		problems?: { pointer: string; code?: string }[];
		deadLetterId?: string;
	}[];
}

describe("POST /v1/events/batch", () => {
	let api: TestApi;
	before(async () => {
		api = await startApi({ batchMaxLines: 5, batchLimit: 4096 });
	});
	after(() => api.close());

	it("processes valid lines and reports every line, numbered from 1", async () => {
		const a = postEvent("batcher");
		const b = postEvent("batcher");
		const body = [
			JSON.stringify(a),
			"",
			"{not json",
			JSON.stringify({ ...b, extra: 1 }),
			"  ",
			JSON.stringify(a),
			`${JSON.stringify(b)}\r`,
		].join("\n");
		const res = await api.post("/v1/events/batch", body, NDJSON);
		assert.equal(res.statusCode, 200);
		const r = json<BatchResponse>(res);
		assert.equal(r.accepted, 2);
		assert.equal(r.duplicates, 1);
		assert.equal(r.rejected, 2);
		assert.deepEqual(
			r.results.map((x) => [x.line, x.status]),
			[
				[1, "accepted"],
				[3, "rejected"],
				[4, "rejected"],
				[6, "duplicate"],
				[7, "accepted"],
			],
		);
		assert.equal(r.results[0]?.eventId, a.id);
		assert.equal(r.results[0]?.verdict, "allow");
		assert.equal(r.results[1]?.problems?.[0]?.code, "parse");
		assert.equal(r.results[2]?.problems?.[0]?.pointer, "/extra");
		assert.ok(r.results[2]?.deadLetterId);
		assert.ok(await api.deps.reader.getDecision(a.id));
		assert.ok(await api.deps.reader.getDecision(b.id));
		assert.equal((await api.deps.reader.recentEvents({ kind: "account", id: "batcher" }, 10)).length, 2);
	});

	it("accepts application/ndjson and text/plain", async () => {
		for (const type of ["application/ndjson", "text/plain; charset=utf-8"]) {
			const res = await api.post("/v1/events/batch", JSON.stringify(postEvent("t")), { "content-type": type });
			assert.equal(res.statusCode, 200, type);
			assert.equal(json<BatchResponse>(res).accepted, 1);
		}
	});

	it("refuses JSON: a batch is NDJSON", async () => {
		const res = await api.post("/v1/events/batch", postEvent("j"));
		assert.equal(res.statusCode, 415);
	});

	it("answers 413 past the line limit, processing nothing", async () => {
		const events = Array.from({ length: 6 }, () => postEvent("many"));
		const res = await api.post("/v1/events/batch", events.map((e) => JSON.stringify(e)).join("\n"), NDJSON);
		assert.equal(res.statusCode, 413);
		assert.match(json<ProblemBody>(res).detail, /more than 5 lines/);
		assert.equal(await api.deps.reader.getDecision(events[0]?.id as string), undefined);
	});

	it("answers 413 past the byte limit and keeps the body as a dead letter", async () => {
		const body = Array.from({ length: 5 }, () => JSON.stringify(postEvent("huge", { text: "h".repeat(1000) }))).join(
			"\n",
		);
		const res = await api.post("/v1/events/batch", body, NDJSON);
		assert.equal(res.statusCode, 413);
		const dl = json(await api.get(`/v1/deadletters/${json<ProblemBody>(res).deadLetterId}`));
		assert.equal(dl.reason, "too_large");
	});

	it("answers an empty batch with no results", async () => {
		const res = await api.post("/v1/events/batch", "\n\n", NDJSON);
		assert.equal(res.statusCode, 200);
		assert.deepEqual(json(res), { accepted: 0, duplicates: 0, rejected: 0, results: [] });
	});
});

describe("splitLines", () => {
	it("skips blank lines, strips CR and keeps 1-based numbers", () => {
		assert.deepEqual(splitLines("a\r\n\n b \n\r\nc", 10), { lines: ["a", " b ", "c"], numbers: [1, 3, 5] });
		assert.deepEqual(splitLines("", 10), { lines: [], numbers: [] });
	});
	it("throws PayloadTooLargeError past the limit", () => {
		assert.throws(() => splitLines("a\nb\nc", 2), { name: "PayloadTooLargeError" });
		assert.doesNotThrow(() => splitLines("a\nb\n\n", 2));
	});
});
