import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConflictError, ValidationError } from "../../shared/errors.ts";
import { DomainList } from "./domains.ts";
import { formatPrefix, parseCidr, parseIp } from "./ip.ts";
import { IpRangeList } from "./ip-ranges.ts";
import { KeywordList } from "./keywords.ts";
import { MemoryListStore } from "./memory.ts";
import type { MutableList } from "./ports.ts";
import { StringList } from "./strings.ts";

function filled<T extends MutableList>(list: T, entries: [string, number | null][]): T {
	for (const [v, exp] of entries) {
		const n = list.normalize(v);
		assert.ok(n.ok, `invalid entry ${v}`);
		list.put(n.key, exp);
	}
	return list;
}

describe("IP addresses and ranges", () => {
	const ips: [string, string | undefined][] = [
		["1.2.3.4", "1.2.3.4/32"],
		["255.255.255.255", "255.255.255.255/32"],
		["256.1.1.1", undefined],
		["1.2.3", undefined],
		["01.2.3.4", "1.2.3.4/32"],
		["::1", "0:0:0:0:0:0:0:1/128"],
		["2001:DB8::8a2e:370:7334", "2001:db8:0:0:0:8a2e:370:7334/128"],
		["fe80::1%eth0", "fe80:0:0:0:0:0:0:1/128"],
		["::ffff:192.0.2.1", "192.0.2.1/32"],
		["1::2::3", undefined],
		["12345::", undefined],
	];
	for (const [text, want] of ips)
		it(`reads ${text}`, () => {
			const ip = parseIp(text);
			assert.equal(ip ? formatPrefix(ip, ip.v === 4 ? 32 : 128) : undefined, want);
		});

	const ranges: [string, string, boolean][] = [
		["10.0.0.0/8", "10.255.1.1", true],
		["10.0.0.0/8", "11.0.0.1", false],
		["10.1.2.3/8", "10.9.9.9", true],
		["0.0.0.0/0", "8.8.8.8", true],
		["192.168.1.128/25", "192.168.1.127", false],
		["192.168.1.128/25", "192.168.1.200", true],
		["2001:db8::/32", "2001:db8:ffff::1", true],
		["2001:db8::/33", "2001:db8:8000::1", false],
		["2001:db8::/31", "2001:db9::1", true],
		["::ffff:0:0/96", "203.0.113.9", true],
		["1.2.3.4", "1.2.3.4", true],
	];
	for (const [range, ip, want] of ranges)
		it(`${ip} ${want ? "is" : "is not"} in ${range}`, () => {
			const list = filled(new IpRangeList(), [[range, null]]);
			assert.equal(list.has(ip, 0), want);
		});

	it("refuses a prefix longer than the address", () => {
		assert.equal(parseCidr("10.0.0.0/33"), undefined);
		assert.equal(parseCidr("::/129"), undefined);
		assert.equal(new IpRangeList().normalize("10.0.0.0/x").ok, false);
	});

	it("honours expiry and removal", () => {
		const list = filled(new IpRangeList(), [
			["10.0.0.0/8", 100],
			["10.1.0.0/16", null],
		]);
		assert.equal(list.has("10.2.0.1", 50), true);
		assert.equal(list.has("10.2.0.1", 100), false, "expired at its time");
		assert.equal(list.has("10.1.0.1", 1_000), true);
		assert.equal(list.sweep(100), 1);
		assert.equal(list.delete("10.1.0.0/16"), true);
		assert.equal(list.size, 0);
		assert.equal(list.has("10.1.0.1", 0), false);
	});
});

describe("domain lists", () => {
	const list = filled(new DomainList(), [
		["spam.example", null],
		["bit.ly/3xq", null],
		["*.wild.example", null],
		["old.example", 10],
	]);
	const cases: [string, boolean][] = [
		["spam.example", true],
		["https://a.b.spam.example/x", true],
		["https://notspam.example", false],
		["https://spam.example.com", false],
		["https://bit.ly/3xq", true],
		["https://bit.ly/3xq/abc?q=1", true],
		["https://bit.ly/3xqz", false],
		["https://bit.ly/other", false],
		["HTTP://BIT.LY/3xq/", true],
		["x.wild.example", true],
		["wild.example", true],
		["old.example", false],
	];
	for (const [v, want] of cases)
		it(`${v} ${want ? "matches" : "does not match"}`, () => assert.equal(list.has(v, 100), want));
	it("refuses what is not a domain", () => assert.equal(list.normalize("two words").ok, false));
});

describe("keyword lists", () => {
	const list = filled(new KeywordList(), [
		["Free", null],
		["claim now", null],
		["dm me", null],
		["stale", 5],
	]);
	const cases: [string, number][] = [
		["FREE stuff", 1],
		["freedom", 0],
		["Claim   NOW!!", 1],
		["free free free", 1],
		["free, claim now, DM me", 3],
		["claim later", 0],
		["stale news", 0],
		["", 0],
	];
	for (const [text, want] of cases) it(`counts ${want} in "${text}"`, () => assert.equal(list.countIn(text, 10), want));
	it("matches single values whole", () => {
		assert.equal(list.has("#free", 10), true);
		assert.equal(list.has("freebie", 10), false);
	});
	it("refuses phrases over six words", () => assert.equal(list.normalize("a b c d e f g").ok, false));
	it("finds long phrases, overlapping ones, and forgets a deleted phrase's prefixes", () => {
		const l = filled(new KeywordList(), [
			["you have been selected", null],
			["you have", null],
			["been", null],
		]);
		assert.equal(l.countIn("You have been selected!", 10), 3);
		assert.equal(l.countIn("you have been chosen", 10), 2);
		assert.equal(l.delete("you have been selected"), true);
		assert.equal(l.countIn("you have been selected", 10), 2);
		assert.equal(l.delete("you have"), true);
		assert.equal(l.countIn("you have been selected", 10), 1);
	});
});

describe("string and hash lists", () => {
	it("matches strings exactly and hashes case-insensitively", () => {
		const s = filled(new StringList("strings"), [["Exact Text", null]]);
		assert.equal(s.has("Exact Text", 0), true);
		assert.equal(s.has("exact text", 0), false);
		const h = filled(new StringList("hashes"), [["ABCDEF01", null]]);
		assert.equal(h.has("abcdef01", 0), true);
	});

	it("answers the same text again from its last lookup until the list or the time changes", () => {
		const list = new StringList("strings");
		list.put("the moon landing was filmed in a studio", 100);
		const text = "The moon landing was FILMED in a studio!";
		const first = list.maxSimilarity(text, 0);
		assert.ok(first > 0.9);
		assert.equal(list.maxSimilarity(text, 0), first);
		assert.equal(list.maxSimilarity(text, 200), 0, "the entry expired at 100");
		list.delete("the moon landing was filmed in a studio");
		assert.equal(list.maxSimilarity(text, 0), 0, "deleted");
		list.put("the moon landing was filmed in a studio!", null);
		assert.ok(list.maxSimilarity(text, 0) > 0.9, "put again");
	});

	it("finds the closest entry among 100,000 without scanning them all", () => {
		const list = new StringList("strings");
		for (let i = 0; i < 100_000; i++) list.put(`generic filler sentence number ${i} about topic${i % 977}`, null);
		list.put("scientists admit the moon landing footage was filmed in a studio", null);
		const t0 = performance.now();
		const best = list.maxSimilarity("SCIENTISTS CONFESS the moon landing footage was filmed in NEVADA!!", 0);
		const first = performance.now() - t0;
		assert.ok(best > 0.6, `similarity ${best}`);
		const t1 = performance.now();
		// A different text each time: the same text again is answered from the last lookup.
		for (let i = 0; i < 100; i++) list.maxSimilarity(`an unrelated post about sourdough and gardening ${i}`, 0);
		const each = (performance.now() - t1) / 100;
		assert.ok(each < 20, `a lookup took ${each.toFixed(2)} ms (index built in ${first.toFixed(0)} ms)`);
	});
});

describe("large lists", () => {
	it("hold 100,000 domains and 100,000 ranges with constant-time lookups", () => {
		const store = new MemoryListStore();
		store.upsert(
			"domains",
			"domains",
			Array.from({ length: 100_000 }, (_, i) => ({ value: `d${i}.example`, expiresAt: null })),
		);
		store.upsert(
			"ranges",
			"ip_ranges",
			Array.from({ length: 100_000 }, (_, i) => ({ value: `10.${(i >> 8) & 255}.${i & 255}.0/24`, expiresAt: null })),
		);
		const d = store.list("domains");
		const r = store.list("ranges");
		assert.ok(d && r);
		const t0 = performance.now();
		let hits = 0;
		for (let i = 0; i < 20_000; i++) {
			if (d.has(`https://www.d${i * 5}.example/x`, 0)) hits++;
			if (r.has(`10.${(i >> 8) & 255}.${i & 255}.7`, 0)) hits++;
		}
		const perLookup = ((performance.now() - t0) * 1000) / 40_000;
		assert.equal(hits, 40_000);
		assert.ok(perLookup < 50, `${perLookup.toFixed(2)} µs per lookup`);
		assert.deepEqual(
			store.describe().map((x) => [x.name, x.size]),
			[
				["domains", 100_000],
				["ranges", 65_536],
			],
		);
	});
});

describe("the in-memory list store", () => {
	it("refuses a whole upsert naming every bad entry", () => {
		const store = new MemoryListStore();
		assert.throws(
			() =>
				store.upsert("nets", "ip_ranges", [
					{ value: "10.0.0.0/8", expiresAt: null },
					{ value: "300.0.0.1", expiresAt: null },
					{ value: "nope", expiresAt: null },
				]),
			(err: unknown) =>
				err instanceof ValidationError &&
				err.problems.map((p) => p.pointer).join() === "/entries/1/value,/entries/2/value",
		);
		assert.equal(store.list("nets"), undefined, "nothing was stored");
	});

	it("refuses to change a list's kind", () => {
		const store = new MemoryListStore();
		store.upsert("l", "strings", [{ value: "a", expiresAt: null }]);
		assert.throws(() => store.upsert("l", "domains", []), ConflictError);
	});

	it("refreshes expiry, removes, sweeps and drops", () => {
		const store = new MemoryListStore();
		store.upsert("w", "keywords", [{ value: "free", expiresAt: 10 }]);
		store.upsert("w", "keywords", [{ value: "FREE", expiresAt: 100 }]);
		assert.equal(store.list("w")?.has("free", 50), true, "the later expiry wins");
		store.upsert("w", "keywords", [{ value: "gone", expiresAt: 20 }]);
		assert.equal(store.sweep(30), 1);
		assert.equal(store.remove("w", ["free", "missing"]), 1);
		assert.equal(store.drop("w"), true);
		assert.deepEqual(store.describe(), []);
	});
});
