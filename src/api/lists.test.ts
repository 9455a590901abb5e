// Managed lists end to end over HTTP on the real embedded system: a change is live for the next
// event, audited, durable across a restart; bad input and kind conflicts write nothing.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { LightMyRequestResponse } from "fastify";
import { apiDepsOf } from "../app/api-deps.ts";
import { openBulwark } from "../app/bulwark.ts";
import { ManualClock } from "../core/shared/index.ts";
import { makeTestDeps, type TestDeps } from "./test-harness.ts";
import { json, startApi, T0, type TestApi } from "./test-helpers.ts";

const HOUR = 3_600_000;
const PACK = [
	"list bad_ips: ip_ranges",
	"list bad_domains: domains",
	'list greetings: keywords = ["hello"]',
	'rule bad_ip { on post.created when event.context.ip in bad_ips then block reason "bad ip" }',
	'rule bad_link { on post.created when any_in(event.data.urls, bad_domains) then block reason "bad link" }',
].join("\n");

interface Answer {
	verdict: string;
	trace: { fired: string[]; errors: string[] };
}
interface Problems {
	status: number;
	problems: { pointer: string; message: string }[];
}
interface Page {
	name: string;
	kind: string;
	size: number;
	entries: { value: string; key: string; expiresAt: number | null; addedBy: string; reason: string | null }[];
	next: string | null;
}

function packDir(): string {
	const dir = mkdtempSync(join(tmpdir(), "bulwark-lists-rules-"));
	writeFileSync(join(dir, "lists.rules"), PACK);
	return dir;
}

let n = 0;
function post(ip: string, ts = T0, urls: string[] = []) {
	n++;
	return {
		id: `l-${n}`,
		type: "post.created",
		ts,
		actor: `acct${n}`,
		data: { postId: `lp-${n}`, text: "hi", urls },
		context: { ip },
	};
}

function send(api: TestApi, method: "PUT" | "DELETE" | "GET", url: string, body?: unknown, type = "application/json") {
	return api.app.inject({
		method,
		url,
		headers: { ...api.auth, ...(body === undefined ? {} : { "content-type": type }) },
		...(body === undefined ? {} : { payload: typeof body === "string" ? body : JSON.stringify(body) }),
	});
}

async function fired(api: TestApi, event: ReturnType<typeof post>): Promise<string[]> {
	const res = await api.post("/v1/events?trace=1", event);
	assert.equal(res.statusCode, 200, res.body);
	const a = json<Answer>(res);
	assert.deepEqual(a.trace.errors, []);
	return a.trace.fired;
}

function ok<T = Record<string, unknown>>(res: LightMyRequestResponse): T {
	assert.equal(res.statusCode, 200, res.body);
	return json<T>(res);
}

describe("managed lists over HTTP", () => {
	let api: TestApi;
	let rules: string;
	before(async () => {
		rules = packDir();
		api = await startApi({ batchLimit: 16 << 20 }, await makeTestDeps({ rules }));
	});
	after(async () => {
		await api.close();
		rmSync(rules, { recursive: true, force: true });
	});

	it("lists the pack's lists: managed ones empty from the start, inline ones as written in the file", async () => {
		const { lists } = ok<{ lists: Record<string, unknown>[] }>(await api.get("/v1/lists"));
		assert.deepEqual(
			lists.map((l) => [l.name, l.kind, l.size, l.declared, l.managed]),
			[
				["bad_domains", "domains", 0, true, true],
				["bad_ips", "ip_ranges", 0, true, true],
				["greetings", "keywords", null, true, false],
			],
		);
	});

	it("adds an IP range that the very next event matches, audited as the API key", async () => {
		assert.deepEqual(await fired(api, post("185.7.13.9")), []);
		const put = ok<{ written: number; size: number; kind: string; actionId: string }>(
			await send(api, "PUT", "/v1/lists/bad_ips", {
				entries: [{ value: "185.7.0.0/16", ttl: "1h" }],
				reason: "botnet",
			}),
		);
		assert.deepEqual([put.written, put.size, put.kind], [1, 1, "ip_ranges"]);
		assert.deepEqual(await fired(api, post("185.7.13.9")), ["bad_ip"]);
		assert.deepEqual(await fired(api, post("185.8.0.1")), []);

		const log = ok<{
			actions: {
				id: string;
				who: string;
				kind: string;
				entity: string;
				reason: string;
				details: Record<string, unknown>;
			}[];
		}>(await api.get("/v1/actions?entity=list:bad_ips"));
		const row = log.actions.find((a) => a.id === put.actionId);
		assert.deepEqual(
			[row?.who, row?.kind, row?.entity, row?.reason, row?.details.entries, row?.details.values],
			["apikey:tester", "list.put", "list:bad_ips", "botnet", 1, ["185.7.0.0/16"]],
		);
	});

	it("answers whether a value matches, CIDR-aware, naming the entry", async () => {
		const c = ok<{ matches: boolean; entries: { key: string; addedBy: string; reason: string }[] }>(
			await api.get("/v1/lists/bad_ips/check?value=185.7.200.1"),
		);
		assert.equal(c.matches, true);
		assert.deepEqual(
			c.entries.map((e) => [e.key, e.addedBy, e.reason]),
			[["185.7.0.0/16", "apikey:tester", "botnet"]],
		);
		assert.equal(ok<{ matches: boolean }>(await api.get("/v1/lists/bad_ips/check?value=9.9.9.9")).matches, false);
		assert.equal((await api.get("/v1/lists/bad_ips/check")).statusCode, 400);
		assert.equal((await api.get("/v1/lists/nope/check?value=1.2.3.4")).statusCode, 404);
	});

	it("stops matching once an entry expires, and the sweep removes it from memory and storage", async () => {
		assert.deepEqual(await fired(api, post("185.7.13.9", T0 + HOUR - 1)), ["bad_ip"]);
		assert.deepEqual(await fired(api, post("185.7.13.9", T0 + HOUR)), [], "expired at its time");
		const c = ok<{ matches: boolean }>(await api.get(`/v1/lists/bad_ips/check?value=185.7.1.1&at=${T0 + 2 * HOUR}`));
		assert.equal(c.matches, false);
		api.deps.clock.advance(2 * HOUR);
		assert.equal(await api.deps.lists.sweep(), 1);
		assert.equal(ok<Page>(await api.get("/v1/lists/bad_ips")).size, 0);
		assert.deepEqual(ok<Page>(await api.get("/v1/lists/bad_ips")).entries, []);
	});

	it("removes entries by value as the kind normalises it; the next event no longer matches", async () => {
		const now = api.deps.clock.now();
		ok(await send(api, "PUT", "/v1/lists/bad_ips", { entries: ["185.7.0.0/16", "2001:db8::/32"] }));
		assert.deepEqual(await fired(api, post("185.7.13.9", now)), ["bad_ip"]);
		assert.deepEqual(await fired(api, post("2001:db8::5", now)), ["bad_ip"]);
		const r = ok<{ removed: number; missing: string[]; size: number }>(
			await send(api, "DELETE", "/v1/lists/bad_ips/entries", {
				values: ["185.7.99.99/16", "1.1.1.1"],
				reason: "cleared",
			}),
		);
		assert.deepEqual([r.removed, r.missing, r.size], [1, ["1.1.1.1"], 1]);
		assert.deepEqual(await fired(api, post("185.7.13.9", now)), []);
		assert.deepEqual(await fired(api, post("2001:db8::5", now)), ["bad_ip"]);
		const log = ok<{ actions: { kind: string; reason: string; details: { values: string[] } }[] }>(
			await api.get("/v1/actions?who=apikey:tester&limit=1"),
		);
		assert.deepEqual(
			[log.actions[0]?.kind, log.actions[0]?.reason, log.actions[0]?.details.values],
			["list.remove", "cleared", ["185.7.99.99/16"]],
		);
	});

	it("refuses invalid entries, naming each with its JSON pointer, and writes nothing", async () => {
		const before = ok<Page>(await api.get("/v1/lists/bad_ips"));
		const actions = ok<{ actions: unknown[] }>(await api.get("/v1/actions?who=apikey:tester")).actions.length;
		const res = await send(api, "PUT", "/v1/lists/bad_ips", {
			entries: [
				"10.0.0.0/8",
				"300.1.1.1",
				{ value: "10.1.0.0/16", ttl: "soon" },
				{ value: 5 },
				{ value: "1.2.3.4", extra: 1 },
			],
			replace: "yes",
		});
		assert.equal(res.statusCode, 400);
		const p = json<Problems>(res);
		assert.deepEqual(p.problems.map((x) => x.pointer).sort(), [
			"/entries/1",
			"/entries/2/ttl",
			"/entries/3/value",
			"/entries/4/extra",
			"/replace",
		]);
		assert.match(p.problems.find((x) => x.pointer === "/entries/1")?.message ?? "", /not an IP address or CIDR range/);
		assert.deepEqual(ok<Page>(await api.get("/v1/lists/bad_ips")).entries, before.entries, "nothing written");
		assert.equal(ok<{ actions: unknown[] }>(await api.get("/v1/actions?who=apikey:tester")).actions.length, actions);
		assert.deepEqual(await fired(api, post("10.9.9.9", api.deps.clock.now())), []);
	});

	it("refuses a kind other than the pack's or the list's, and lists written in a rules file (409)", async () => {
		const conflict = async (url: string, body: unknown) => {
			const res = await send(api, "PUT", url, body);
			assert.equal(res.statusCode, 409, res.body);
		};
		await conflict("/v1/lists/bad_ips", { kind: "domains", entries: ["example.com"] });
		await conflict("/v1/lists/greetings", { entries: ["hi"] });
		const missing = await send(api, "PUT", "/v1/lists/fresh", { entries: ["abc"] });
		assert.equal(missing.statusCode, 400);
		assert.deepEqual(
			json<Problems>(missing).problems.map((x) => x.pointer),
			["/kind"],
		);
		ok(await send(api, "PUT", "/v1/lists/fresh", { kind: "hashes", entries: ["ABCDEF0123"] }));
		await conflict("/v1/lists/fresh", { kind: "domains", entries: ["example.com"] });
		assert.equal((await send(api, "DELETE", "/v1/lists/bad_ips")).statusCode, 409, "a declared list is not dropped");
		const dropped = ok<{ dropped: number }>(await send(api, "DELETE", "/v1/lists/fresh?reason=typo"));
		assert.equal(dropped.dropped, 1);
		assert.equal((await api.get("/v1/lists/fresh")).statusCode, 404);
	});

	it("replaces a list's whole content atomically", async () => {
		const now = api.deps.clock.now();
		ok(await send(api, "PUT", "/v1/lists/bad_domains", { entries: ["spam.test", "bit.ly/abc"] }));
		assert.deepEqual(await fired(api, post("1.1.1.1", now, ["https://x.spam.test/a"])), ["bad_link"]);
		const r = ok<{ replaced: boolean; size: number }>(
			await send(api, "PUT", "/v1/lists/bad_domains", { entries: ["other.test"], replace: true }),
		);
		assert.deepEqual([r.replaced, r.size], [true, 1]);
		assert.deepEqual(await fired(api, post("1.1.1.1", now, ["https://x.spam.test/a"])), []);
		assert.deepEqual(await fired(api, post("1.1.1.1", now, ["https://other.test/"])), ["bad_link"]);
		const page = ok<Page>(await api.get("/v1/lists/bad_domains"));
		assert.deepEqual(
			page.entries.map((e) => e.key),
			["other.test"],
		);
	});

	it("imports 100,000 ranges in one request (NDJSON), pages through them and matches them", async (t) => {
		const lines = Array.from({ length: 100_000 }, (_, i) =>
			JSON.stringify(`11.${i >> 16}.${(i >> 8) & 255}.${i & 255}`),
		);
		// The longest the event loop went without a turn during the import.
		let last = performance.now();
		let longest = 0;
		const ticker = setInterval(() => {
			const now = performance.now();
			longest = Math.max(longest, now - last);
			last = now;
		}, 1);
		const started = performance.now();
		const res = await send(
			api,
			"PUT",
			"/v1/lists/bulk_ips?kind=ip_ranges&reason=import&replace=true",
			lines.join("\n"),
			"application/x-ndjson",
		);
		const ms = performance.now() - started;
		const r = ok<{ written: number; size: number }>(res);
		assert.deepEqual([r.written, r.size], [100_000, 100_000]);
		clearInterval(ticker);
		t.diagnostic(
			`100,000-entry NDJSON import over HTTP: ${ms.toFixed(0)} ms; the event loop's longest wait: ${longest.toFixed(0)} ms`,
		);
		assert.ok(ms < 20_000, `${ms.toFixed(0)} ms`);

		const c = ok<{ matches: boolean }>(await api.get("/v1/lists/bulk_ips/check?value=11.1.134.159"));
		assert.equal(c.matches, true);
		const p1 = ok<Page>(await api.get("/v1/lists/bulk_ips?prefix=11.1.&limit=500"));
		assert.equal(p1.entries.length, 500);
		assert.ok(p1.entries.every((e) => e.key.startsWith("11.1.")));
		assert.ok(p1.next);
		const p2 = ok<Page>(await api.get(`/v1/lists/bulk_ips?prefix=11.1.&limit=500&cursor=${p1.next}`));
		assert.ok((p2.entries[0]?.key ?? "") > (p1.entries[499]?.key ?? ""));

		// The same as a JSON body, with a bad line reported by its line number.
		const bad = [...lines.slice(0, 10), '"not an ip"', "{broken"];
		const refused = await send(api, "PUT", "/v1/lists/bulk_ips", bad.join("\n"), "application/x-ndjson");
		assert.equal(refused.statusCode, 400);
		assert.match(json<Problems>(refused).problems[0]?.message ?? "", /^line 12: not valid JSON/);
		const refused2 = await send(api, "PUT", "/v1/lists/bulk_ips", bad.slice(0, 11).join("\n"), "application/x-ndjson");
		assert.deepEqual(
			json<Problems>(refused2).problems.map((x) => [x.pointer, x.message.slice(0, 8)]),
			[["/entries/10", "line 11:"]],
		);

		const started2 = performance.now();
		const body = { kind: "ip_ranges", entries: lines.map((l) => ({ value: JSON.parse(l), ttl: "30d" })) };
		ok(await send(api, "PUT", "/v1/lists/bulk_ips_json", body));
		t.diagnostic(`100,000-entry JSON import over HTTP: ${(performance.now() - started2).toFixed(0)} ms`);
	});

	it("describes every route in /openapi.json", async () => {
		const doc = json<{ paths: Record<string, Record<string, unknown>> }>(
			await api.app.inject({ url: "/openapi.json" }),
		);
		assert.ok(doc.paths["/v1/lists/{name}"]?.put);
		assert.ok(doc.paths["/v1/lists/{name}/check"]?.get);
	});
});

describe("managed lists across a restart", () => {
	it("keeps every entry, its expiry and its kind", async () => {
		const rules = packDir();
		const data = mkdtempSync(join(tmpdir(), "bulwark-lists-data-"));
		const open = async () => {
			const clock = new ManualClock(T0);
			const bulwark = await openBulwark({
				dataDir: data,
				retentionMs: 30 * 86_400_000,
				snapshotIntervalMs: HOUR,
				clock,
				timers: false,
				rules,
			});
			const deps = { ...apiDepsOf(bulwark, new Set<string>()), clock, bulwark, close: () => bulwark.close() };
			return startApi({}, deps as TestDeps);
		};
		try {
			const first = await open();
			ok(await send(first, "PUT", "/v1/lists/bad_ips", { entries: ["185.7.0.0/16", { value: "9.9.9.9", ttl: "1h" }] }));
			ok(await send(first, "PUT", "/v1/lists/undeclared", { kind: "keywords", entries: ["dm me"] }));
			await first.close();

			const second = await open();
			try {
				const page = ok<Page>(await second.get("/v1/lists/bad_ips"));
				assert.deepEqual(
					page.entries.map((e) => [e.key, e.expiresAt]),
					[
						["185.7.0.0/16", null],
						["9.9.9.9/32", T0 + HOUR],
					],
				);
				assert.deepEqual(await fired(second, post("185.7.1.2")), ["bad_ip"]);
				assert.deepEqual(await fired(second, post("9.9.9.9", T0 + 2 * HOUR)), [], "expired");
				const all = ok<{ lists: { name: string; kind: string; size: number; declared: boolean }[] }>(
					await second.get("/v1/lists"),
				);
				assert.deepEqual(
					all.lists.find((l) => l.name === "undeclared"),
					{ ...all.lists.find((l) => l.name === "undeclared"), kind: "keywords", size: 1, declared: false },
				);
			} finally {
				await second.close();
			}
		} finally {
			rmSync(rules, { recursive: true, force: true });
			rmSync(data, { recursive: true, force: true });
		}
	});
});
