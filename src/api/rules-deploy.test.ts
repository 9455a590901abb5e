// Versioned rule deploys over the API, end to end on the real embedded system (SQLite, in-memory
// windows, the real processor): deploy, refusal of a broken pack, rollback, history, restart,
// events in flight during a deploy, new features and managed lists across versions.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, it } from "node:test";
import type { LightMyRequestResponse } from "fastify";
import { apiDepsOf } from "../app/api-deps.ts";
import { openBulwark } from "../app/bulwark.ts";
import { versionOf } from "../app/rules.ts";
import type { RuleHitSeen } from "../core/decisions/index.ts";
import type { DeployOutcome, RuleDeployView, RulesStatus, RuleVersionView } from "../core/rules/index.ts";
import { ManualClock } from "../core/shared/index.ts";
import type { TestDeps } from "./test-harness.ts";
import { json, startApi, T0, type TestApi } from "./test-helpers.ts";

const temps: string[] = [];
after(() => {
	for (const d of temps) rmSync(d, { recursive: true, force: true });
});
function temp(): string {
	const d = mkdtempSync(join(tmpdir(), "bulwark-deploy-"));
	temps.push(d);
	return d;
}

type Files = Record<string, string>;
/** A rules folder holding `files`. */
function folder(files: Files): string {
	const dir = temp();
	for (const [path, text] of Object.entries(files)) {
		mkdirSync(dirname(join(dir, path)), { recursive: true });
		writeFileSync(join(dir, path), text);
	}
	return dir;
}
const asFiles = (files: Files) => Object.entries(files).map(([path, text]) => ({ path, text }));
const tagRule = (name: string, label: string) =>
	`rule ${name} {\n\ton post.created\n\treason "${label}"\n\tthen label "${label}"\n}\n`;

const V1: Files = { "tags.rules": tagRule("tag_v1", "v1") };
const V2: Files = { "tags.rules": tagRule("tag_v2", "v2") };
const BROKEN: Files = {
	"tags.rules": tagRule("tag_v3", "v3"),
	"sub/bad.rules":
		"rule r {\n\ton post.created\n\twhen login_fails_1h[event.actor] > 5\n\tthen block\n}\nrule r { then nope }\n",
};

/** The API over `openBulwark(dataDir)` with a ManualClock at T0; `close()` keeps the folder. */
async function open(dataDir: string, opts: { rules?: string | null; rulesExplicit?: boolean } = {}): Promise<TestApi> {
	const clock = new ManualClock(T0);
	const logs: string[] = [];
	const bulwark = await openBulwark({
		dataDir,
		retentionMs: 30 * 86_400_000,
		snapshotIntervalMs: 3_600_000,
		clock,
		timers: false,
		log: (m) => logs.push(m),
		...opts,
	});
	const deps: TestDeps = { ...apiDepsOf(bulwark, new Set()), clock, bulwark, close: () => bulwark.close() };
	return startApi({}, deps);
}

const put = (api: TestApi, body: unknown): Promise<LightMyRequestResponse> =>
	api.app.inject({
		method: "PUT",
		url: "/v1/rules",
		headers: { ...api.auth, "content-type": "application/json" },
		payload: JSON.stringify(body),
	});
const deploy = (api: TestApi, files: Files, message = "test deploy") => put(api, { files: asFiles(files), message });

let n = 0;
function post(actor: string, over: { urls?: string[]; ip?: string; ts?: number } = {}) {
	n++;
	return {
		id: `d-${n}`,
		type: "post.created",
		ts: over.ts ?? T0 + n,
		actor,
		data: { postId: `dp-${n}`, text: "hello", ...(over.urls ? { urls: over.urls } : {}) },
		context: { ip: over.ip ?? "203.0.113.7" },
	};
}
interface Answer {
	eventId: string;
	verdict: string;
	labels: string[];
	trace: { rules?: RuleHitSeen[]; errors: string[] };
}
const send = async (api: TestApi, actor: string, over: Parameters<typeof post>[1] = {}) =>
	json<Answer>(await api.post("/v1/events?trace=1", post(actor, over)));
const fired = (a: Answer) => (a.trace.rules ?? []).filter((h) => h.outcome === "fired").map((h) => h.rule);

describe("PUT /v1/rules: deploy, refuse, roll back", () => {
	const dataDir = temp();
	const v1 = versionOf(asFiles(V1));
	const v2 = versionOf(asFiles(V2));
	let api: TestApi;

	it("starts on the folder, which is not in the history yet", async () => {
		api = await open(dataDir, { rules: folder(V1) });
		const s = json<RulesStatus>(await api.get("/v1/rules"));
		assert.equal(s.version, v1);
		assert.equal(s.source, "folder");
		assert.deepEqual(
			s.rules.map((r) => [r.name, r.shadow, r.rolloutPercent]),
			[["tag_v1", false, null]],
		);
		assert.deepEqual(fired(await send(api, "a1")), ["tag_v1"]);
		assert.deepEqual(json<{ versions: unknown[] }>(await api.get("/v1/rules/versions")).versions, []);
	});

	it("needs an API key", async () => {
		const res = await api.app.inject({
			method: "PUT",
			url: "/v1/rules",
			payload: { files: asFiles(V2), message: "x" },
		});
		assert.equal(res.statusCode, 401);
		assert.equal((await api.app.inject({ method: "GET", url: "/v1/rules" })).statusCode, 401);
	});

	it("deploys a new version: the next event runs the new rule and not the old one", async () => {
		const res = await deploy(api, V2, "tag with v2");
		assert.equal(res.statusCode, 200, res.body);
		const d = json<DeployOutcome>(res);
		assert.equal(d.changed, true);
		assert.equal(d.version, v2);
		assert.equal(d.previous, v1);
		assert.equal(d.rules, 1);
		assert.deepEqual(
			{ ...d.deploy, at: 0 },
			{ seq: 2, version: v2, kind: "deploy", author: "tester", message: "tag with v2", at: 0 },
		);
		assert.equal(api.deps.bulwark.rules.current()?.who, `rules:${v2}`);

		const a = await send(api, "a2");
		assert.deepEqual(fired(a), ["tag_v2"]);
		assert.deepEqual(a.labels, ["v2"]);
		const log = json<{ actions: { who: string; details: { label: string } }[] }>(
			await api.get("/v1/actions?entity=account:a2"),
		);
		assert.deepEqual(
			log.actions.map((x) => [x.who, x.details.label]),
			[[`rules:${v2}`, "v2"]],
		);

		const s = json<RulesStatus>(await api.get("/v1/rules"));
		assert.equal(s.version, v2);
		assert.equal(s.source, "deploy");
		assert.equal(s.deploy?.seq, 2);
		assert.deepEqual(s.files, ["tags.rules"]);
		assert.deepEqual(s.rules[0]?.counts, { fired: 1, shadow: 0, heldBack: 0, errored: 0 });
		assert.ok((s.rules[0]?.cost.evaluations ?? 0) >= 1, JSON.stringify(s.rules[0]?.cost));
		assert.match((await api.get("/metrics")).body, new RegExp(`bulwark_rules_loaded\\{version="${v2}"\\} 1\\n`));
	});

	it("audits the deploy as a person's action: who, what, why", async () => {
		const log = json<{ actions: { who: string; kind: string; entity: string; reason: string; details: object }[] }>(
			await api.get("/v1/actions?who=apikey:tester"),
		);
		const row = log.actions.find((x) => x.kind === "rules.deploy");
		assert.ok(row, JSON.stringify(log));
		assert.equal(row.entity, `rules:${v2}`);
		assert.equal(row.reason, "tag with v2");
		assert.deepEqual(row.details, { version: v2, previous: v1, author: "tester", files: 1, rules: 1, seq: 2 });
	});

	it("answers the same content again with the running version and records nothing", async () => {
		const d = json<DeployOutcome>(await deploy(api, V2, "again"));
		assert.equal(d.changed, false);
		assert.equal(d.version, v2);
		assert.equal(d.deploy?.seq, 2);
		assert.equal(json<{ versions: unknown[] }>(await api.get("/v1/rules/versions")).versions.length, 2);
	});

	it("refuses a version that does not compile, listing every diagnostic; the running one keeps firing", async () => {
		const res = await deploy(api, BROKEN, "broken");
		assert.equal(res.statusCode, 400);
		assert.match(String(res.headers["content-type"]), /application\/problem\+json/);
		const p = json<{ detail: string; problems: { pointer: string; message: string; code: string }[] }>(res);
		assert.match(p.detail, new RegExp(`does not compile \\(\\d+ errors\\); version ${v2} keeps running`));
		assert.ok(p.problems.length >= 2, res.body);
		for (const x of p.problems) {
			assert.equal(x.pointer, "/files/1/text");
			assert.match(x.message, /^sub\/bad\.rules:\d+:\d+ (error|warning) R\d{4}: /);
		}
		assert.ok(
			p.problems.some((x) => x.message.startsWith("sub/bad.rules:3:7 error R2003: unknown feature `login_fails_1h`")),
		);
		assert.equal(json<RulesStatus>(await api.get("/v1/rules")).version, v2);
		assert.deepEqual(fired(await send(api, "a3")), ["tag_v2"]);
	});

	it("refuses bad bodies and bad paths with pointers", async () => {
		const cases: [unknown, string][] = [
			[{ files: [], message: "x" }, "/files"],
			[{ files: asFiles(V2) }, "/message"],
			[{ files: asFiles(V2), message: "   " }, "/message"],
			[{ files: [{ path: "../x.rules", text: "" }], message: "x" }, "/files/0/path"],
			[{ files: [{ path: "x.txt", text: "" }], message: "x" }, "/files/0/path"],
			[{ files: [...asFiles(V2), ...asFiles(V2)], message: "x" }, "/files/1/path"],
			[{ files: asFiles(V2), message: "x", extra: 1 }, "/extra"],
		];
		for (const [body, pointer] of cases) {
			const res = await put(api, body);
			assert.equal(res.statusCode, 400, JSON.stringify(body));
			const p = json<{ problems: { pointer: string }[] }>(res);
			assert.ok(
				p.problems.some((x) => x.pointer === pointer),
				`${JSON.stringify(body)}: ${res.body}`,
			);
		}
	});

	it("rolls back to an earlier version: the old rule fires again", async () => {
		const res = await api.post("/v1/rules/rollback", { version: v1, message: "v2 was wrong" });
		assert.equal(res.statusCode, 200, res.body);
		const d = json<DeployOutcome>(res);
		assert.equal(d.changed, true);
		assert.equal(d.version, v1);
		assert.equal(d.previous, v2);
		assert.equal(d.deploy?.kind, "rollback");
		assert.equal(d.deploy?.seq, 3);
		assert.deepEqual(fired(await send(api, "a4")), ["tag_v1"]);

		const again = json<DeployOutcome>(await api.post("/v1/rules/rollback", { version: v1, message: "again" }));
		assert.equal(again.changed, false);
		const missing = await api.post("/v1/rules/rollback", { version: "0123456789ab", message: "x" });
		assert.equal(missing.statusCode, 404);
		assert.equal(json<{ problems: { pointer: string }[] }>(missing).problems[0]?.pointer, "/version");
	});

	it("lists the history newest first, pages it, and shows a version's files", async () => {
		const h = json<{ active: string; versions: RuleDeployView[]; next: string | null }>(
			await api.get("/v1/rules/versions"),
		);
		assert.equal(h.active, v1);
		assert.deepEqual(
			h.versions.map((d) => [d.seq, d.version, d.kind, d.author, d.active]),
			[
				[3, v1, "rollback", "tester", true],
				[2, v2, "deploy", "tester", false],
				[1, v1, "folder", "system", false],
			],
		);
		assert.match(h.versions[2]?.message ?? "", /before the first deploy/);
		const page = json<{ versions: RuleDeployView[]; next: string | null }>(await api.get("/v1/rules/versions?limit=2"));
		assert.deepEqual(
			page.versions.map((d) => d.seq),
			[3, 2],
		);
		assert.equal(page.next, "2");
		const rest = json<{ versions: RuleDeployView[] }>(await api.get(`/v1/rules/versions?before=${page.next}`));
		assert.deepEqual(
			rest.versions.map((d) => d.seq),
			[1],
		);

		const v = json<RuleVersionView>(await api.get(`/v1/rules/versions/${v2}`));
		assert.deepEqual(v.files, asFiles(V2));
		assert.deepEqual(
			v.deploys.map((d) => d.seq),
			[2],
		);
		assert.equal((await api.get("/v1/rules/versions/0123456789ab")).statusCode, 404);
		assert.equal((await api.get("/v1/rules/versions/nope")).statusCode, 404);
	});

	it("keeps the active version across a restart (the database wins over the default folder)", async () => {
		assert.equal(json<DeployOutcome>(await deploy(api, V2, "v2 again")).deploy?.seq, 4);
		await api.close();
		api = await open(dataDir, { rules: folder(V1) });
		const loaded = api.deps.bulwark.rulesLoaded;
		assert.equal(loaded?.version, v2);
		assert.match(String(loaded?.from), /^the database \(deploy #4 by tester at .*: "v2 again"\)$/);
		const s = json<RulesStatus>(await api.get("/v1/rules"));
		assert.equal(s.source, "deploy");
		assert.equal(s.deploy?.seq, 4);
		assert.deepEqual(fired(await send(api, "a5")), ["tag_v2"]);
	});

	it("runs a folder given explicitly, recording it as a deploy; the deployed version stays in the history", async () => {
		await api.close();
		api = await open(dataDir, { rules: folder(V1), rulesExplicit: true });
		const loaded = api.deps.bulwark.rulesLoaded;
		assert.equal(loaded?.version, v1);
		assert.match(String(loaded?.from), /, recorded as deploy #5$/);
		assert.match(String(loaded?.notes[0]), new RegExp(`replaces version ${v2} .*bulwark rules rollback ${v2}`));
		assert.deepEqual(fired(await send(api, "a6")), ["tag_v1"]);
		const h = json<{ versions: RuleDeployView[] }>(await api.get("/v1/rules/versions"));
		assert.deepEqual([h.versions[0]?.seq, h.versions[0]?.kind, h.versions[0]?.active], [5, "folder", true]);
		const log = json<{ actions: { kind: string; who: string }[] }>(await api.get("/v1/actions?limit=5"));
		assert.ok(log.actions.some((a) => a.kind === "rules.folder" && a.who.startsWith("cli:")));

		// The same folder again records nothing.
		await api.close();
		api = await open(dataDir, { rules: folder(V1), rulesExplicit: true });
		assert.equal(json<{ versions: unknown[] }>(await api.get("/v1/rules/versions")).versions.length, 5);
	});

	it("runs no rules with --rules none, and refuses deploys then", async () => {
		await api.close();
		api = await open(dataDir, { rules: null });
		assert.equal(api.deps.bulwark.rules.current(), undefined);
		assert.equal(json<RulesStatus>(await api.get("/v1/rules")).source, "none");
		const res = await deploy(api, V2);
		assert.equal(res.statusCode, 409);
		assert.match(json<{ detail: string }>(res).detail, /without rules/);
		await api.close();
	});
});

describe("PUT /v1/rules body size", () => {
	it("takes a pack larger than the events' body limit, up to 2 MiB", async () => {
		const api = await open(temp(), { rules: folder(V1) });
		try {
			const big = { "tags.rules": `${"## padding\n".repeat(3_000)}${V2["tags.rules"]}` };
			const res = await deploy(api, big, "a long comment");
			assert.equal(res.statusCode, 200, res.body);
			assert.equal(json<DeployOutcome>(res).changed, true);
			const tooBig = await deploy(api, { "tags.rules": "#".repeat(2 * 1024 * 1024 + 1) });
			assert.equal(tooBig.statusCode, 413);
		} finally {
			await api.close();
		}
	});
});

describe("a deploy while events are in flight", () => {
	it("decides every event exactly once, each by exactly one version", async () => {
		const api = await open(temp(), { rules: folder(V1) });
		const v1 = versionOf(asFiles(V1));
		const v2 = versionOf(asFiles(V2));
		try {
			let k = 0;
			const single = () => api.post("/v1/events", post(`c${k++}`));
			const batch = (size: number) => {
				const lines = Array.from({ length: size }, () => JSON.stringify(post(`c${k++}`))).join("\n");
				return api.post("/v1/events/batch", lines, { "content-type": "application/x-ndjson" });
			};
			const wave = () => [
				...Array.from({ length: 60 }, single),
				batch(50),
				batch(50),
				...Array.from({ length: 60 }, single),
			];
			const before = wave();
			await new Promise((r) => setImmediate(r));
			const deploying = deploy(api, V2, "during traffic");
			const during = wave();
			const results = await Promise.all([...before, deploying, ...during]);
			for (const r of results) assert.equal(r.statusCode, 200, r.body);
			assert.equal(json<DeployOutcome>(await deploying).changed, true);
			const after = await Promise.all(wave());
			const total = k;

			// Every event stored once, with one decision that names exactly one version's rule.
			assert.equal((await api.deps.bulwark.storage.counts()).events, total);
			const byVersion = { [v1]: 0, [v2]: 0 };
			for (let i = 0; i < total; i++) {
				const actor = `c${i}`;
				const log = json<{ actions: { who: string; eventId: string; details: { label: string } }[] }>(
					await api.get(`/v1/actions?entity=account:${actor}`),
				);
				assert.equal(log.actions.length, 1, `${actor}: ${JSON.stringify(log)}`);
				const action = log.actions[0] as (typeof log.actions)[number];
				const d = json<{ trace: { rules?: RuleHitSeen[] } }>(await api.get(`/v1/decisions/${action.eventId}`));
				const hits = (d.trace.rules ?? []).map((h) => h.rule);
				assert.equal(hits.length, 1, `${actor}: ${JSON.stringify(hits)}`);
				const version = hits[0] === "tag_v1" ? v1 : v2;
				assert.equal(action.who, `rules:${version}`, actor);
				assert.equal(action.details.label, version === v1 ? "v1" : "v2");
				byVersion[version] = (byVersion[version] as number) + 1;
			}
			assert.ok((byVersion[v1] as number) > 0 && (byVersion[v2] as number) > 0, JSON.stringify(byVersion));
			assert.equal((byVersion[v1] as number) + (byVersion[v2] as number), total);
			// Sent after the deploy answered: all on the new version.
			assert.equal(after.length, 122);
			const text = (await api.get("/metrics")).body;
			const count = (rule: string) =>
				Number(new RegExp(`bulwark_rule_hits_total\\{rule="${rule}",outcome="fired"\\} (\\d+)`).exec(text)?.[1]);
			assert.equal(count("tag_v1") + count("tag_v2"), total);
			assert.equal(count("tag_v1"), byVersion[v1]);
		} finally {
			await api.close();
		}
	});
});

describe("what a new version brings with it", () => {
	it("counts a newly declared windowed feature from the first event after the deploy", async () => {
		const api = await open(temp(), { rules: folder(V1) });
		try {
			await send(api, "w1");
			await send(api, "w1");
			const res = await deploy(api, {
				"busy.rules":
					"feature my_posts_1h = count post.created by event.actor over 1h\n" +
					'rule busy {\n\ton post.created\n\twhen my_posts_1h[event.actor] >= 2\n\treason "busy"\n\tthen label "busy"\n}\n',
			});
			assert.equal(res.statusCode, 200, res.body);
			assert.deepEqual(json<RulesStatus>(await api.get("/v1/rules")).features, ["my_posts_1h"]);
			const first = await send(api, "w1");
			assert.deepEqual(first.trace.errors, []);
			assert.deepEqual(fired(first), [], "the window starts at the deploy: 1 post so far");
			const second = await send(api, "w1");
			const hit = second.trace.rules?.find((h) => h.rule === "busy");
			assert.equal(hit?.outcome, "fired");
			assert.equal(hit?.seen["my_posts_1h[event.actor]"], 2);
			assert.ok(api.deps.bulwark.features.get("my_posts_1h")?.version);
		} finally {
			await api.close();
		}
	});

	it("starts fresh windows for a feature whose definition changed, and keeps an unchanged one's", async () => {
		const feature = (where: string) =>
			`feature links_1h = count post.created${where} by event.actor over 1h\n` +
			'rule links {\n\ton post.created\n\twhen links_1h[event.actor] >= 1\n\treason "links"\n\tthen nudge "x"\n}\n';
		const A = { "f.rules": feature("") };
		const B = { "f.rules": feature(" where len(event.data.urls) > 0") };
		const api = await open(temp(), { rules: folder(A) });
		const seen = (a: Answer) => a.trace.rules?.find((h) => h.rule === "links")?.seen["links_1h[event.actor]"];
		try {
			assert.equal(seen(await send(api, "f1", { urls: ["https://x.test/1"] })), 1);
			assert.equal(seen(await send(api, "f1", { urls: ["https://x.test/2"] })), 2);
			assert.equal(json<DeployOutcome>(await deploy(api, B)).changed, true);
			assert.equal(seen(await send(api, "f1", { urls: ["https://x.test/3"] })), 1, "a changed definition: fresh");
			assert.equal(json<DeployOutcome>(await deploy(api, { ...B, "other.rules": tagRule("t", "t") })).changed, true);
			assert.equal(seen(await send(api, "f1", { urls: ["https://x.test/4"] })), 2, "unchanged: the same windows");
		} finally {
			await api.close();
		}
	});

	it("keeps a managed list's entries across versions and creates the lists a version adds, empty", async () => {
		const L1 = {
			"lists.rules":
				"list blocked: domains\n" +
				'rule blocked_link {\n\ton post.created\n\twhen any_in(event.data.urls, blocked)\n\treason "blocked"\n\tthen block\n}\n',
		};
		const L2 = {
			"lists.rules":
				"list blocked: domains\nlist bad_ips: ip_ranges\n" +
				'rule blocked_link_v2 {\n\ton post.created\n\twhen any_in(event.data.urls, blocked)\n\treason "blocked"\n\tthen block\n}\n' +
				'rule bad_ip {\n\ton post.created\n\twhen event.context.ip in bad_ips\n\treason "bad ip"\n\tthen block\n}\n',
		};
		const api = await open(temp(), { rules: folder(L1) });
		try {
			api.deps.bulwark.lists.upsert("blocked", "domains", [{ value: "bad.test", expiresAt: null }]);
			assert.deepEqual(fired(await send(api, "l1", { urls: ["https://bad.test/x"] })), ["blocked_link"]);
			assert.equal(json<DeployOutcome>(await deploy(api, L2)).changed, true);
			const a = await send(api, "l2", { urls: ["https://www.bad.test/y"] });
			assert.deepEqual(fired(a), ["blocked_link_v2"]);
			assert.deepEqual(a.trace.errors, []);
			assert.equal(api.deps.bulwark.lists.list("bad_ips")?.size, 0);
			assert.equal(api.deps.bulwark.lists.list("bad_ips")?.kind, "ip_ranges");
			// A version declaring a list under another kind than the one it holds is refused; the running one stays.
			const clash = await deploy(api, {
				"lists.rules":
					"list blocked: ip_ranges\n" +
					'rule r {\n\ton post.created\n\twhen event.context.ip in blocked\n\treason "r"\n\tthen block\n}\n',
			});
			assert.equal(clash.statusCode, 409, clash.body);
			assert.deepEqual(fired(await send(api, "l3", { urls: ["https://bad.test/z"] })), ["blocked_link_v2"]);
		} finally {
			await api.close();
		}
	});
});
