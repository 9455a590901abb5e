import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ProblemBody } from "./problem.ts";
import { json, postEvent, startApi, T0, type TestApi } from "./test-helpers.ts";

interface EntityView {
	entity: {
		kind: string;
		id: string;
		status: string;
		suspendedUntil: number | null;
		firstSeen: number;
		lastSeen: number;
	};
	labels: { label: string; source: string; by: string; active: boolean; expiresAt: number | null }[];
	actions: { kind: string; who: string }[];
	features: Record<string, unknown>;
	asOf: number;
	events: { seq: number; receivedAt: number; event: { id: string } }[];
}

describe("GET /v1/entities/:kind/:id", () => {
	let api: TestApi;
	let postId = "";
	before(async () => {
		api = await startApi();
		for (let i = 0; i < 3; i++) {
			// 90 s apart: storage may keep lastSeen to a resolution of a minute.
			const e = postEvent("viewed", { ts: T0 + i * 90_000, ip: `198.51.100.${i}` });
			postId = e.data.postId;
			await api.post("/v1/events", e);
		}
	});
	after(() => api.close());

	it("shows the entity, its features at its last event and its latest events", async () => {
		const res = await api.get("/v1/entities/account/viewed");
		assert.equal(res.statusCode, 200);
		const v = json<EntityView>(res);
		assert.deepEqual(v.entity, {
			kind: "account",
			id: "viewed",
			status: "active",
			suspendedUntil: null,
			firstSeen: T0,
			lastSeen: T0 + 180_000,
		});
		assert.equal(v.asOf, T0 + 180_000);
		assert.equal(v.features.posts_5m, 3);
		assert.equal(v.features.posts_24h, 3);
		assert.equal(v.features.distinct_ips_24h, 3);
		assert.equal((v.features.recent_texts as unknown[]).length, 3);
		assert.equal(v.features.likes_5m, 0);
		assert.equal(v.events.length, 3);
		assert.ok((v.events[0]?.seq ?? 0) > (v.events[1]?.seq ?? 0), "newest first");
		assert.deepEqual(v.labels, []);
		assert.deepEqual(v.actions, []);
	});

	it("reads features as of ?at=", async () => {
		const v = json<EntityView>(await api.get(`/v1/entities/account/viewed?at=${T0 + 600_000}`));
		assert.equal(v.asOf, T0 + 600_000);
		assert.equal(v.features.posts_5m, 0);
		assert.equal(v.features.posts_24h, 3);
	});

	it("shows a post as the target of an event", async () => {
		const v = json<EntityView>(await api.get(`/v1/entities/post/${postId}`));
		assert.equal(v.entity.kind, "post");
		assert.equal(v.entity.firstSeen, T0 + 180_000);
		// The built-in post features and those the default rule pack declares (rules/amplification.rules).
		assert.deepEqual(Object.keys(v.features).sort(), [
			"likers_2m",
			"likes_1h",
			"reposters_2m",
			"reposts_1h",
			"views_1h",
		]);
		assert.equal(v.events.length, 1);
	});

	it("answers 404 for an entity never seen and 400 for a bad kind or query", async () => {
		const missing = await api.get("/v1/entities/account/nobody");
		assert.equal(missing.statusCode, 404);
		assert.equal(json<ProblemBody>(missing).type, "https://bulwark.dev/problems/not_found");
		const kind = await api.get("/v1/entities/planet/mars");
		assert.equal(kind.statusCode, 400);
		assert.equal(json<ProblemBody>(kind).problems?.[0]?.pointer, "/kind");
		const at = await api.get("/v1/entities/account/viewed?at=yesterday&colour=red");
		assert.deepEqual(
			json<ProblemBody>(at)
				.problems?.map((p) => p.pointer)
				.sort(),
			["/at", "/colour"],
		);
	});
});

describe("POST /v1/entities/:kind/:id/actions", () => {
	let api: TestApi;
	before(async () => {
		api = await startApi();
	});
	after(() => api.close());
	const act = (id: string, body: unknown) => api.post(`/v1/entities/account/${id}/actions`, body);

	it("suspends an account: its next event is denied; unsuspends it", async () => {
		assert.equal(json(await api.post("/v1/events", postEvent("mallory"))).verdict, "allow");

		const res = await act("mallory", { effect: "suspend", reason: "spam wave" });
		assert.equal(res.statusCode, 200);
		const { actions } = json<{ actions: { kind: string; who: string; entity: string }[] }>(res);
		assert.equal(actions.length, 1);
		assert.equal(actions[0]?.kind, "suspend");
		assert.equal(actions[0]?.who, "apikey:tester");
		assert.equal(actions[0]?.entity, "account:mallory");

		const again = json<{ actions: unknown[] }>(await act("mallory", { effect: "suspend", reason: "spam wave" }));
		assert.deepEqual(again.actions, [], "suspending twice changes nothing");

		const denied = json<{ verdict: string; reasons: string[] }>(await api.post("/v1/events", postEvent("mallory")));
		assert.equal(denied.verdict, "deny");
		// Denied by the default pack's suspended_actor_denied rule (rules/core.rules).
		assert.deepEqual(denied.reasons, ["suspended_actor_denied: the account is suspended"]);
		assert.equal(json<EntityView>(await api.get("/v1/entities/account/mallory")).entity.status, "suspended");

		assert.equal(
			json<{ actions: unknown[] }>(await act("mallory", { effect: "unsuspend", reason: "appeal" })).actions.length,
			1,
		);
		assert.equal(json(await api.post("/v1/events", postEvent("mallory"))).verdict, "allow");
		const view = json<EntityView>(await api.get("/v1/entities/account/mallory"));
		assert.equal(view.entity.status, "active");
		assert.deepEqual(
			view.actions.map((a) => a.kind),
			["unsuspend", "suspend"],
		);
	});

	it("adds and removes a label with a ttl", async () => {
		const added = await act("trent", { effect: "label.add", label: "scam", ttl: "1h", reason: "reported" });
		assert.equal(added.statusCode, 200);
		let view = json<EntityView>(await api.get("/v1/entities/account/trent"));
		assert.equal(view.labels[0]?.label, "scam");
		assert.equal(view.labels[0]?.source, "human");
		assert.equal(view.labels[0]?.by, "apikey:tester");
		assert.equal(view.labels[0]?.expiresAt, T0 + 3_600_000);
		assert.equal(view.labels[0]?.active, true);
		await act("trent", { effect: "label.remove", label: "scam", reason: "false report" });
		view = json<EntityView>(await api.get("/v1/entities/account/trent"));
		assert.equal(view.labels[0]?.active, false);
	});

	it("limits visibility and opens a review case", async () => {
		const lim = json<{ actions: unknown[] }>(
			await act("oscar", {
				effect: "visibility.limit",
				surfaces: ["search", "trends"],
				ttl: "7d",
				reason: "borderline",
			}),
		);
		assert.equal(lim.actions.length, 2);
		await act("oscar", { effect: "review.open", queue: "abuse", severity: 0.8, reason: "check" });
		const cases = json<{ cases: { entity: string; queue: string; severity: number }[] }>(
			await api.get("/v1/review/cases?queue=abuse&status=open"),
		).cases;
		assert.deepEqual(
			cases.map((c) => [c.entity, c.queue, c.severity]),
			[["account:oscar", "abuse", 0.8]],
		);
	});

	const invalid: [string, unknown, string[]][] = [
		["no reason", { effect: "suspend" }, ["/reason"]],
		["an unknown effect", { effect: "explode", reason: "x" }, ["/effect"]],
		["an unknown field", { effect: "suspend", reason: "x", colour: 1 }, ["/colour"]],
		["a reason too long", { effect: "suspend", reason: "x".repeat(501) }, ["/reason"]],
		["a label.add without label", { effect: "label.add", reason: "x" }, ["/label"]],
		["a bad ttl", { effect: "suspend", ttl: "soon", reason: "x" }, ["/ttl"]],
		["a field the effect does not take", { effect: "unsuspend", surfaces: ["search"], reason: "x" }, ["/surfaces"]],
		["an unknown surface", { effect: "visibility.limit", surfaces: ["moon"], reason: "x" }, ["/surfaces/0"]],
		["a body that is not an object", [], [""]],
	];
	for (const [what, body, pointers] of invalid) {
		it(`answers 400 for ${what}`, async () => {
			const res = await act("victor", body);
			assert.equal(res.statusCode, 400);
			const p = json<ProblemBody>(res);
			assert.deepEqual(
				p.problems?.map((x) => x.pointer),
				pointers,
				JSON.stringify(p),
			);
		});
	}

	it("answers 400 for broken JSON and for a bad kind", async () => {
		const broken = await act("victor", "{");
		assert.equal(broken.statusCode, 400);
		assert.equal(json<ProblemBody>(broken).problems?.[0]?.code, "parse");
		const kind = await api.post("/v1/entities/planet/x/actions", { effect: "suspend", reason: "x" });
		assert.equal(json<ProblemBody>(kind).problems?.[0]?.pointer, "/kind");
	});
});

describe("GET /v1/actions", () => {
	let api: TestApi;
	before(async () => {
		api = await startApi();
		for (let i = 0; i < 5; i++)
			await api.post("/v1/entities/account/audited/actions", { effect: "label.add", label: `l${i}`, reason: `r${i}` });
		await api.post("/v1/entities/account/other/actions", { effect: "suspend", reason: "x" });
	});
	after(() => api.close());

	it("pages the audit log newest first", async () => {
		type Page = { actions: { id: string; reason: string; entity: string }[]; next: string | null };
		const seen: string[] = [];
		let url = "/v1/actions?entity=account:audited&limit=2";
		for (;;) {
			const page = json<Page>(await api.get(url));
			seen.push(...page.actions.map((a) => a.reason));
			assert.ok(page.actions.length <= 2);
			if (page.next === null) break;
			url = `/v1/actions?entity=account:audited&limit=2&before=${page.next}`;
		}
		assert.deepEqual(seen, ["r4", "r3", "r2", "r1", "r0"]);
	});

	it("filters by who and lists everything by default", async () => {
		const all = json<{ actions: unknown[]; next: null }>(await api.get("/v1/actions"));
		assert.equal(all.actions.length, 6);
		assert.equal(all.next, null);
		const byKey = json<{ actions: unknown[] }>(await api.get("/v1/actions?who=apikey:tester"));
		assert.equal(byKey.actions.length, 6);
		const byPolicy = json<{ actions: unknown[] }>(await api.get("/v1/actions?who=policy:default"));
		assert.equal(byPolicy.actions.length, 0);
	});

	it("validates the query", async () => {
		const res = await api.get("/v1/actions?entity=nope&limit=5000");
		assert.equal(res.statusCode, 400);
		assert.deepEqual(
			json<ProblemBody>(res)
				.problems?.map((p) => p.pointer)
				.sort(),
			["/entity", "/limit"],
		);
	});
});

describe("GET /v1/decisions/:eventId", () => {
	it("returns the stored decision with its trace, 404 otherwise", async () => {
		const api = await startApi();
		const e = postEvent("decided");
		await api.post("/v1/events", e);
		const d = json<{ eventId: string; trace: { fired: string[] } }>(await api.get(`/v1/decisions/${e.id}`));
		assert.equal(d.eventId, e.id);
		assert.ok(Array.isArray(d.trace.fired));
		assert.equal((await api.get("/v1/decisions/unknown")).statusCode, 404);
		await api.close();
	});
});

describe("velocity", () => {
	it("nudges, then challenges an account posting 40 times in a minute, and labels it", async () => {
		const api = await startApi();
		const verdicts: string[] = [];
		let last: { labels: string[] } = { labels: [] };
		for (let i = 0; i < 40; i++) {
			const res = await api.post("/v1/events", postEvent("speedy", { ts: T0 + i * 1500 }));
			last = json(res);
			verdicts.push((last as unknown as { verdict: string }).verdict);
		}
		// The threshold is 20 posts in 5 minutes (score 0.5: nudge); 35 scores 0.9: challenge.
		assert.equal(verdicts.indexOf("nudge"), 19);
		assert.equal(verdicts.indexOf("challenge"), 34);
		assert.ok(verdicts.slice(0, 19).every((v) => v === "allow"));
		assert.deepEqual(last.labels.sort(), ["limit:recommendations", "limit:search", "velocity"]);

		const view = json<EntityView>(await api.get("/v1/entities/account/speedy"));
		assert.ok(view.labels.some((l) => l.label === "velocity" && l.active && l.source === "rule"));
		// Decided by the default rule pack (rules/core.rules restates the built-in velocity policy).
		const who = api.deps.bulwark.rules.current()?.who;
		assert.match(String(who), /^rules:[0-9a-f]{12}$/);
		assert.ok(view.actions.length > 0 && view.actions.every((a) => a.who === who));
		const cases = json<{ cases: { entity: string }[] }>(await api.get("/v1/review/cases?queue=spam"));
		assert.deepEqual(
			cases.cases.map((c) => c.entity),
			["account:speedy"],
		);
		await api.close();
	});
});
