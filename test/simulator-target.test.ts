import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { BulwarkEvent } from "../src/core/events/index.ts";
import type { Truth } from "../src/simulator/index.ts";
import { api, BIN, type Server, startServer, TEST_KEY, tempDir } from "./helpers.ts";

function cli(args: string[]) {
	const r = spawnSync(process.execPath, [BIN, ...args], {
		encoding: "utf8",
		timeout: 120_000,
		env: { ...process.env, BULWARK_API_KEY: "" },
	});
	return { code: r.status, out: r.stdout, err: r.stderr };
}

const MIN = 60_000;
/** One world, sent twice: to a file (no one acts on it) and to a server whose people act on it. */
const WORLD = ["--seed", "7", "--accounts", "600", "--duration", "1h", "--evasion-mode", "feedback"];

type EntityView = { events: { event: BulwarkEvent }[]; entity: { status?: string } };
const domains = (evs: BulwarkEvent[]) =>
	new Set(evs.flatMap((e) => ((e.data as { urls?: string[] }).urls ?? []).map((u) => new URL(u).host)));

describe("bulwark simulate --target: a real server, and adversaries reading back its actions", () => {
	const dir = tempDir();
	const data = join(dir.path, "data");
	let server: Server;
	let base: Truth;
	let baseEvents: BulwarkEvent[];
	before(async () => {
		const out = join(dir.path, "base.ndjson");
		const r = cli(["simulate", ...WORLD, "--out", out, "--truth", join(dir.path, "base.json"), "--json"]);
		assert.equal(r.code, 0, r.err);
		base = JSON.parse(readFileSync(join(dir.path, "base.json"), "utf8")) as Truth;
		baseEvents = readFileSync(out, "utf8")
			.trim()
			.split("\n")
			.map((l) => JSON.parse(l) as BulwarkEvent);
		// The built-in policy only: the default rule pack catches evaders itself (evader_device),
		// and the scorecard test below checks that the people's bans are not counted as detection.
		server = await startServer(data, { BULWARK_RULES: "none" });
	});
	after(async () => {
		await server?.stop();
		dir.remove();
	});

	it("streams the run in batches, and the adversaries react to what the audit log says", async () => {
		const evaders = Object.entries(base.accounts)
			.filter(([, a]) => a.threat === "evasion")
			.map(([id]) => id);
		const bots = Object.entries(base.accounts).filter(([, a]) => a.threat === "spam");
		const [bot, botAccount] = bots[0] ?? assert.fail("the world has spam bots");
		const botnet = bots.filter(([, a]) => a.group === botAccount.group).map(([id]) => id);
		assert.ok(evaders.length >= 2 && botnet.length >= 2, `${evaders.length} evaders, botnet of ${botnet.length}`);
		// Before the run, a person bans every evader and labels one bot through the API. The
		// simulator learns of it only by paging GET /v1/actions during the run.
		for (const id of evaders) {
			const r = await api(server.url, "POST", `/v1/entities/account/${id}/actions`, {
				effect: "suspend",
				reason: "ban evasion",
			});
			assert.equal(r.status, 200, JSON.stringify(r.body));
		}
		const labelled = await api(server.url, "POST", `/v1/entities/account/${bot}/actions`, {
			effect: "label.add",
			label: "spam",
			reason: "spam links",
		});
		assert.equal(labelled.status, 200);

		const truthFile = join(dir.path, "fed.json");
		const r = cli([
			"simulate",
			...WORLD,
			"--target",
			server.url,
			"--api-key",
			TEST_KEY,
			"--feedback-every",
			"1m",
			"--truth",
			truthFile,
			"--json",
		]);
		assert.equal(r.code, 0, r.err);
		const s = JSON.parse(r.out) as {
			events: number;
			accepted: number;
			rejected: number;
			verdicts: Record<string, number>;
			evadersBannedByBulwark: number;
			templatesRotated: number;
			adversariesSuspended: number;
		};
		assert.equal(s.accepted, s.events, "every event is accepted by the server");
		assert.equal(s.rejected, 0);
		assert.equal(
			Object.values(s.verdicts).reduce((a, b) => a + b, 0),
			s.events,
			"one verdict per event",
		);
		assert.ok((s.verdicts.deny ?? 0) > 0, "a suspended evader's writes before it learns of the ban are denied");
		assert.equal(s.adversariesSuspended, evaders.length);
		assert.equal(s.evadersBannedByBulwark, evaders.length);
		assert.ok(s.templatesRotated >= 1);

		// A banned evader stops: the server saw nothing from it late in the run, though it was
		// active then in the run nobody acted on.
		const late = base.start + 15 * MIN;
		for (const id of evaders) {
			const view = (await api<EntityView>(server.url, "GET", `/v1/entities/account/${id}`)).body;
			assert.equal(view.entity.status, "suspended");
			assert.ok(
				view.events.every((e) => e.event.ts < late),
				`${id} acted after it was banned`,
			);
		}
		assert.ok(
			baseEvents.some((e) => evaders.includes(e.actor) && e.ts >= late),
			"without the bans the evaders act after 15 minutes",
		);

		// Each owner comes back with a new account that shares some of the old one's traits, and
		// the server receives its events.
		const fed = JSON.parse(readFileSync(truthFile, "utf8")) as Truth;
		const returned = Object.entries(fed.accounts).filter(([id, a]) => a.threat === "evasion" && !base.accounts[id]);
		assert.ok(returned.length >= 1, "at least one owner returned within the hour");
		for (const [id, a] of returned) {
			assert.ok(a.owner && evaders.includes(a.owner), `${id} belongs to a banned owner`);
			assert.ok(a.shares && a.shares.length > 0 && a.shares.length < 8, "it shares some, never all, traits");
		}
		const seen = await Promise.all(
			returned.map(async ([id]) => (await api(server.url, "GET", `/v1/entities/account/${id}`)).status),
		);
		assert.ok(seen.includes(200), "a returned evader's events reached the server");

		// The labelled bot's botnet moved to a new link domain: late posts differ from the same
		// bots' late posts in the run without feedback.
		const baseLate = domains(baseEvents.filter((e) => botnet.includes(e.actor) && e.ts >= late));
		const fedEvents: BulwarkEvent[] = [];
		for (const id of botnet) {
			const view = (await api<EntityView>(server.url, "GET", `/v1/entities/account/${id}`)).body;
			fedEvents.push(...view.events.map((e) => e.event).filter((e) => e.ts >= late));
		}
		const fedLate = domains(fedEvents);
		assert.ok(baseLate.size > 0 && fedLate.size > 0, "the botnet posts links late in both runs");
		assert.deepEqual(
			[...fedLate].filter((d) => baseLate.has(d)),
			[],
			`rotated: ${[...fedLate]} vs ${[...baseLate]}`,
		);
	});

	it("scores the run from the server (--target) exactly as from its data folder, without people's actions", () => {
		const truth = join(dir.path, "fed.json");
		const viaApi = cli(["scorecard", "--truth", truth, "--target", server.url, "--api-key", TEST_KEY, "--json"]);
		assert.equal(viaApi.code, 0, viaApi.err);
		const viaFolder = cli(["scorecard", "--truth", truth, "--data", data, "--json"]);
		assert.equal(viaFolder.code, 0, viaFolder.err);
		const card = JSON.parse(viaApi.out) as {
			threats: Record<string, { accounts: number; actioned: number }>;
			organicActioned: number;
		};
		assert.deepEqual(card, JSON.parse(viaFolder.out));
		assert.ok((card.threats.evasion?.accounts ?? 0) > 0);
		// The bans above were people's: they are not Bulwark's detection and must not score.
		assert.equal(card.threats.evasion?.actioned, 0);
		const noKey = cli(["scorecard", "--truth", truth, "--target", server.url]);
		assert.equal(noKey.code, 1);
		assert.match(noKey.err, /--target needs --api-key/);
	});
});
