// `bulwark serve` and its rules: the package's pack by default (found from the package, not the
// working directory), `--rules none`, and a pack that does not compile refusing the start.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { api, startServer, tempDir } from "./helpers.ts";

const dirs: { remove(): void }[] = [];
after(() => {
	for (const d of dirs) d.remove();
});
function temp() {
	const d = tempDir();
	dirs.push(d);
	return d.path;
}

const T = 1_800_000_000_000;
/** Trips spam_post (rules/spam.rules): a link, spam wording, spam hashtags. */
const spamPost = (id: string) => ({
	id,
	type: "post.created",
	ts: T,
	actor: `actor-${id}`,
	data: {
		postId: `post-${id}`,
		text: "free giveaway, claim now at https://win.test/x",
		urls: ["https://win.test/x"],
		hashtags: ["giveaway", "crypto"],
	},
});

describe("bulwark serve with rules", () => {
	it("runs the package's rules/ by default, from any working directory, and audits as rules:<version>", async () => {
		const server = await startServer(join(temp(), "data"), {}, { cwd: temp() });
		try {
			assert.match(
				server.stderr(),
				/rules: \d+ rules, \d+ features, \d+ lists from \S+\/rules \(version [0-9a-f]{12}\)/,
			);
			const res = await api<{ verdict: string; reasons: string[] }>(server.url, "POST", "/v1/events", spamPost("s1"));
			assert.equal(res.status, 200);
			assert.equal(res.body.verdict, "challenge");
			const log = await api<{ actions: { who: string }[] }>(server.url, "GET", "/v1/actions?entity=post:post-s1");
			assert.ok(log.body.actions.length > 0);
			assert.ok(log.body.actions.every((a) => /^rules:[0-9a-f]{12}$/.test(a.who)));
			const metrics = await (await fetch(`${server.url}/metrics`)).text();
			assert.match(metrics, /bulwark_rule_hits_total\{rule="spam_post",outcome="fired"\} 1\n/);
		} finally {
			assert.equal(await server.stop(), 0);
		}
	});

	it("allows the same event with --rules none", async () => {
		const server = await startServer(join(temp(), "data"), {}, { args: ["--rules", "none"] });
		try {
			const res = await api<{ verdict: string; effects: unknown[] }>(server.url, "POST", "/v1/events", spamPost("s2"));
			assert.equal(res.body.verdict, "allow");
			assert.deepEqual(res.body.effects, []);
		} finally {
			await server.stop();
		}
	});

	it("refuses to start when the pack does not compile, printing each diagnostic", async () => {
		const rules = join(temp(), "broken");
		mkdirSync(rules);
		writeFileSync(
			join(rules, "bad.rules"),
			"rule r {\n\ton post.created\n\twhen login_fails_1h[event.actor] > 5\n\tthen block\n}\n",
		);
		await assert.rejects(startServer(join(temp(), "data"), { BULWARK_RULES: rules }), (err: Error) => {
			assert.match(err.message, /server exited with 1/);
			assert.match(err.message, /bad\.rules:3:\d+ error R\d{4}: unknown feature `login_fails_1h`/);
			return true;
		});
	});
});
