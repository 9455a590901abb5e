import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { api, postEvent, startServer, tempDir } from "./helpers.ts";

const T0 = 1_800_000_000_000;

describe("durability of the embedded server", () => {
	const dir = tempDir();
	after(() => dir.remove());

	it("keeps every acknowledged event, decision and window across kill -9, then across a clean restart", async () => {
		// Snapshots far apart: after kill -9 the windows must come back from the event log alone.
		const env = { BULWARK_SNAPSHOT_INTERVAL: "1h" };
		let server = await startServer(dir.path, env);
		const sent = [];
		for (let i = 0; i < 30; i++) {
			const e = postEvent("bursty", T0 + i * 1_000);
			const r = await api<{ verdict: string; traceId: string }>(server.url, "POST", "/v1/events", e);
			assert.equal(r.status, 200);
			sent.push({ e, traceId: r.body.traceId, verdict: r.body.verdict });
		}
		assert.equal(sent.at(-1)?.verdict, "nudge", "30 posts in 30 s is over the velocity floor");
		assert.equal(await server.stop("SIGKILL"), null);
		assert.equal(existsSync(join(dir.path, "state.snapshot")), false, "no snapshot was taken before the kill");

		server = await startServer(dir.path, env);
		assert.match(server.stderr(), /replaying 30 events/);
		type View = { features: Record<string, unknown>; events: unknown[]; labels: { label: string; active: boolean }[] };
		const view = await api<View>(server.url, "GET", `/v1/entities/account/bursty?at=${T0 + 30_000}`);
		assert.equal(view.status, 200);
		assert.equal(view.body.features.posts_5m, 30, "the 5-minute window was rebuilt from the log");
		assert.equal(view.body.events.length, 20, "recent events are listed (latest 20)");
		assert.ok(view.body.labels.some((l) => l.label === "velocity"));

		const first = sent[0]!;
		const again = await api<{ traceId: string; duplicate: boolean }>(server.url, "POST", "/v1/events", first.e);
		assert.equal(again.body.duplicate, true);
		assert.equal(again.body.traceId, first.traceId, "the stored decision is returned for a repeated id");

		const next = await api<{ verdict: string }>(server.url, "POST", "/v1/events", postEvent("bursty", T0 + 31_000));
		assert.equal(next.body.verdict, "nudge", "the restarted windows still count the burst");

		assert.equal(await server.stop("SIGTERM"), 0);
		assert.ok(existsSync(join(dir.path, "state.snapshot")), "a clean stop writes a snapshot");
		server = await startServer(dir.path, env);
		assert.doesNotMatch(server.stderr(), /replaying/, "after a clean stop nothing needs replaying");
		const view2 = await api<View>(server.url, "GET", `/v1/entities/account/bursty?at=${T0 + 31_000}`);
		assert.equal(view2.body.features.posts_5m, 31);
		await server.stop();
	});
});
