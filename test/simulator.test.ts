import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { type BulwarkEvent, validateEvent } from "../src/core/events/index.ts";
import { buildFollowGraph, makeCommunities } from "../src/simulator/graph.ts";
import { Simulation } from "../src/simulator/index.ts";
import { Rng } from "../src/simulator/prng.ts";

const HOUR = 3_600_000;

function streamHash(seed: number): string {
	const h = createHash("sha256");
	for (const e of new Simulation({ seed, accounts: 500, durationMs: HOUR / 2 }).events()) h.update(JSON.stringify(e));
	return h.digest("hex");
}

describe("simulator: determinism and validity", () => {
	it("gives the same stream for a seed and a different one for another seed", () => {
		assert.equal(streamHash(11), streamHash(11));
		assert.notEqual(streamHash(11), streamHash(12));
	});

	it("generates only valid events, in time order, with unique time-ordered ids", () => {
		const sim = new Simulation({ seed: 3, accounts: 1_500, durationMs: HOUR });
		const ids = new Set<string>();
		let last = 0;
		let n = 0;
		for (const e of sim.events()) {
			const v = validateEvent(JSON.parse(JSON.stringify(e)));
			assert.ok(v.ok, `${JSON.stringify(e)}: ${JSON.stringify(!v.ok && v.problems)}`);
			assert.ok(e.ts >= last, "events come in time order");
			assert.ok(e.id.startsWith(e.ts.toString(36)), "ids start with the time");
			assert.ok(!ids.has(e.id), `duplicate id ${e.id}`);
			ids.add(e.id);
			last = e.ts;
			n++;
		}
		assert.ok(n > 10_000, `${n} events`);
		assert.ok(last < sim.end && last >= sim.opts.start);
	});
});

describe("simulator: the follow graph", () => {
	it("has heavy-tailed in-degrees (max far above the median, a power-law-like tail)", () => {
		const g = buildFollowGraph(new Rng(5), makeCommunities(20_000));
		const deg = Int32Array.from(g.indeg).sort();
		const median = deg[deg.length >> 1] as number;
		const max = deg[deg.length - 1] as number;
		assert.ok(max >= 20 * Math.max(1, median), `max ${max}, median ${median}`);
		// Complementary CDF at doubling degrees: a straight line in log-log with slope in (-3.5, -0.5).
		const xs: number[] = [];
		const ys: number[] = [];
		for (let d = 4; d <= max; d *= 2) {
			const above = deg.length - deg.findIndex((x) => x >= d);
			xs.push(Math.log(d));
			ys.push(Math.log(above / deg.length));
		}
		const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
		const my = ys.reduce((a, b) => a + b, 0) / ys.length;
		const slope =
			xs.reduce((a, x, i) => a + (x - mx) * ((ys[i] as number) - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
		assert.ok(xs.length >= 5, "the tail spans at least five doublings");
		assert.ok(slope > -3.5 && slope < -0.5, `log-log slope ${slope}`);
	});
});

describe("simulator: adversaries", () => {
	const sim = new Simulation({ seed: 5, accounts: 3_000, durationMs: 2 * HOUR });
	const events: BulwarkEvent[] = [...sim.events()];
	const truth = sim.truth();
	const threatOf = (id: string) => truth.accounts[id]?.threat;
	const posts = events.filter((e): e is BulwarkEvent<"post.created"> => e.type === "post.created");

	it("matches the asked shares exactly for the initial accounts", () => {
		const counts: Record<string, number> = {};
		for (const [id, a] of Object.entries(truth.accounts))
			if (a.owner === null || a.owner === id) counts[a.threat] = (counts[a.threat] ?? 0) + 1;
		for (const [t, share] of Object.entries(sim.opts.shares))
			assert.equal(counts[t] ?? 0, Math.round(share * 3_000), t);
		const custom = new Simulation({
			seed: 1,
			accounts: 2_000,
			durationMs: HOUR,
			shares: { spam: 0.1, harassment: 0 },
		}).truth();
		const spam = Object.values(custom.accounts).filter((a) => a.threat === "spam").length;
		assert.equal(spam, 200);
		assert.ok(!Object.values(custom.accounts).some((a) => a.threat === "harassment"));
	});

	it("spam bots post links and hashtags, and reply spam under popular posts", () => {
		const spam = posts.filter((p) => threatOf(p.actor) === "spam" && truth.posts[p.data.postId]);
		assert.ok(spam.length > 100);
		assert.ok(spam.every((p) => p.data.urls?.length && p.data.hashtags?.length));
		assert.ok(spam.some((p) => p.data.replyTo));
	});

	it("harassers pile on: many accounts at one target within minutes", () => {
		const byTarget = new Map<string, { ts: number; actor: string }[]>();
		for (const p of posts)
			if (threatOf(p.actor) === "harassment" && p.data.mentions?.[0])
				byTarget.set(p.data.mentions[0], [...(byTarget.get(p.data.mentions[0]) ?? []), { ts: p.ts, actor: p.actor }]);
		const burst = [...byTarget.values()].some((xs) =>
			xs.some(
				(x) => new Set(xs.filter((y) => y.ts >= x.ts && y.ts - x.ts <= 10 * 60_000).map((y) => y.actor)).size >= 5,
			),
		);
		assert.ok(burst, "five or more harassers at one target within ten minutes");
		assert.ok(truth.campaigns.some((c) => c.kind === "pile-on"));
	});

	it("amplification rings like the same post within seconds; farms follow their customers", () => {
		const likes = new Map<string, { ts: number; actor: string }[]>();
		for (const e of events)
			if (e.type === "post.liked" && threatOf(e.actor) === "amplification")
				likes.set(e.data.postId, [...(likes.get(e.data.postId) ?? []), { ts: e.ts, actor: e.actor }]);
		const coLiked = [...likes.values()].some((xs) => {
			const span = Math.max(...xs.map((x) => x.ts)) - Math.min(...xs.map((x) => x.ts));
			return new Set(xs.map((x) => x.actor)).size >= 4 && span <= 20_000;
		});
		assert.ok(coLiked, "a post liked by four ring members within 20 s");
		const customers = new Set(truth.beneficiaries);
		const farmFollows = events.filter(
			(e) =>
				e.type === "account.followed" && truth.accounts[e.actor]?.role === "farm" && customers.has(e.data.targetId),
		);
		assert.ok(farmFollows.length > 10);
	});

	it("ban evaders return with accounts sharing some, not all, of the owner's attributes", () => {
		const returned = Object.entries(truth.accounts).filter(([id, a]) => a.threat === "evasion" && a.owner !== id);
		assert.ok(returned.length > 0, "at least one evader came back");
		const created = new Map(
			events.filter((e) => e.type === "account.created").map((e) => [e.actor, e as BulwarkEvent<"account.created">]),
		);
		const devices = (id: string) => new Set(events.filter((e) => e.actor === id).map((e) => e.context?.deviceId));
		for (const [id, a] of returned) {
			assert.ok(a.shares && a.shares.length >= 1 && a.shares.length < 8, `${id} shares ${a.shares}`);
			const mine = created.get(id);
			const owner = created.get(a.owner as string);
			if (!mine || !owner) continue;
			if (a.shares?.includes("bio")) assert.equal(mine.data.bio, owner.data.bio);
			if (a.shares?.includes("handle")) assert.ok(mine.data.handle.startsWith(`${owner.data.handle}_`));
			if (a.shares?.includes("device"))
				assert.ok(
					[...devices(id)].some((d) => devices(a.owner as string).has(d)),
					"shares a device",
				);
		}
	});

	it("misinformation spreaders post near-duplicates of a few claims", () => {
		const claims = posts
			.filter((p) => threatOf(p.actor) === "misinfo" && truth.posts[p.data.postId])
			.map((p) => p.data.text);
		assert.ok(claims.length > 10);
		const words = (s: string) =>
			new Set(
				s
					.toLowerCase()
					.replace(/[^a-z0-9 ]/g, "")
					.split(" "),
			);
		const jaccard = (a: Set<string>, b: Set<string>) =>
			[...a].filter((x) => b.has(x)).length / new Set([...a, ...b]).size;
		const near = claims.some((a, i) => claims.some((b, j) => j > i && a !== b && jaccard(words(a), words(b)) >= 0.6));
		assert.ok(near, "two different texts of the same claim");
		assert.ok(truth.campaigns.some((c) => c.kind === "boost" && truth.posts[c.target]?.threat === "misinfo"));
	});

	it("camouflage: adversaries also act organically; fans repost within seconds", () => {
		const spamLikes = events.filter((e) => e.type === "post.liked" && threatOf(e.actor) === "spam");
		assert.ok(spamLikes.length > 0, "spam bots also like posts");
		assert.ok(truth.campaigns.some((c) => c.kind === "fan-burst"));
		assert.ok(Object.values(truth.lookalikes).includes("power-user"));
	});

	it("organic reports are mostly about bad actors, some mistaken", () => {
		const reports = events.filter(
			(e): e is BulwarkEvent<"report.filed"> => e.type === "report.filed" && !truth.accounts[e.actor],
		);
		const right = reports.filter((r) => truth.posts[r.data.subject.id] || truth.accounts[r.data.subject.id]).length;
		assert.ok(reports.length > 20);
		assert.ok(right / reports.length > 0.5 && right < reports.length, `${right}/${reports.length}`);
	});
});

describe("simulator: enforcement feedback", () => {
	it("a suspended evader returns with a new account; an actioned botnet rotates its template", () => {
		const sim = new Simulation({ seed: 9, accounts: 2_000, durationMs: 2 * HOUR, evasion: "feedback" });
		const it = sim.events();
		for (let e = it.next(); !e.done && e.value.ts < sim.opts.start + 40 * 60_000; e = it.next()) {}
		const before = sim.truth();
		const evader = Object.entries(before.accounts).find(([, a]) => a.threat === "evasion" && a.firstBadTs !== null);
		const bot = Object.entries(before.accounts).find(([, a]) => a.threat === "spam");
		assert.ok(evader && bot);
		assert.equal(
			Object.values(before.accounts).filter((a) => a.owner && a.owner !== null).length,
			Object.values(before.accounts).filter((a) => a.threat === "evasion").length,
		);
		const r = sim.applyFeedback([
			{ entity: `account:${evader[0]}`, kind: "suspend" },
			{ entity: `account:${bot[0]}`, kind: "label.add" },
		]);
		assert.deepEqual(r, { evadersBanned: 1, templatesRotated: 1, suspended: 1 });
		let acted = false;
		for (let e = it.next(); !e.done; e = it.next()) if (e.value.actor === evader[0]) acted = true;
		assert.ok(!acted, "a suspended account acts no more");
		const after = sim.truth();
		assert.ok(
			Object.entries(after.accounts).some(([id, a]) => a.owner === evader[0] && id !== evader[0]),
			"the owner returned",
		);
	});
});
