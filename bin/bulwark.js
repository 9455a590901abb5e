#!/usr/bin/env -S node --max-semi-space-size=64
// The `bulwark` command. TypeScript runs through tsx's loader (a runtime dependency), so the
// package needs no build step; only start-up pays for it, not the event path.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
