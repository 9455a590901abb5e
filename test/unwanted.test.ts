// The unwanted-interaction model on the event path: `--text-models unwanted` loads it with the
// text models it reads, adds the interaction features to the windows, and each reply or mention
// gets a `text.unwanted` signal judged in context (here: the same abusive reply from a stranger
// and from someone the target follows).
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { openBulwark } from "../src/app/bulwark.ts";
import { PACKAGE_MODELS_DIR } from "../src/app/config.ts";
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

let n = 0;
const ev = (type: string, actor: string, data: object, ts = T0 + ++n * 1_000) =>
	JSON.stringify({ id: `uw${++n}`, type, ts, actor, data });
const ABUSIVE = "@tee you are a pathetic idiot, shut up and go away";

const open = (textModels: string[], modelsDir = PACKAGE_MODELS_DIR) =>
	openBulwark({
		dataDir: tmp("bulwark-uw-"),
		retentionMs: 86_400_000,
		snapshotIntervalMs: 3_600_000,
		clock: new ManualClock(T0),
		timers: false,
		rules: null,
		textModels,
		modelsDir,
	});

describe("unwanted model on the event path", () => {
	it("scores the same abusive reply higher from a stranger than from someone the target follows", async () => {
		const bulwark = await open(["unwanted"]);
		try {
			assert.ok(bulwark.features.get("follows_pair") && bulwark.features.get("repliers_15m"));
			const setup = [
				ev("account.created", "tee", { handle: "tee" }, T0 - 30 * 86_400_000),
				ev("account.created", "friend", { handle: "friend" }, T0 - 30 * 86_400_000),
				ev("account.created", "stranger", { handle: "stranger" }, T0 - 30 * 86_400_000),
				ev("account.followed", "tee", { targetId: "friend" }),
				ev("post.created", "tee", { postId: "tp", text: "my new song is out" }),
			];
			for (const o of await bulwark.processor.submit(setup, { source: "t" })) assert.equal(o.status, "accepted");
			const reply = (actor: string, postId: string) =>
				ev("post.created", actor, {
					postId,
					text: ABUSIVE,
					replyTo: { postId: "tp", authorId: "tee" },
					mentions: ["tee"],
				});
			const [fromFriend, fromStranger, toNobody] = await bulwark.processor.submit(
				[
					reply("friend", "p1"),
					reply("stranger", "p2"),
					ev("post.created", "stranger", { postId: "p3", text: ABUSIVE }),
				],
				{ source: "t" },
			);
			assert.ok(
				fromFriend?.status === "accepted" && fromStranger?.status === "accepted" && toNobody?.status === "accepted",
			);
			const sig = (d: typeof fromFriend.decision) => d.trace.signals.find((s) => s.name === "text.unwanted");
			const f = sig(fromFriend.decision);
			const s = sig(fromStranger.decision);
			assert.ok(f && s, "both replies scored");
			assert.deepEqual(s.entity, { kind: "post", id: "p2" });
			assert.equal(s.evidence.stranger, 1);
			assert.equal(f.evidence.stranger, 0);
			assert.equal(s.evidence.target, "tee");
			assert.equal(s.evidence.otherRepliers15m, 1, "the friend replied a moment before");
			assert.ok(s.score > f.score, `stranger ${s.score} > friend ${f.score}`);
			assert.equal(sig(toNobody.decision), undefined, "a post to nobody is not an interaction");
			// The text models it reads are loaded but not served as signals of their own.
			assert.ok(!fromStranger.decision.trace.signals.some((x) => x.name === "text.abuse"));
			assert.deepEqual(fromStranger.decision.trace.errors, []);
			assert.ok(fromStranger.decision.trace.features.some((x) => x.feature === "follows_pair"));
		} finally {
			await bulwark.close();
		}
	});

	it("serves text.abuse beside it when named, scoring each text once per model", async () => {
		const bulwark = await open(["abuse", "unwanted"]);
		try {
			const [o] = await bulwark.processor.submit(
				[ev("post.created", "x", { postId: "q1", text: ABUSIVE, mentions: ["tee"] })],
				{ source: "t" },
			);
			assert.ok(o?.status === "accepted");
			const names = o.decision.trace.signals.map((x) => x.name);
			assert.deepEqual(names, ["text.abuse", "text.unwanted"]);
		} finally {
			await bulwark.close();
		}
	});

	it("refuses to start without the model or a text model it reads, naming the file", async () => {
		const models = tmp("bulwark-uw-models-");
		await assert.rejects(open(["unwanted"], models), (err: Error) =>
			err.message.includes(join(models, "unwanted", "model.json")),
		);
		mkdirSync(join(models, "unwanted"));
		symlinkSync(join(PACKAGE_MODELS_DIR, "unwanted", "model.json"), join(models, "unwanted", "model.json"));
		await assert.rejects(open(["unwanted"], models), (err: Error) =>
			err.message.includes(join(models, "abuse", "model.json")),
		);
	});
});
