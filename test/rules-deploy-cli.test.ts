// `bulwark rules deploy | versions | rollback` against a running `bulwark serve`, and the server
// keeping the deployed version across a restart.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { api, BIN, ROOT, type Server, startServer, TEST_KEY, tempDir } from "./helpers.ts";

const dir = tempDir("bulwark-deploy-cli-");
after(() => dir.remove());

/** Runs the CLI without blocking the event loop (the server under test is a child of this process too). */
function cli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
	return new Promise((resolve) => {
		const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, BULWARK_API_KEY: "" } });
		let out = "";
		let err = "";
		child.stdout.on("data", (d) => {
			out += d;
		});
		child.stderr.on("data", (d) => {
			err += d;
		});
		child.on("close", (code) => resolve({ code, out, err }));
	});
}

function pack(name: string, files: Record<string, string>): string {
	const p = join(dir.path, name);
	for (const [file, text] of Object.entries(files)) {
		mkdirSync(join(p, file, ".."), { recursive: true });
		writeFileSync(join(p, file), text);
	}
	return p;
}

const T = 1_800_000_000_000;
let n = 0;
const postBy = (actor: string) => ({
	id: `cli-${++n}`,
	type: "post.created",
	ts: T + n,
	actor,
	data: { postId: `cp-${n}`, text: "hello" },
});
const rule = (name: string) => `rule ${name} {\n\ton post.created\n\treason "${name}"\n\tthen nudge "${name}"\n}\n`;

describe("bulwark rules deploy, versions, rollback", () => {
	const data = join(dir.path, "data");
	const good = pack("good", { "a.rules": rule("from_cli"), "sub/b.rules": rule("from_cli_too") });
	const broken = pack("broken", {
		"a.rules": "rule r {\n\ton post.created\n\twhen nope_1h[event.actor] > 1\n\tthen block\n}\n",
	});
	let server: Server;
	const remote = () => ["--server", server.url, "--api-key", TEST_KEY];
	const reasons = async (actor: string) =>
		(await api<{ reasons: string[] }>(server.url, "POST", "/v1/events", postBy(actor))).body.reasons;

	it("deploys a folder to a running server: the next event runs it", async () => {
		server = await startServer(data);
		const r = await cli(["rules", "deploy", good, ...remote(), "-m", "nudge from the CLI"]);
		assert.equal(r.code, 0, r.out + r.err);
		assert.match(
			r.out,
			/^deployed version [0-9a-f]{12} \(deploy #2, 2 rules, compiled in [\d.]+ ms\); it replaces [0-9a-f]{12}\n$/,
		);
		assert.deepEqual((await reasons("u1")).sort(), ["from_cli: from_cli", "from_cli_too: from_cli_too"]);

		const again = await cli(["rules", "deploy", good, ...remote(), "-m", "again", "--json"]);
		assert.equal(again.code, 0, again.err);
		assert.equal(JSON.parse(again.out).changed, false);
	});

	it("refuses a broken folder, printing each diagnostic with its line; exit 1", async () => {
		const r = await cli(["rules", "deploy", broken, ...remote(), "-m", "broken"]);
		assert.equal(r.code, 1);
		assert.match(
			r.err,
			/^refused \(400\): version [0-9a-f]{12} does not compile \(1 error\); version [0-9a-f]{12} keeps running\n/,
		);
		assert.match(r.err, /\na\.rules:3:7 error R2003: unknown feature `nope_1h`.*\n {4}3 \| {2}when nope_1h/);
		assert.deepEqual((await reasons("u2")).sort(), ["from_cli: from_cli", "from_cli_too: from_cli_too"]);

		const j = await cli(["rules", "deploy", broken, ...remote(), "-m", "broken", "--json"]);
		assert.equal(j.code, 1);
		assert.equal(JSON.parse(j.out).status, 400);
		const noMessage = await cli(["rules", "deploy", good, ...remote()]);
		assert.equal(noMessage.code, 1);
		assert.match(noMessage.err, /-m "MESSAGE"/);
	});

	it("lists the versions as a table and as JSON, and rolls back", async () => {
		const table = await cli(["rules", "versions", ...remote()]);
		assert.equal(table.code, 0, table.err);
		assert.match(table.out, /deploy\s+version\s+kind\s+author\s+when\s+message/);
		assert.match(table.out, /\*\s+#2\s+[0-9a-f]{12}\s+deploy\s+env\s+\S+Z\s+nudge from the CLI/);
		assert.match(table.out, /#1\s+[0-9a-f]{12}\s+folder\s+system/);

		const j = JSON.parse((await cli(["rules", "versions", ...remote(), "--json"])).out) as {
			versions: { seq: number; version: string; active: boolean }[];
		};
		assert.deepEqual(
			j.versions.map((v) => [v.seq, v.active]),
			[
				[2, true],
				[1, false],
			],
		);
		const first = j.versions[1]?.version as string;
		const r = await cli(["rules", "rollback", first, ...remote(), "-m", "back to the package's pack"]);
		assert.equal(r.code, 0, r.out + r.err);
		assert.match(r.out, new RegExp(`^rolled back to version ${first} \\(deploy #3, `));
		assert.deepEqual(await reasons("u3"), []);
		const missing = await cli(["rules", "rollback", "0123456789ab", ...remote(), "-m", "x"]);
		assert.equal(missing.code, 1);
		assert.match(missing.err, /refused \(404\)/);
	});

	it("runs the deployed version after a restart, saying it came from the database", async () => {
		const deployed = await cli(["rules", "deploy", good, ...remote(), "-m", "once more", "--json"]);
		const version = JSON.parse(deployed.out).version as string;
		assert.equal(await server.stop(), 0);
		server = await startServer(data);
		try {
			assert.match(
				server.stderr(),
				new RegExp(
					`rules: 2 rules, 0 features, 0 lists from the database \\(deploy #4 by env at \\S+: "once more"\\) \\(version ${version}\\)`,
				),
			);
			assert.deepEqual((await reasons("u4")).sort(), ["from_cli: from_cli", "from_cli_too: from_cli_too"]);
			const metrics = await (await fetch(`${server.url}/metrics`)).text();
			assert.match(metrics, new RegExp(`bulwark_rules_loaded\\{version="${version}"\\} 2\\n`));
		} finally {
			await server.stop();
		}
	});
});
