#!/usr/bin/env -S node --max-semi-space-size=64
// The `bulwark` command. It runs the compiled code in dist/ (made by `npm ci` through the
// `prepare` script, or `npm run build`) when that build is newer than every source file, and the
// TypeScript sources through tsx's loader otherwise, so an edited source is never shadowed by a
// stale build. tsx is not free on the event path (measured 15-35% more CPU per event: its
// transform keeps function names by wrapping closures as they are made), hence the build.
// BULWARK_FROM_SOURCE=1 forces the sources.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;

/** True when dist/ holds a build started after the last change to any non-test source file. */
function buildIsFresh() {
	if (process.env.BULWARK_FROM_SOURCE === "1") return false;
	let started;
	try {
		started = Number(readFileSync(join(root, "dist", ".built"), "utf8").trim());
	} catch {
		return false;
	}
	if (!Number.isFinite(started)) return false;
	const newer = (dir) => {
		for (const e of readdirSync(dir, { withFileTypes: true })) {
			const p = join(dir, e.name);
			if (e.isDirectory()) {
				if (newer(p)) return true;
			} else if (e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") && statSync(p).mtimeMs > started) return true;
		}
		return false;
	};
	return !newer(join(root, "src"));
}

let main;
if (buildIsFresh()) {
	({ main } = await import("../dist/src/cli/main.js"));
} else {
	const { register } = await import("tsx/esm/api");
	register();
	({ main } = await import("../src/cli/main.ts"));
}
process.exitCode = await main(process.argv.slice(2));
