import assert from "node:assert/strict";
import { test } from "node:test";
import type { TextRow } from "./data.ts";
import {
	balanceByLabel,
	davidsonHateSplit,
	hateCrossDomainMix,
	maskSmsCues,
	priorShiftThreshold,
	spamKind,
	spamLeaveKindOut,
	splitByClass,
} from "./xdomain.ts";

test("splitByClass is seeded, stratified and covers every row once", () => {
	const classes = Array.from({ length: 200 }, (_, i) => (i < 20 ? 0 : i < 150 ? 1 : 2));
	const parts = splitByClass(classes, [0.6, 0.2, 0.2], 3);
	assert.deepEqual(splitByClass(classes, [0.6, 0.2, 0.2], 3), parts);
	assert.notDeepEqual(splitByClass(classes, [0.6, 0.2, 0.2], 4)[2], parts[2]);
	assert.equal(new Set(parts.flat()).size, 200);
	assert.equal(parts.flat().length, 200);
	for (const p of parts.slice(1)) {
		assert.equal(p.filter((i) => classes[i] === 0).length, 4);
		assert.equal(p.filter((i) => classes[i] === 1).length, 26);
		assert.equal(p.filter((i) => classes[i] === 2).length, 10);
	}
});

const dav = (text: string, c: 0 | 1 | 2, line: number): TextRow => ({
	text,
	label: c === 2 ? 0 : 1,
	line,
	davidsonClass: c,
});

test("davidsonHateSplit: hate is 1, offensive and neither 0, duplicates kept in one part", () => {
	const rows: TextRow[] = [];
	for (let i = 0; i < 300; i++) rows.push(dav(`tweet number ${i}`, i % 10 === 0 ? 0 : i % 3 === 0 ? 2 : 1, i + 2));
	rows.push(dav("  Tweet number 7 ", 1, 400));
	const s = davidsonHateSplit(rows);
	assert.deepEqual(davidsonHateSplit(rows), s);
	assert.equal(s.pool.length + s.dev.length + s.test.length, rows.length);
	for (const part of [s.pool, s.dev, s.test])
		for (const r of part) assert.equal(r.label, r.davidsonClass === 0 ? 1 : 0);
	const where = (line: number) => [s.pool, s.dev, s.test].findIndex((p) => p.some((r) => r.line === line));
	assert.equal(where(400), where(9));
	assert.ok(s.test.filter((r) => r.label === 1).length >= 5);
});

test("hateCrossDomainMix weighs Davidson rows and groups the validation sources", () => {
	const tw = (text: string, label: 0 | 1): TextRow => ({ text, label, line: 1 });
	const split = {
		pool: [{ ...dav("a", 1, 2), label: 0 as const }],
		dev: [{ ...dav("b", 0, 3), label: 1 as const }],
		test: [],
	};
	const { train, val } = hateCrossDomainMix([tw("x", 1), tw("y", 0)], [tw("z", 0)], split, 0.25);
	assert.deepEqual(train.texts, ["x", "y", "a"]);
	assert.deepEqual(Array.from(train.labels), [1, 0, 0]);
	assert.deepEqual(Array.from(train.weights ?? []), [1, 1, 0.25]);
	assert.deepEqual(val.texts, ["z", "b"]);
	assert.deepEqual(Array.from(val.groups ?? []), [0, 1]);
	assert.deepEqual(val.groupNames, ["tweeteval-val", "davidson-dev"]);
});

test("spam kinds and SMS cue masking", () => {
	assert.equal(spamKind("URGENT! You have WON a £900 prize"), "prize");
	assert.equal(spamKind("Get the latest polyphonic ringtone"), "service");
	assert.equal(spamKind("Hot singles want to chat"), "dating");
	assert.equal(spamKind("Your account needs attention"), "other");
	assert.equal(maskSmsCues("Call 09061701461 to claim £900 prize. Txt STOP to 87239"), "Call to claim prize.");
	assert.equal(maskSmsCues("see you at 5"), "see you at");
});

test("balanceByLabel keeps every positive and as many negatives", () => {
	const rows = Array.from({ length: 10 }, (_, i) => ({ id: i, label: i < 2 ? 1 : 0 }));
	assert.deepEqual(
		balanceByLabel(rows).map((r) => r.id),
		[0, 1, 2, 6],
	);
	assert.equal(balanceByLabel(rows.slice(0, 3)).length, 3);
});

test("spamLeaveKindOut holds a kind's spam out of training and tests on all of it, masked", () => {
	const sms = (text: string, label: 0 | 1, line: number): TextRow => ({ text, label, line });
	const train = [sms("you WON a prize call 0800", 1, 1), sms("new ringtone txt 8000", 1, 2), sms("hi mum", 0, 3)];
	const val = [sms("claim your cash 12", 1, 4), sms("lunch at 1?", 0, 5), sms("ok", 0, 6), sms("sure", 0, 7)];
	const p = spamLeaveKindOut(train, val, "prize", true);
	assert.deepEqual(
		p.train.map((r) => r.line),
		[2, 3],
	);
	assert.deepEqual(
		p.val.map((r) => r.line),
		[5, 6, 7],
	);
	assert.deepEqual(
		p.test.map((r) => [r.line, r.label]),
		[
			[1, 1],
			[4, 1],
			[5, 0],
			[6, 0],
		],
	);
	assert.equal(p.test[0]?.text, "you WON a prize call");
});

test("priorShiftThreshold keeps the decision odds across priors", () => {
	assert.ok(Math.abs(priorShiftThreshold(0.5, 0.2, 0.5) - 0.2) < 1e-12);
	assert.ok(Math.abs(priorShiftThreshold(0.3, 0.4, 0.4) - 0.3) < 1e-12);
	assert.ok(priorShiftThreshold(0.311, 0.134, 0.5) < 0.1);
});
