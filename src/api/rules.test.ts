// The rules on the event path, end to end through the API on the real embedded system (SQLite,
// in-memory windows): the default pack (rules/) unless a test says otherwise.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { RuleHitSeen } from "../core/decisions/index.ts";
import { makeTestDeps } from "./test-harness.ts";
import { json, startApi, T0, type TestApi } from "./test-helpers.ts";

interface Answer {
	verdict: string;
	labels: string[];
	effects: { kind: string; entity: { kind: string; id: string }; label?: string; reason: string }[];
	reasons: string[];
	trace: {
		features: { feature: string; id: string; value: unknown }[];
		fired: string[];
		errors: string[];
		rules?: RuleHitSeen[];
	};
}
interface Actions {
	actions: { who: string; kind: string; entity: string; reason: string; details: Record<string, unknown> }[];
}

let n = 0;
/** A post.created event; `data` fields override the defaults. */
function post(actor: string, ts: number, data: Record<string, unknown> = {}, ip = "203.0.113.7") {
	n++;
	return {
		id: `r-${n}`,
		type: "post.created",
		ts,
		actor,
		data: { postId: `rp-${n}`, text: "hello", ...data },
		context: { ip },
	};
}

/** Trips spam_post (rules/spam.rules): a link, two spam phrases, two spam hashtags. */
const spamPost = (actor: string, ts = T0) =>
	post(actor, ts, {
		text: "free giveaway, claim now at https://win.test/x",
		urls: ["https://win.test/x"],
		hashtags: ["giveaway", "crypto"],
	});

const hit = (a: Answer, rule: string) => a.trace.rules?.find((h) => h.rule === rule);

describe("rules on the event path (default pack)", () => {
	let api: TestApi;
	let who: string;
	before(async () => {
		api = await startApi();
		who = String(api.deps.bulwark.rules.current()?.who);
	});
	after(() => api.close());

	it("audits rule effects as rules:<version of the pack>", () => {
		assert.match(who, /^rules:[0-9a-f]{12}$/);
	});

	it("gives a spam post the rule's verdict and effects, with the hit in the trace and the audit log", async () => {
		const e = spamPost("spammer1");
		const res = await api.post("/v1/events?trace=1", e);
		assert.equal(res.statusCode, 200);
		const a = json<Answer>(res);
		assert.equal(a.verdict, "challenge");
		assert.deepEqual(a.reasons, ["spam_post: a link with spam wording and spam hashtags"]);
		assert.deepEqual(
			a.effects.map((x) => `${x.kind} ${x.entity.kind}:${x.entity.id}`),
			[`label.add post:${e.data.postId}`, `visibility.limit post:${e.data.postId}`, "challenge account:spammer1"],
		);
		const h = hit(a, "spam_post");
		assert.equal(h?.outcome, "fired");
		assert.match(String(h?.at), /^rules\/spam\.rules:\d+$/);
		assert.equal(h?.seen.spam_wording, 3, JSON.stringify(h?.seen));
		assert.ok(a.trace.fired.includes("spam_post"));
		assert.deepEqual(a.trace.errors, []);

		const post = json<{ labels: { label: string; by: string; active: boolean }[] }>(
			await api.get(`/v1/entities/post/${e.data.postId}`),
		);
		assert.ok(post.labels.some((l) => l.label === "spam" && l.active && l.by === who));
		const log = json<Actions>(await api.get(`/v1/actions?entity=post:${e.data.postId}`));
		assert.deepEqual(
			log.actions.map((x) => `${x.who} ${x.kind} ${x.details.label}`).sort(),
			["limit:recommendations", "limit:search", "limit:trends", "spam"].map((l) => `${who} label.add ${l}`),
		);
		assert.ok(log.actions.every((x) => x.reason.startsWith("spam_post: ")));
	});

	it("labels a repeat link spammer on the fifth post in an hour, showing the window value it read", async () => {
		const send = (i: number) =>
			api.post(
				"/v1/events?trace=1",
				post("linkbot", T0 + i * 60_000, {
					text: `free stuff ${i} https://x.test/${i}`,
					urls: [`https://x.test/${i}`],
				}),
			);
		for (let i = 1; i <= 4; i++) {
			const a = json<Answer>(await send(i));
			assert.equal(hit(a, "spam_link_burst"), undefined, `post ${i} does not fire`);
			assert.deepEqual(a.labels, []);
		}
		const a = json<Answer>(await send(5));
		const h = hit(a, "spam_link_burst");
		assert.equal(h?.outcome, "fired");
		assert.equal(h?.seen["link_posts_1h[event.actor]"], 5);
		assert.ok(a.trace.features.some((f) => f.feature === "link_posts_1h" && f.id === "linkbot" && f.value === 5));
		assert.deepEqual(a.labels.sort(), ["limit:recommendations", "limit:replies", "limit:search", "spam"]);

		const log = json<Actions>(await api.get("/v1/actions?entity=account:linkbot"));
		assert.ok(log.actions.length >= 2);
		assert.ok(log.actions.every((x) => x.who === who && x.reason.startsWith("spam_link_burst: ")));
		const cases = json<{ cases: { entity: string; queue: string }[] }>(await api.get("/v1/review/cases?queue=spam"));
		assert.ok(cases.cases.some((c) => c.entity === "account:linkbot"));
	});

	it("records a shadow rule's hit with what it saw and applies nothing", async () => {
		// Five accounts posting links from one /24 within the hour: botnet_subnet, in shadow.
		let a: Answer | undefined;
		for (let i = 1; i <= 5; i++) {
			const e = post(`dc${i}`, T0 + i * 1_000, { text: "look", urls: [`https://ok.test/${i}`] }, `198.51.100.${i}`);
			a = json<Answer>(await api.post("/v1/events?trace=1", e));
		}
		assert.ok(a);
		const h = hit(a, "botnet_subnet");
		assert.equal(h?.outcome, "shadow");
		assert.equal(h?.seen["link_posters_per_subnet_1h[ip_prefix(event.context.ip, 24)]"], 5, JSON.stringify(h?.seen));
		assert.deepEqual(
			h?.effects.map((x) => x.kind),
			["label.add", "review.open"],
			"what it would have done",
		);
		assert.ok(a.trace.fired.includes("botnet_subnet (shadow)"));
		assert.equal(a.verdict, "allow");
		assert.deepEqual(a.effects, []);
		assert.deepEqual(a.labels, []);
		assert.deepEqual(json<Actions>(await api.get("/v1/actions?entity=account:dc5")).actions, []);
	});

	it("counts hits per rule and outcome in /metrics, every rule of the pack listed", async () => {
		const text = (await api.get("/metrics")).body;
		assert.match(text, /bulwark_rule_hits_total\{rule="spam_post",outcome="fired"\} 1\n/);
		assert.match(text, /bulwark_rule_hits_total\{rule="botnet_subnet",outcome="shadow"\} 1\n/);
		assert.match(text, /bulwark_rule_hits_total\{rule="pile_on",outcome="fired"\} 0\n/);
		assert.match(text, /bulwark_rule_errors_total\{rule="spam_post"\} 0\n/);
		assert.match(text, /bulwark_rule_effects_total\{rule="spam_post",kind="label.add"\} 1\n/);
		assert.match(text, /bulwark_rule_evaluations_total\{rule="spam_post"\} [1-9]\d*\n/);
		assert.match(text, /bulwark_rule_cost_seconds_total\{rule="spam_post"\} [\d.e-]+\n/);
		assert.match(text, new RegExp(`bulwark_rules_loaded\\{version="${who.slice(6)}"\\} \\d+\\n`));
	});
});

describe("rules on the event path (other packs)", () => {
	it("with no rules (--rules none) the same spam post is allowed by the built-in policy", async () => {
		const api = await startApi({}, await makeTestDeps({ rules: null }));
		try {
			assert.equal(api.deps.bulwark.rules.current(), undefined);
			const a = json<Answer>(await api.post("/v1/events?trace=1", spamPost("spammer2")));
			assert.equal(a.verdict, "allow");
			assert.deepEqual(a.effects, []);
			assert.equal(a.trace.rules, undefined);
			assert.doesNotMatch((await api.get("/metrics")).body, /bulwark_rule_hits_total\{/);
		} finally {
			await api.close();
		}
	});

	it("keeps a rule's failure in the trace and still decides the event", async () => {
		const dir = mkdtempSync(join(tmpdir(), "bulwark-rules-"));
		writeFileSync(
			join(dir, "x.rules"),
			[
				"## label_age without a has_label guard: errored for an account without the label.",
				"rule unguarded {",
				"\ton post.created",
				'\twhen label_age(event.actor, "spam") > 1h',
				'\tthen label "old_spammer"',
				"}",
				"list blocked_domains: domains",
				"rule blocked_link {",
				"\ton post.created",
				"\twhen any_in(event.data.urls, blocked_domains)",
				'\tthen block reason "blocked domain"',
				"}",
				'rule always { on post.created then nudge "hi" }',
			].join("\n"),
		);
		const api = await startApi({}, await makeTestDeps({ rules: dir }));
		try {
			const res = await api.post("/v1/events?trace=1", post("plain", T0, { urls: ["https://a.test/"] }));
			assert.equal(res.statusCode, 200);
			const a = json<Answer>(res);
			assert.equal(hit(a, "unguarded")?.outcome, "errored");
			assert.match(String(hit(a, "unguarded")?.error), /spam/);
			assert.ok(a.trace.errors.some((x) => x.startsWith("rule unguarded: ")));
			// A list managed outside the files exists (empty) from the start: no error, no match.
			assert.equal(hit(a, "blocked_link"), undefined);
			assert.equal(hit(a, "always")?.outcome, "fired");
			assert.equal(a.verdict, "nudge");
			const text = (await api.get("/metrics")).body;
			assert.match(text, /bulwark_rule_errors_total\{rule="unguarded"\} 1\n/);
			assert.match(text, /bulwark_rule_hits_total\{rule="unguarded",outcome="errored"\} 1\n/);

			// Lists filled at run time are read by the next event.
			api.deps.bulwark.lists?.upsert("blocked_domains", "domains", [{ value: "a.test", expiresAt: null }]);
			const b = json<Answer>(
				await api.post("/v1/events?trace=1", post("plain", T0 + 1, { urls: ["https://a.test/"] })),
			);
			assert.equal(hit(b, "blocked_link")?.outcome, "fired");
			assert.equal(b.verdict, "deny");
		} finally {
			await api.close();
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
