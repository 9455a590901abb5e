// Compiles src/ to dist/ (run by `npm ci` / `npm install` through the `prepare` script, and by
// `npm run build`). bin/bulwark.js runs the compiled code when dist/ is at least as new as every
// file under src/, and the TypeScript sources through tsx otherwise, so a stale or missing build
// is never run. Without TypeScript installed (a production install without dev dependencies)
// it skips the build: the command then runs through tsx, only slower.
import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
let tsc;
try {
	tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
} catch {
	console.error("build: typescript is not installed; bulwark will run its sources through tsx");
	process.exit(0);
}
const started = Date.now();
rmSync(join(root, "dist"), { recursive: true, force: true });
const r = spawnSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { stdio: "inherit" });
if (r.status !== 0) {
	rmSync(join(root, "dist"), { recursive: true, force: true });
	console.error("build: tsc failed; bulwark will run its sources through tsx");
	process.exit(r.status ?? 1);
}
// The time the build started: a source file changed after it makes the build stale.
writeFileSync(join(root, "dist", ".built"), `${started}\n`);
console.error(`build: src/ compiled to dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
