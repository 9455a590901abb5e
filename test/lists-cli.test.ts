// `bulwark lists` against a running server (--target) and on a data folder (--data): add,
// import (plain and CSV, with --replace), show, check, remove; the event path sees each change.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { api, BIN, startServer, TEST_KEY, tempDir } from "./helpers.ts";

const dir = tempDir();
after(() => dir.remove());

function cli(args: string[]) {
	const r = spawnSync(process.execPath, [BIN, "lists", ...args], { encoding: "utf8", timeout: 60_000 });
	return { code: r.status, out: r.stdout, err: r.stderr };
}

function json<T>(r: { code: number | null; out: string; err: string }, code = 0): T {
	assert.equal(r.code, code, r.err);
	return JSON.parse(r.out) as T;
}

let n = 0;
async function verdict(url: string, ip: string): Promise<string> {
	n++;
	const e = {
		id: `lc-${n}`,
		type: "post.created",
		// Now: entries expire by the wall clock, and lookups use the event's time.
		ts: Date.now(),
		actor: `a${n}`,
		data: { postId: `p${n}`, text: "hi" },
		context: { ip },
	};
	const res = await api<{ verdict: string }>(url, "POST", "/v1/events", e);
	assert.equal(res.status, 200);
	return res.body.verdict;
}

describe("bulwark lists", () => {
	const rules = join(dir.path, "rules");
	mkdirSync(rules);
	writeFileSync(
		join(rules, "x.rules"),
		'list bad_ips: ip_ranges\nrule bad_ip { on post.created when event.context.ip in bad_ips then block reason "bad ip" }\n',
	);

	it("manages a server's lists: the next event sees each change", async () => {
		const server = await startServer(join(dir.path, "data"), {}, { args: ["--rules", rules] });
		const remote = (...args: string[]) => cli([...args, "--target", server.url, "--api-key", TEST_KEY]);
		try {
			assert.equal(await verdict(server.url, "185.7.13.9"), "allow");
			const added = json<{ written: number; size: number }>(
				remote("add", "bad_ips", "185.7.0.0/16", "10.1.2.3", "--ttl", "7d", "--reason", "botnet", "--json"),
			);
			assert.deepEqual([added.written, added.size], [2, 2]);
			assert.equal(await verdict(server.url, "185.7.13.9"), "deny");

			const yes = remote("check", "bad_ips", "185.7.200.1");
			assert.equal(yes.code, 0, yes.err);
			assert.match(
				yes.out,
				/185\.7\.200\.1 is in bad_ips: 185\.7\.0\.0\/16 \(added .* by apikey:\S+: botnet, expires /,
			);
			assert.equal(remote("check", "bad_ips", "8.8.8.8").code, 1, "exit 1 when it does not match, as grep");

			const table = remote();
			assert.equal(table.code, 0, table.err);
			assert.match(table.out, /bad_ips\s+ip_ranges\s+2\s+yes\s+yes/);

			// An import with bad lines sends nothing and names the lines of the file.
			const bad = join(dir.path, "bad.txt");
			writeFileSync(bad, "# bad ranges\n1.2.3.0/24\nnot-an-ip\n");
			const refused = remote("import", "bad_ips", bad);
			assert.equal(refused.code, 1);
			assert.match(refused.err, new RegExp(`${bad}:3: .not-an-ip. is not an IP address`));

			// A CSV import replacing the whole list, with a progress bar on stderr.
			const csv = join(dir.path, "ips.csv");
			const rows = Array.from({ length: 5_000 }, (_, i) => `172.16.${i >> 8}.${i & 255},${i % 2 ? "30d" : ""}`);
			writeFileSync(csv, `value,expiresAt\n${rows.join("\n")}\n"192.0.2.0/24",2099-01-01\n`);
			const imported = remote("import", "bad_ips", csv, "--replace", "--reason", "weekly feed", "--json");
			const r = json<{ written: number; size: number; replaced: boolean }>(imported);
			assert.deepEqual([r.written, r.size, r.replaced], [5_001, 5_001, true]);
			assert.match(imported.err, /entries/, "progress on stderr");
			assert.equal(await verdict(server.url, "185.7.13.9"), "allow", "replaced away");
			assert.equal(await verdict(server.url, "192.0.2.77"), "deny");

			const page = json<{ entries: { key: string; expiresAt: number | null }[]; next: string | null }>(
				remote("show", "bad_ips", "--prefix", "192.", "--json"),
			);
			assert.deepEqual(
				page.entries.map((e) => [e.key, e.expiresAt]),
				[["192.0.2.0/24", Date.parse("2099-01-01")]],
			);

			const removed = json<{ removed: number; missing: string[] }>(
				remote("remove", "bad_ips", "192.0.2.1/24", "9.9.9.9", "--json"),
			);
			assert.deepEqual([removed.removed, removed.missing], [1, ["9.9.9.9"]]);
			assert.equal(await verdict(server.url, "192.0.2.77"), "allow");

			const log = await api<{ actions: { kind: string; reason: string }[] }>(server.url, "GET", "/v1/actions?limit=3");
			assert.deepEqual(
				log.body.actions.map((a) => [a.kind, a.reason]),
				[
					["list.remove", ""],
					["list.replace", "weekly feed"],
					["list.put", "botnet"],
				],
			);
		} finally {
			assert.equal(await server.stop(), 0);
		}
	});

	it("changes a data folder's lists in-process, audited as cli:<user>, kept for the next start", async () => {
		const data = join(dir.path, "local");
		const local = (...args: string[]) => cli([...args, "--data", data]);
		const made = json<{ kind: string; size: number }>(
			local("add", "spam_hashes", "ABCDEF0123456789", "--kind", "hashes", "--json"),
		);
		assert.deepEqual([made.kind, made.size], ["hashes", 1]);
		const conflict = local("add", "spam_hashes", "example.com", "--kind", "domains");
		assert.equal(conflict.code, 1);
		assert.match(conflict.err, /holds hashes, not domains/);
		const page = json<{ kind: string; size: number; declared: boolean; entries: { key: string; addedBy: string }[] }>(
			local("show", "spam_hashes", "--json"),
		);
		assert.deepEqual([page.kind, page.size, page.declared], ["hashes", 1, false]);
		assert.deepEqual(
			page.entries.map((e) => e.key),
			["abcdef0123456789"],
		);
		assert.match(page.entries[0]?.addedBy ?? "", /^cli:/);
	});
});
