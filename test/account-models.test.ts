// The bot model on the event path: `--account-models bot` loads models/bot at start (refusing a
// missing, damaged or unknown one), signups, profile changes and the 8th, 16th, ... post become
// an `account.bot` signal in the trace, and rules read it with score().
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { openBulwark } from "../src/app/bulwark.ts";
import { loadConfig, PACKAGE_MODELS_DIR } from "../src/app/config.ts";
import type { Decision } from "../src/core/decisions/index.ts";
import { ManualClock } from "../src/core/shared/index.ts";

const T0 = 1_800_000_000_000;
const dirs: string[] = [];
const tmp = (prefix: string) => {
	const d = mkdtempSync(join(tmpdir(), prefix));
	dirs.push(d);
	return d;
};
after(() => {
	for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const open = (over: Partial<Parameters<typeof openBulwark>[0]> = {}) =>
	openBulwark({
		dataDir: tmp("bulwark-am-"),
		retentionMs: 86_400_000,
		snapshotIntervalMs: 3_600_000,
		timers: false,
		rules: null,
		clock: new ManualClock(T0),
		accountModels: ["bot"],
		modelsDir: PACKAGE_MODELS_DIR,
		...over,
	});

let n = 0;
const ev = (type: string, actor: string, data: Record<string, unknown>, ts = T0 + ++n) =>
	JSON.stringify({ id: `am${++n}`, type, ts, actor, data });
const botSignal = (d: Decision) => d.trace?.signals.find((s) => s.name === "account.bot");

describe("account models", () => {
	it("serves none by default; the flag and the environment name them", () => {
		assert.deepEqual(loadConfig({}, {}).accountModels, []);
		assert.deepEqual(loadConfig({ "account-models": "bot" }, {}).accountModels, ["bot"]);
		assert.deepEqual(loadConfig({}, { BULWARK_ACCOUNT_MODELS: "bot" }).accountModels, ["bot"]);
	});

	it("refuses an unknown model, and a damaged one naming the file, before the start", async () => {
		await assert.rejects(open({ accountModels: ["bots"] }), /account model "bots".*unknown \(known: bot\)/);
		const models = tmp("bulwark-am-models-");
		cpSync(join(PACKAGE_MODELS_DIR, "bot"), join(models, "bot"), { recursive: true });
		writeFileSync(join(models, "bot", "forest.bin"), Buffer.alloc(64));
		await assert.rejects(open({ modelsDir: models }), (err: Error) =>
			err.message.startsWith('account model "bot" (--account-models): '),
		);
	});

	it("scores a signup and a profile change, and rescores at the 8th post", async () => {
		const bw = await open();
		try {
			const submit = async (raw: string) => {
				const [out] = await bw.processor.submit([raw], { source: "t" });
				assert.ok(out?.status === "accepted", JSON.stringify(out));
				return out.decision;
			};
			const signup = botSignal(
				await submit(ev("account.created", "u1", { handle: "jane_doe", displayName: "Jane Doe", bio: "runner" })),
			);
			assert.ok(signup, "a signup is scored");
			assert.ok(signup.score >= 0 && signup.score <= 1);
			assert.deepEqual(signup.entity, { kind: "account", id: "u1" });
			assert.equal(typeof signup.evidence?.threshold, "number");
			const update = botSignal(await submit(ev("account.updated", "u1", { changes: { bio: "runner, reader" } })));
			assert.ok(update, "a profile change is scored");
			const scored: number[] = [];
			for (let i = 1; i <= 9; i++) {
				const d = await submit(ev("post.created", "u1", { postId: `amp${i}`, text: `post ${i}` }));
				if (botSignal(d)) scored.push(i);
			}
			assert.deepEqual(scored, [8], "posts are scored again at the 8th (then 16th, 32nd, ...)");
			// An account whose handle was never seen (created elsewhere, before the windows) is not scored.
			assert.equal(botSignal(await submit(ev("account.updated", "ghost", { changes: { bio: "hi" } }))), undefined);
		} finally {
			await bw.close();
		}
	});
});
