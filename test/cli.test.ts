import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { BIN, postEvent, startServer, TEST_KEY, tempDir } from "./helpers.ts";

const T0 = 1_800_000_000_000;

function cli(args: string[], env: Record<string, string> = {}) {
	const r = spawnSync(process.execPath, [BIN, ...args], {
		encoding: "utf8",
		env: { ...process.env, ...env },
		timeout: 60_000,
	});
	return { code: r.status, out: r.stdout, err: r.stderr };
}

function writeEvents(file: string, lines: string[]): void {
	writeFileSync(file, `${lines.join("\n")}\n`);
}

describe("bulwark CLI", () => {
	const dir = tempDir();
	after(() => dir.remove());
	const data = join(dir.path, "data");
	const file = join(dir.path, "events.ndjson");
	const events = Array.from({ length: 25 }, (_, i) => JSON.stringify(postEvent("cli-user", T0 + i * 1_000)));
	writeEvents(file, [...events.slice(0, 10), "", '{"id":"bad","type":"post.created"}', ...events.slice(10)]);

	it("prints help and refuses unknown commands", () => {
		assert.match(cli(["help"]).out, /ingest FILE/);
		const r = cli(["frobnicate"]);
		assert.equal(r.code, 2);
		assert.match(r.err, /unknown command/);
	});

	it("creates and lists keys, showing a new key once", () => {
		const made = cli(["keys", "create", "--name", "ops", "--data", data, "--json"]);
		assert.equal(made.code, 0, made.err);
		const key = JSON.parse(made.out) as { id: string; name: string; key: string };
		assert.match(key.key, /^bwk_/);
		const listed = cli(["keys", "list", "--data", data, "--json"]);
		const keys = JSON.parse(listed.out) as { id: string; name: string }[];
		assert.deepEqual(
			keys.map((k) => k.name),
			["ops"],
		);
		assert.doesNotMatch(listed.out, new RegExp(key.key), "a listing never shows the key");
		assert.doesNotMatch(listed.out, /hash/);
	});

	it("ingests a file in-process, reporting rejected lines with their line numbers", () => {
		const r = cli(["ingest", file, "--data", data, "--json", "--batch", "7"]);
		assert.equal(r.code, 1, "a rejected line makes the exit code non-zero");
		const s = JSON.parse(r.out) as {
			accepted: number;
			rejected: number;
			lines: number;
			verdicts: Record<string, number>;
			firstProblems: { line: number; pointer: string }[];
		};
		assert.equal(s.accepted, 25);
		assert.equal(s.rejected, 1);
		assert.equal(s.lines, 27);
		assert.equal(s.firstProblems[0]?.line, 12, "the bad line is line 12 of the file (after a blank line)");
		assert.ok((s.verdicts.nudge ?? 0) >= 1, "25 posts in 25 s trip the velocity floor");
		assert.match(r.err, /events/, "progress goes to stderr");
	});

	it("shows an entity from the data folder, as a table and as JSON", () => {
		const json = cli(["entity", "account", "cli-user", "--data", data, "--json"]);
		assert.equal(json.code, 0, json.err);
		const view = JSON.parse(json.out) as { features: Record<string, unknown>; labels: { label: string }[] };
		assert.equal(view.features.posts_5m, 25);
		assert.ok(view.labels.some((l) => l.label === "velocity"));
		const text = cli(["entity", "account", "cli-user", "--data", data]);
		assert.match(text.out, /features \(as of/);
		assert.match(text.out, /posts_5m\s+25/);
		assert.equal(cli(["entity", "account", "nobody", "--data", data]).code, 1);
	});

	it("ingests into a running server, where repeats are answered as duplicates", async () => {
		const server = await startServer(join(dir.path, "server-data"));
		try {
			const r = spawnSync(
				process.execPath,
				[BIN, "ingest", file, "--target", server.url, "--api-key", TEST_KEY, "--json"],
				{ encoding: "utf8" },
			);
			const s = JSON.parse(r.stdout) as { accepted: number; rejected: number };
			assert.equal(s.accepted, 25);
			assert.equal(s.rejected, 1);
			const again = spawnSync(
				process.execPath,
				[BIN, "ingest", file, "--target", server.url, "--api-key", TEST_KEY, "--json"],
				{ encoding: "utf8" },
			);
			const s2 = JSON.parse(again.stdout) as { accepted: number; duplicates: number };
			assert.equal(s2.accepted, 0);
			assert.equal(s2.duplicates, 25);
			const bad = spawnSync(process.execPath, [BIN, "ingest", file, "--target", server.url, "--api-key", "bwk_wrong"], {
				encoding: "utf8",
			});
			assert.equal(bad.status, 1);
			assert.match(bad.stderr, /401/);
			const view = spawnSync(
				process.execPath,
				[BIN, "entity", "account", "cli-user", "--target", server.url, "--api-key", TEST_KEY, "--json"],
				{ encoding: "utf8" },
			);
			assert.equal((JSON.parse(view.stdout) as { features: { posts_5m: number } }).features.posts_5m, 25);
		} finally {
			await server.stop();
		}
	});

	it("refuses to write a data folder a live server holds", async () => {
		const held = join(dir.path, "held");
		const server = await startServer(held);
		try {
			const r = cli(["ingest", file, "--data", held]);
			assert.equal(r.code, 1);
			assert.match(r.err, /another bulwark process/);
		} finally {
			await server.stop();
		}
	});
});
