// Runs every *.test.ts under src/ and test/ with node:test through tsx.
// Node 20 does not expand globs, so the files are listed here. Pass paths to run a subset.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function find(dir, out = []) {
	let names;
	try {
		names = readdirSync(dir);
	} catch {
		return out;
	}
	for (const name of names) {
		if (name === "node_modules" || name.startsWith(".")) continue;
		const p = join(dir, name);
		if (statSync(p).isDirectory()) find(p, out);
		else if (name.endsWith(".test.ts")) out.push(p);
	}
	return out;
}

const args = process.argv.slice(2);
const files = (args.length ? args : ["src", "test"]).flatMap((p) => (p.endsWith(".ts") ? [p] : find(p))).sort();
if (files.length === 0) {
	console.error("no test files found");
	process.exit(1);
}
const r = spawnSync(
	process.execPath,
	["--import", "tsx", "--test", "--test-concurrency=2", "--test-timeout=120000", ...files],
	{ stdio: "inherit" },
);
process.exit(r.status ?? 1);
