import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import type { ActionRecord } from "../../core/enforcement/index.ts";
import type { ListRepository, ListWrite } from "../../core/rules/index.ts";
import { newId } from "../../core/shared/index.ts";

export interface ListConformanceSubject {
	repo: ListRepository;
	/** The audit log as stored, newest first. */
	actions(): Promise<ActionRecord[]>;
	close(): Promise<void>;
}

const T = 1_700_000_000_000;

function write(over: Partial<ListWrite> & { name: string }): ListWrite {
	return {
		kind: "ip_ranges",
		at: T,
		by: "apikey:test",
		reason: null,
		audit: {
			id: newId(),
			ts: T,
			who: "apikey:test",
			kind: "list.put",
			entity: `list:${over.name}`,
			reason: "",
			details: {},
			eventId: null,
		},
		...over,
	};
}

const entry = (key: string, expiresAt: number | null = null, value = key) => ({ key, value, expiresAt });

/**
 * The behaviour every managed-lists adapter must show; run it from the adapter's test file with
 * a factory that gives a fresh, empty store.
 * @example runListRepositoryConformance("sqlite", async () => { const s = await openSqliteStorage({ path: ":memory:" }); return { repo: s.lists, actions: () => s.listActions({ limit: 100 }), close: () => s.close() }; })
 */
export function runListRepositoryConformance(name: string, create: () => Promise<ListConformanceSubject>): void {
	describe(`ListRepository conformance: ${name}`, () => {
		let s: ListConformanceSubject;
		beforeEach(async () => {
			s = await create();
		});
		afterEach(() => s.close());

		it("creates a list on its first put, with its audit row, and upserts by key", async () => {
			await s.repo.write(
				write({ name: "ips", put: [entry("10.0.0.0/8", null, "10.1.2.3/8"), entry("1.2.3.4/32", T + 10)] }),
			);
			await s.repo.write(
				write({ name: "ips", at: T + 5, by: "apikey:b", reason: "again", put: [entry("1.2.3.4/32", T + 99)] }),
			);
			assert.deepEqual(await s.repo.lists(), [{ name: "ips", kind: "ip_ranges", createdAt: T, updatedAt: T + 5 }]);
			const rows = await s.repo.entries("ips", { limit: 10, at: T });
			assert.deepEqual(
				rows.map((e) => [e.key, e.value, e.expiresAt, e.addedAt, e.addedBy, e.reason]),
				[
					["1.2.3.4/32", "1.2.3.4/32", T + 99, T + 5, "apikey:b", "again"],
					["10.0.0.0/8", "10.1.2.3/8", null, T, "apikey:test", null],
				],
			);
			assert.equal((await s.actions()).length, 2);
		});

		it("an empty put creates the list", async () => {
			await s.repo.write(write({ name: "empty", kind: "domains", put: [] }));
			assert.deepEqual(
				(await s.repo.lists()).map((l) => [l.name, l.kind]),
				[["empty", "domains"]],
			);
		});

		it("replaces, removes and drops; a removal of nothing writes no audit row", async () => {
			await s.repo.write(write({ name: "l", put: [entry("a"), entry("b"), entry("c")] }));
			const replaced = await s.repo.write(write({ name: "l", replace: true, put: [entry("c"), entry("d")] }));
			assert.equal(replaced.removed, 3);
			assert.deepEqual(
				(await s.repo.entries("l", { limit: 10, at: T })).map((e) => e.key),
				["c", "d"],
			);
			assert.deepEqual(await s.repo.write(write({ name: "l", remove: ["c", "zz"] })), { removed: 1, changed: true });
			const before = (await s.actions()).length;
			assert.deepEqual(await s.repo.write(write({ name: "l", remove: ["zz"] })), { removed: 0, changed: false });
			assert.equal((await s.actions()).length, before);
			assert.equal((await s.repo.write(write({ name: "l", drop: true }))).removed, 1);
			assert.deepEqual(await s.repo.lists(), []);
			assert.deepEqual(await s.repo.entries("l", { limit: 10, at: T }), []);
		});

		it("writes all of a change or none of it", async () => {
			await s.repo.write(write({ name: "l", put: [entry("a")] }));
			const bad = { key: "b", value: null as unknown as string, expiresAt: null };
			await assert.rejects(s.repo.write(write({ name: "l", replace: true, put: [entry("x"), bad] })));
			assert.deepEqual(
				(await s.repo.entries("l", { limit: 10, at: T })).map((e) => e.key),
				["a"],
			);
			assert.equal((await s.actions()).length, 1);
		});

		it("pages by key with a prefix, leaving out expired entries", async () => {
			const keys = ["10.0.0.0/8", "10.1.0.0/16", "10.2.0.0/16", "11.0.0.0/8", "100.0.0.0/8"];
			await s.repo.write(write({ name: "l", put: [...keys.map((k) => entry(k)), entry("10.9.0.0/16", T + 1)] }));
			const first = await s.repo.entries("l", { prefix: "10.", limit: 2, at: T + 1 });
			assert.deepEqual(
				first.map((e) => e.key),
				["10.0.0.0/8", "10.1.0.0/16"],
			);
			const next = await s.repo.entries("l", { prefix: "10.", after: "10.1.0.0/16", limit: 10, at: T + 1 });
			assert.deepEqual(
				next.map((e) => e.key),
				["10.2.0.0/16"],
			);
			assert.equal((await s.repo.entries("l", { limit: 10, at: T })).length, 6, "not yet expired at T");
		});

		it("finds entries by key, loads what has not expired, sweeps what has", async () => {
			await s.repo.write(write({ name: "a", put: [entry("x"), entry("old", T + 1)] }));
			await s.repo.write(write({ name: "b", kind: "keywords", put: [entry("dm me", T + 5)] }));
			assert.deepEqual(
				(await s.repo.find("a", ["x", "old", "nope"], T + 2)).map((e) => e.key),
				["x"],
			);
			assert.deepEqual(
				(await s.repo.find("a", ["old"], null)).map((e) => e.key),
				["old"],
			);
			const keys = Array.from({ length: 2_500 }, (_, i) => `k${i}`);
			assert.deepEqual(await s.repo.find("a", keys, null), [], "more keys than one statement takes");
			assert.deepEqual(await s.repo.loadAll(T + 2), [
				{ name: "a", kind: "ip_ranges", entries: [{ value: "x", expiresAt: null }] },
				{ name: "b", kind: "keywords", entries: [{ value: "dm me", expiresAt: T + 5 }] },
			]);
			assert.equal(await s.repo.sweep(T + 5), 2);
			assert.deepEqual(await s.repo.find("a", ["old"], null), []);
		});
	});
}
