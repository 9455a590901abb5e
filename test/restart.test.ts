import assert from "node:assert/strict";
import { existsSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { openBulwark } from "../src/app/bulwark.ts";
import { ManualClock } from "../src/core/shared/index.ts";
import { postEvent, tempDir } from "./helpers.ts";

const T0 = 1_800_000_000_000;
const open = (dir: string, log?: (m: string) => void) =>
	openBulwark({
		dataDir: dir,
		retentionMs: 86_400_000 * 30,
		snapshotIntervalMs: 3_600_000,
		timers: false,
		clock: new ManualClock(T0),
		log,
	});

async function posts5m(dir: string, log?: (m: string) => void): Promise<number> {
	const bw = await open(dir, log);
	try {
		const [v] = await bw.state.read([bw.features.query("posts_5m", "r1", T0 + 60_000)]);
		return v as number;
	} finally {
		await bw.close();
	}
}

describe("restarts keep the windows and the enforcement state", () => {
	const dir = tempDir();
	after(() => dir.remove());

	it("restores windows from the snapshot written at close", async () => {
		const bw = await open(dir.path);
		await bw.processor.submit(
			Array.from({ length: 12 }, (_, i) => JSON.stringify(postEvent("r1", T0 + i * 1_000))),
			{ source: "t" },
		);
		await bw.processor.act(
			[{ kind: "suspend", entity: { kind: "account", id: "r2" }, ttlMs: null, reason: "test", source: "human" }],
			"test",
		);
		await bw.close();
		assert.ok(existsSync(join(dir.path, "state.snapshot")));
		const logs: string[] = [];
		assert.equal(await posts5m(dir.path, (m) => logs.push(m)), 12);
		assert.deepEqual(logs, [], "nothing to replay after a clean close");
	});

	it("rebuilds windows from the event log when the snapshot is gone", async () => {
		rmSync(join(dir.path, "state.snapshot"));
		const logs: string[] = [];
		assert.equal(await posts5m(dir.path, (m) => logs.push(m)), 12);
		assert.match(logs.join("\n"), /replaying 12 events/);
	});

	it("moves a damaged snapshot aside, says so, and rebuilds from the log", async () => {
		writeFileSync(join(dir.path, "state.snapshot"), "garbage that is not a snapshot");
		const logs: string[] = [];
		assert.equal(await posts5m(dir.path, (m) => logs.push(m)), 12);
		assert.match(logs.join("\n"), /warning: .*snapshot/i);
		assert.ok(readdirSync(dir.path).some((f) => f.startsWith("state.snapshot.corrupt-")));
	});

	it("a background snapshot taken while events arrive holds the state it began with; later events are replayed", async () => {
		const sub = tempDir();
		try {
			const bw = await openBulwark({
				dataDir: sub.path,
				retentionMs: 86_400_000 * 30,
				snapshotIntervalMs: 3_600_000,
				timers: false,
				clock: new ManualClock(T0),
				snapshotKeysPerStep: 3,
				snapshotStepMs: 0,
			});
			const batch = (from: number, n: number) =>
				Array.from({ length: n }, (_, i) => JSON.stringify(postEvent(`b${(from + i) % 40}`, T0 + from + i)));
			await bw.processor.submit(batch(0, 400), { source: "t" });
			const writing = bw.snapshotInBackground();
			let during = 0;
			const submits: Promise<unknown>[] = [];
			while (bw.state.snapshotInProgress) {
				submits.push(bw.processor.submit(batch(400 + during, 2), { source: "t" }));
				during += 2;
				await new Promise((resolve) => setImmediate(resolve));
			}
			await Promise.all(submits);
			const seq = await writing;
			assert.ok(during >= 50, `events went on during the dump (${during})`);
			assert.ok(seq !== undefined && seq >= 400 && seq < 400 + during, `the snapshot stands for seq ${seq}`);
			// An operator sees it on /metrics: outcome, the seq it covers, the state it holds.
			const metrics = await bw.metrics.metrics();
			assert.match(metrics, /bulwark_snapshots_total\{outcome="ok"\} 1\n/);
			assert.match(metrics, /bulwark_snapshots_total\{outcome="failed"\} 0\n/);
			assert.match(metrics, new RegExp(`bulwark_snapshot_seq ${seq}\\n`));
			assert.match(metrics, /bulwark_snapshot_seconds_count 1\n/);
			const keys = Number(/bulwark_window_keys (\d+)/.exec(metrics)?.[1]);
			assert.equal(keys, bw.state.windowKeyCount());
			assert.ok(keys > 0);
			// Every account feature of every account, as the running process has it.
			const queries = bw.features
				.forEntity("account")
				.flatMap((f) => Array.from({ length: 40 }, (_, i) => bw.features.query(f.name, `b${i}`, T0 + 60_000)));
			const live = await bw.state.read(queries);
			assert.ok(queries.length >= 80);
			// Another process reads the data folder as a crash would leave it: the background
			// snapshot, then the events logged after its seq.
			const logs: string[] = [];
			const after = await openBulwark({
				dataDir: sub.path,
				retentionMs: 86_400_000 * 30,
				snapshotIntervalMs: 3_600_000,
				readOnly: true,
				clock: new ManualClock(T0),
				log: (m) => logs.push(m),
			});
			try {
				assert.match(logs.join("\n"), new RegExp(`replaying ${400 + during - (seq as number)} events`));
				assert.deepEqual(await after.state.read(queries), live);
			} finally {
				await after.close();
				await bw.close();
			}
		} finally {
			sub.remove();
		}
	});

	it("reloads suspensions from storage, so a suspended account stays denied", async () => {
		const bw = await open(dir.path);
		try {
			const [out] = await bw.processor.submit([JSON.stringify(postEvent("r2", T0 + 5_000))], { source: "t" });
			assert.ok(out?.status === "accepted");
			assert.equal(out.decision.verdict, "deny");
		} finally {
			await bw.close();
		}
	});
});
