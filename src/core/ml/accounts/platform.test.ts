import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Simulation } from "../../../simulator/index.ts";
import type { BulwarkEvent } from "../../events/index.ts";
import { parseUsers } from "./data.ts";
import { type PlatformSnapshot, platformSnapshots, USER_OBJECT_COLUMNS, userObjectRow } from "./platform.ts";
import { profileFeatures } from "./profile.ts";

const T0 = Date.UTC(2027, 0, 15);
const MIN = 60_000;
let seq = 0;
const ev = (type: BulwarkEvent["type"], actor: string, ts: number, data: unknown): BulwarkEvent =>
	({ id: `e${++seq}`, type, actor, ts, data }) as BulwarkEvent;

/** One account's life: signup, follows, a like, a profile change, 16 posts; another follows it. */
function life(): BulwarkEvent[] {
	const out: BulwarkEvent[] = [
		ev("account.created", "a", T0, { handle: "anna_1987", displayName: "Anna", bio: "cats" }),
		ev("account.created", "b", T0 + 1, { handle: "bob", displayName: "Bob" }),
	];
	for (const t of ["x", "y", "z"]) out.push(ev("account.followed", "a", T0 + MIN, { targetId: t }));
	out.push(ev("account.unfollowed", "a", T0 + 2 * MIN, { targetId: "x" }));
	out.push(ev("post.liked", "a", T0 + 3 * MIN, { postId: "p0", authorId: "b" }));
	out.push(ev("account.followed", "b", T0 + 3 * MIN, { targetId: "a" }));
	out.push(ev("account.updated", "a", T0 + 4 * MIN, { changes: { bio: "cats, dogs", url: "https://anna.example" } }));
	for (let i = 1; i <= 16; i++) out.push(ev("post.created", "a", T0 + (4 + i) * MIN, { postId: `p${i}`, text: "hi" }));
	return out;
}

const sameFeatures = (a: Float64Array, b: Float64Array, what: string) => {
	assert.equal(a.length, b.length);
	for (let f = 0; f < a.length; f++) assert.ok(Object.is(a[f], b[f]), `${what}: feature ${f} ${a[f]} != ${b[f]}`);
};

describe("platform snapshots", () => {
	it("take each account at the detector's scoring moments, with its counts, then at the end", () => {
		const snaps = [...platformSnapshots(life(), { moments: "scoring" })].filter((s) => s.id === "a");
		// Following is follows made minus unfollows; followers are follows received.
		assert.deepEqual(
			snaps.map((s) => [s.moment, s.at, s.counts]),
			[
				["signup", T0, { posts: 0, likes: 0, following: 0, followers: 0 }],
				["update", T0 + 4 * MIN, { posts: 0, likes: 1, following: 2, followers: 1 }],
				["posts", T0 + 12 * MIN, { posts: 8, likes: 1, following: 2, followers: 1 }],
				["posts", T0 + 20 * MIN, { posts: 16, likes: 1, following: 2, followers: 1 }],
				["end", T0 + 20 * MIN, { posts: 16, likes: 1, following: 2, followers: 1 }],
			],
		);
		for (const s of snaps) {
			assert.equal(s.profile.createdAt, T0);
			assert.equal(s.profile.observedAt, s.at);
			assert.equal(s.profile.statuses, s.counts.posts);
			assert.equal(s.profile.friends, s.counts.following);
			assert.equal(s.profile.followers, s.counts.followers);
			assert.equal(s.profile.favourites, s.counts.likes);
		}
		assert.equal(snaps[0]?.profile.hasUrl, false);
		const end = snaps[snaps.length - 1] as PlatformSnapshot;
		assert.deepEqual(end.counts, { posts: 16, likes: 1, following: 2, followers: 1 });
		assert.equal(end.at, T0 + 20 * MIN);
		assert.equal(end.profile.createdAt, T0);
		assert.equal(end.profile.observedAt, T0 + 20 * MIN);
		assert.equal(end.profile.description, "cats, dogs");
		assert.equal(end.profile.hasUrl, true);
		assert.equal(end.profile.hasLocation, false);
		assert.equal(end.profile.defaultProfileImage, true);
		// The eighth post's snapshot is taken at that post, with the counts so far.
		assert.equal(snaps[2]?.at, T0 + 12 * MIN);
		assert.equal(snaps[1]?.profile.description, "cats, dogs");
		assert.equal(snaps[0]?.profile.description, "cats");
	});

	it("at the end only, for the accounts asked, and never for an account not seen created", () => {
		// "ghost" was created before these events: its follow counts for "a", its own 8 posts make no snapshot.
		const events = [...life(), ev("account.followed", "ghost", T0 + 21 * MIN, { targetId: "a" })];
		for (let i = 1; i <= 8; i++)
			events.push(ev("post.created", "ghost", T0 + (29 + i) * MIN, { postId: `g${i}`, text: "boo" }));
		const end = [...platformSnapshots(events, { moments: "end" })];
		assert.deepEqual(
			end.map((s) => [s.id, s.moment, s.at, s.counts]),
			[
				["a", "end", T0 + 37 * MIN, { posts: 16, likes: 1, following: 2, followers: 2 }],
				["b", "end", T0 + 37 * MIN, { posts: 0, likes: 0, following: 1, followers: 0 }],
			],
		);
		assert.equal(end[1]?.profile.createdAt, T0 + 1);
		assert.ok(![...platformSnapshots(events, { moments: "scoring" })].some((s) => s.id === "ghost"));
		assert.deepEqual(
			[...platformSnapshots(events, { moments: "scoring", only: new Set(["b"]) })].map((s) => s.moment),
			["signup", "end"],
		);
		assert.deepEqual([...platformSnapshots([], { moments: "end" })], []);
	});

	it("leave out an account created before the events, even when it updates its profile", () => {
		// Its age is unknown: a user-object row of it would have no created_at, and eval refuses that.
		const events = [
			ev("account.created", "new", T0, { handle: "newbie" }),
			ev("account.updated", "old", T0 + 1000, { changes: { handle: "oldtimer", bio: "moved to Rome" } }),
			ev("account.updated", "new", T0 + 2000, { changes: { bio: "hi" } }),
		];
		const snaps = [...platformSnapshots(events, { moments: "scoring" })];
		assert.deepEqual(
			snaps.map((s) => [s.id, s.moment]),
			[
				["new", "signup"],
				["new", "update"],
				["new", "end"],
			],
		);
		const text = `${[...USER_OBJECT_COLUMNS, "label"].join(",")}\n${snaps.map((s) => userObjectRow(s, 0)).join("")}`;
		assert.equal(parseUsers(text, "x.csv", "column", "platform/x").length, 3);
	});

	it("read a url or location the way a user-object file's reader does", () => {
		const events = [
			ev("account.created", "u", T0, { handle: "u_1" }),
			ev("account.updated", "u", T0 + 1, { changes: { location: " ", url: "NULL" } }),
		];
		const [s] = [...platformSnapshots(events, { moments: "end" })];
		assert.equal(s?.profile.hasUrl, false);
		assert.equal(s?.profile.hasLocation, false);
		const text = `${USER_OBJECT_COLUMNS.join(",")},label\n${userObjectRow(s as PlatformSnapshot, 1)}`;
		const [r] = parseUsers(text, "u.csv", "column", "platform/u");
		sameFeatures(profileFeatures(r?.profile as never), profileFeatures((s as PlatformSnapshot).profile), "u");
	});

	it("refuse events out of time order", () => {
		const events = life();
		[events[3], events[6]] = [events[6] as BulwarkEvent, events[3] as BulwarkEvent];
		assert.throws(() => [...platformSnapshots(events, { moments: "end" })], /out of time order/);
	});
});

describe("user-object rows of the platform's accounts", () => {
	const header = `${[...USER_OBJECT_COLUMNS, "label"].join(",")}\n`;

	it("read back into the very profile features the detector scores, for a simulated platform", () => {
		const sim = new Simulation({ seed: 3, accounts: 300, durationMs: 6 * 3_600_000, prefix: "t-" });
		const snaps = [...platformSnapshots([...sim.events()] as BulwarkEvent[], { moments: "scoring" })];
		assert.ok(snaps.length > 600, `${snaps.length} snapshots`);
		const labelOf = (s: PlatformSnapshot): 0 | 1 => (s.id.charCodeAt(s.id.length - 1) % 2 === 0 ? 1 : 0);
		const text = header + snaps.map((s) => userObjectRow(s, labelOf(s))).join("");
		const rows = parseUsers(text, "x.csv", "column", "platform/x");
		assert.equal(rows.length, snaps.length);
		rows.forEach((r, i) => {
			const s = snaps[i] as PlatformSnapshot;
			sameFeatures(profileFeatures(r.profile), profileFeatures(s.profile), `${s.id} ${s.moment}`);
			assert.equal(r.label, labelOf(s));
			assert.equal(r.group, s.id);
			assert.equal(r.source, "platform/x");
		});
	});

	it("keep commas, quotes, newlines and edge spaces in what people typed", () => {
		const events = [
			ev("account.created", "q", T0 + 2, {
				handle: "q_q",
				displayName: "  Dr. Q, PhD",
				bio: 'said "hi",\nthen left ',
				profileImageHash: "abc",
			}),
			ev("account.updated", "q", T0 + 7, { changes: { location: "Rome, IT" } }),
		];
		const [s] = [...platformSnapshots(events, { moments: "end" })];
		assert.ok(s);
		const [r] = parseUsers(header + userObjectRow(s, 0), "q.csv", "column", "platform/q");
		assert.equal(r?.profile.name, "  Dr. Q, PhD");
		assert.equal(r?.profile.description, 'said "hi",\nthen left ');
		assert.equal(r?.profile.defaultProfileImage, false);
		assert.equal(r?.profile.hasLocation, true);
		sameFeatures(profileFeatures(r?.profile as never), profileFeatures(s.profile), "q");
		// Without a label the row has no label cell.
		assert.equal(userObjectRow(s).split(",").length, userObjectRow(s, 1).split(",").length - 1);
	});
});
