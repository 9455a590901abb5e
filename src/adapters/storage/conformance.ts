import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import type { ApiKeyStore } from "../../core/access/index.ts";
import type { EventStore, RecordReader } from "../../core/pipeline/index.ts";
import { account, newId, post } from "../../core/shared/index.ts";
import {
	accepted,
	actionRecord,
	batch,
	deadLetter,
	decisionFor,
	ev,
	labelPut,
	reviewCase,
	reviewOpen,
} from "./fixtures.ts";

export type ConformanceStore = EventStore & RecordReader & ApiKeyStore;

/**
 * The behaviour every durable-records adapter (SQLite, Postgres) must show; run it from the
 * adapter's own test file with a factory that gives a fresh, empty store.
 * @example runEventStoreConformance("sqlite", async () => { const s = await openSqliteStorage({ path }); return { store: s, close: () => s.close() }; })
 */
export function runEventStoreConformance(
	name: string,
	create: () => Promise<{ store: ConformanceStore; close(): Promise<void> }>,
): void {
	describe(`EventStore conformance: ${name}`, () => {
		let s: ConformanceStore;
		let close: () => Promise<void>;
		const T = 1_700_000_000_000;
		beforeEach(async () => {
			({ store: s, close } = await create());
		});
		afterEach(() => close());

		it("commits events and finds their decisions", async () => {
			const a = ev.post("a1", "p1", T);
			const b = ev.like("a2", "p1", "a1", T + 1);
			await s.commit(batch({ events: [accepted(a, "deny"), accepted(b)] }));
			const found = await s.findDecisions([a.id, b.id, "missing"]);
			assert.deepEqual([...found.keys()].sort(), [a.id, b.id].sort());
			assert.deepEqual(found.get(a.id), decisionFor(a, "deny"));
			assert.deepEqual(await s.getDecision(b.id), decisionFor(b));
			assert.equal(await s.getDecision("missing"), undefined);
			assert.equal(await s.lastSeq(), 2);
			assert.deepEqual(await s.counts(), { events: 2, deadLetters: 0, actions: 0 });
		});

		it("stores a repeated event id once, keeping the first decision", async () => {
			const e = ev.login("a1", T);
			await s.commit(batch({ events: [accepted(e, "allow")] }));
			await s.commit(batch({ events: [accepted(e, "deny")] }));
			await s.commit(batch({ events: [accepted(e, "challenge"), accepted(ev.login("a1", T + 1, e.id), "nudge")] }));
			assert.equal((await s.getDecision(e.id))?.verdict, "allow");
			assert.equal((await s.counts()).events, 1);
			assert.equal((await s.eventsAfter(0, 10)).length, 1);
			assert.equal(await s.lastSeq(), 1);
		});

		it("puts, extends, removes and lists labels", async () => {
			const now = Date.now();
			const ent = "account:a1";
			await s.commit(batch({ mutations: [labelPut(ent, "spammy", now, now + 60_000)] }));
			await s.commit(batch({ mutations: [labelPut(ent, "spammy", now + 1, now + 120_000)] }));
			await s.commit(batch({ mutations: [labelPut(ent, "old", now - 20_000, now - 10_000)] }));
			let active = await s.listLabels(ent, { includeEnded: false });
			assert.deepEqual(
				active.map((l) => [l.label, l.expiresAt]),
				[["spammy", now + 120_000]],
			);
			assert.equal(active[0]?.createdAt, now, "extending keeps the original start");
			assert.equal((await s.listLabels(ent, { includeEnded: true })).length, 2);

			await s.commit(
				batch({ mutations: [{ kind: "label.remove", entity: ent, label: "spammy", at: now + 5, actionId: newId() }] }),
			);
			assert.deepEqual(await s.listLabels(ent, { includeEnded: false }), []);
			const ended = await s.listLabels(ent, { includeEnded: true });
			assert.equal(ended.find((l) => l.label === "spammy")?.removedAt, now + 5);

			await s.commit(batch({ mutations: [labelPut(ent, "spammy", now + 10, null)] }));
			active = await s.listLabels(ent, { includeEnded: false });
			assert.deepEqual(
				active.map((l) => [l.label, l.expiresAt, l.removedAt]),
				[["spammy", null, null]],
			);
			assert.equal((await s.listLabels(ent, { includeEnded: true })).length, 3);
			assert.deepEqual(await s.listLabels("account:other", { includeEnded: true }), []);
		});

		it("tracks entities seen in events and their status", async () => {
			// Adapters may keep first/last seen to the minute, so the times here are minutes apart.
			const min = 60_000;
			await s.commit(batch({ accepted: [ev.post("a1", "p1", T + 10 * min)] }));
			await s.commit(batch({ accepted: [ev.login("a1", T + 50 * min), ev.login("a1", T + 5 * min)] }));
			assert.deepEqual(await s.getEntity(account("a1")), {
				kind: "account",
				id: "a1",
				status: "active",
				suspendedUntil: null,
				firstSeen: T + 5 * min,
				lastSeen: T + 50 * min,
			});
			await s.commit(batch({ accepted: [ev.login("a1", T + 90 * min)] }));
			assert.equal((await s.getEntity(account("a1")))?.lastSeen, T + 90 * min);
			assert.equal((await s.getEntity(post("p1")))?.firstSeen, T + 10 * min);
			assert.equal(await s.getEntity(account("nobody")), undefined);

			await s.commit(
				batch({
					mutations: [
						{
							kind: "entity.status",
							entity: "account:a1",
							status: "suspended",
							until: T + 999 * min,
							at: T + 91 * min,
						},
					],
				}),
			);
			const e = await s.getEntity(account("a1"));
			assert.equal(e?.status, "suspended");
			assert.equal(e?.suspendedUntil, T + 999 * min);
			assert.equal(e?.firstSeen, T + 5 * min, "status change keeps first_seen");

			await s.commit(
				batch({
					mutations: [{ kind: "entity.status", entity: "ip:10.0.0.9", status: "suspended", until: null, at: T }],
				}),
			);
			assert.equal((await s.getEntity({ kind: "ip", id: "10.0.0.9" }))?.status, "suspended");
		});

		it("pages actions newest first, by entity and by who", async () => {
			const acts = [
				actionRecord("account:a1", "policy:default", T),
				actionRecord("account:a2", "policy:default", T + 1),
				actionRecord("account:a1", "human:kim", T + 2),
				actionRecord("account:a1", "policy:default", T + 3),
			];
			await s.commit(batch({ mutations: acts.map((action) => ({ kind: "action" as const, action })) }));
			const ids = acts.map((a) => a.id);
			const first = await s.listActions({ limit: 2 });
			assert.deepEqual(
				first.map((a) => a.id),
				[ids[3], ids[2]],
			);
			assert.deepEqual(first[0], acts[3]);
			const next = await s.listActions({ limit: 2, before: ids[2] });
			assert.deepEqual(
				next.map((a) => a.id),
				[ids[1], ids[0]],
			);
			assert.deepEqual(
				(await s.listActions({ limit: 10, entity: "account:a1" })).map((a) => a.id),
				[ids[3], ids[2], ids[0]],
			);
			assert.deepEqual(
				(await s.listActions({ limit: 10, who: "human:kim" })).map((a) => a.id),
				[ids[2]],
			);
			assert.equal((await s.counts()).actions, 4);
		});

		it("finds recent events by actor and by target, newest first", async () => {
			const p = ev.post("a1", "p1", T);
			const like = ev.like("a2", "p1", "a1", T + 1);
			const follow = ev.follow("a2", "a1", T + 2);
			const report = ev.report("a3", { kind: "account", id: "a1" }, T + 3);
			const other = ev.login("a2", T + 4);
			await s.commit(batch({ accepted: [p, like, follow, report, other] }));
			const ofA1 = await s.recentEvents(account("a1"), 10);
			assert.deepEqual(
				ofA1.map((x) => x.event.id),
				[report.id, follow.id, p.id],
			);
			assert.deepEqual(ofA1[2]?.event, p);
			assert.equal(ofA1[2]?.source, "apikey:test");
			assert.equal(ofA1[2]?.receivedAt, T + 5);
			assert.deepEqual(
				(await s.recentEvents(post("p1"), 10)).map((x) => x.event.id),
				[like.id, p.id],
			);
			assert.deepEqual(
				(await s.recentEvents(account("a2"), 2)).map((x) => x.event.id),
				[other.id, follow.id],
			);
		});

		it("returns events after a seq in order", async () => {
			const es = [0, 1, 2, 3, 4].map((i) => ev.login(`a${i}`, T + i));
			await s.commit(batch({ accepted: es.slice(0, 2) }));
			await s.commit(batch({ accepted: es.slice(2) }));
			const all = await s.eventsAfter(0, 100);
			assert.deepEqual(
				all.map((x) => x.event.id),
				es.map((e) => e.id),
			);
			const seqs = all.map((x) => x.seq);
			assert.deepEqual(
				[...seqs].sort((a, b) => a - b),
				seqs,
			);
			const rest = await s.eventsAfter(seqs[1]!, 2);
			assert.deepEqual(
				rest.map((x) => x.event.id),
				[es[2]!.id, es[3]!.id],
			);
			assert.equal(await s.lastSeq(), seqs[4]);
		});

		it("adds, lists and resolves dead letters", async () => {
			const dls = [deadLetter(T), deadLetter(T + 1), deadLetter(T + 2)];
			await s.commit(batch({ deadLetters: dls }));
			assert.deepEqual(await s.getDeadLetter(dls[0]!.id), dls[0]);
			assert.deepEqual(
				(await s.listDeadLetters({ limit: 2 })).map((d) => d.id),
				[dls[2]!.id, dls[1]!.id],
			);
			assert.deepEqual(
				(await s.listDeadLetters({ limit: 5, before: dls[1]!.id })).map((d) => d.id),
				[dls[0]!.id],
			);

			await s.resolveDeadLetter(dls[1]!.id, "replayed", "ev-9", T + 100);
			await s.resolveDeadLetter(dls[2]!.id, "discarded", null, T + 101);
			const r = await s.getDeadLetter(dls[1]!.id);
			assert.deepEqual([r?.status, r?.replayedEventId, r?.resolvedAt], ["replayed", "ev-9", T + 100]);
			assert.deepEqual(
				(await s.listDeadLetters({ limit: 9, status: "pending" })).map((d) => d.id),
				[dls[0]!.id],
			);
			assert.deepEqual(
				(await s.listDeadLetters({ limit: 9, status: "discarded" })).map((d) => d.id),
				[dls[2]!.id],
			);
			await assert.rejects(s.resolveDeadLetter(dls[1]!.id, "replayed", "ev-10", T + 200), { kind: "conflict" });
			await assert.rejects(s.resolveDeadLetter("nope", "discarded", null, T), { kind: "not_found" });
			assert.equal((await s.counts()).deadLetters, 3);
		});

		it("opens review cases once per entity and queue and bumps severity up only", async () => {
			const open = reviewCase("account:a1", "spam", 0.5, T);
			await s.commit(
				batch({
					mutations: [{ kind: "review.open", reviewCase: open }, reviewOpen("account:a2", "abuse", 0.2, T + 1)],
				}),
			);
			await s.commit(
				batch({ mutations: [{ kind: "review.bump", entity: "account:a1", queue: "spam", severity: 0.8, at: T + 2 }] }),
			);
			await s.commit(
				batch({ mutations: [{ kind: "review.bump", entity: "account:a1", queue: "spam", severity: 0.3, at: T + 3 }] }),
			);
			await s.commit(batch({ mutations: [reviewOpen("account:a1", "spam", 0.6, T + 4)] }));
			const spam = await s.listReviewCases({ limit: 10, queue: "spam" });
			assert.equal(spam.length, 1);
			assert.deepEqual(spam[0], { ...open, severity: 0.8 });
			assert.equal((await s.listReviewCases({ limit: 10, status: "open" })).length, 2);
			assert.deepEqual(await s.listReviewCases({ limit: 10, status: "closed" }), []);
		});

		it("loads the entity states worth keeping hot", async () => {
			const now = Date.now();
			await s.commit(
				batch({
					accepted: [ev.login("quiet", now)],
					mutations: [
						{ kind: "entity.status", entity: "account:susp", status: "suspended", until: null, at: now },
						{ kind: "entity.status", entity: "account:was", status: "suspended", until: now - 1, at: now - 9 },
						labelPut("account:lab", "spammy", now, now + 60_000),
						labelPut("account:gone", "spammy", now - 9, now - 1),
						labelPut("post:p9", "nsfw", now, null),
						{ kind: "label.remove", entity: "post:p9", label: "nsfw", at: now, actionId: newId() },
						reviewOpen("account:rev", "spam", 0.4, now),
						labelPut("account:susp", "bot", now, null),
					],
				}),
			);
			const states = await s.loadEntityStates(now);
			const byKey = new Map(states.map((x) => [x.key, x]));
			assert.deepEqual([...byKey.keys()].sort(), ["account:lab", "account:rev", "account:susp"]);
			assert.equal(byKey.get("account:susp")?.status, "suspended");
			assert.deepEqual(
				byKey.get("account:susp")?.labels.map((l) => l.label),
				["bot"],
			);
			assert.deepEqual(
				byKey.get("account:lab")?.labels.map((l) => [l.label, l.expiresAt, l.source]),
				[["spammy", now + 60_000, "rule"]],
			);
			assert.equal(byKey.get("account:lab")?.status, "active");
			assert.deepEqual(byKey.get("account:rev")?.openCases, ["spam"]);
		});

		it("stores, finds, lists and revokes API keys", async () => {
			const k1 = {
				id: newId(),
				name: "ops",
				prefix: "bwk_aaaaaa",
				hash: "a".repeat(64),
				createdAt: T,
				revokedAt: null,
			};
			const k2 = {
				id: newId(),
				name: "ingest",
				prefix: "bwk_bbbbbb",
				hash: "b".repeat(64),
				createdAt: T + 1,
				revokedAt: null,
			};
			await s.insert(k1);
			await s.insert(k2);
			assert.deepEqual(await s.findByHash(k1.hash), k1);
			assert.equal(await s.findByHash("c".repeat(64)), undefined);
			await assert.rejects(s.insert({ ...k2, id: newId() }), { kind: "conflict" });
			assert.equal(await s.revoke(k1.id, T + 5), true);
			assert.equal(await s.revoke(k1.id, T + 6), false);
			assert.equal(await s.revoke("nope", T + 6), false);
			assert.equal(await s.findByHash(k1.hash), undefined);
			assert.deepEqual(await s.list(), [{ ...k1, revokedAt: T + 5 }, k2]);
		});
	});
}
