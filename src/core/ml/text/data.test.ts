import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { detectTextFormat, loadTextData, parseTextFormat, TextDataError, trainingDataDir } from "./data.ts";

const dir = mkdtempSync(join(tmpdir(), "bulwark-text-data-"));
after(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, text: string): string {
	const p = join(dir, name);
	writeFileSync(p, text);
	return p;
}
const brief = (rows: { text: string; label: 0 | 1 }[]) => rows.map((r) => [r.text, r.label]);

describe("text data loaders", () => {
	it("reads jsonl, ignoring blank lines, and names file:line of a bad one", () => {
		const p = file("a.jsonl", '{"text": "hi", "label": 0}\n\n{"text": "you idiot", "label": 1}\n');
		const d = loadTextData(p);
		assert.equal(d.format, "jsonl");
		assert.deepEqual(brief(d.rows), [
			["hi", 0],
			["you idiot", 1],
		]);
		assert.equal(d.rows[1]?.line, 3);
		const bad = file("bad.jsonl", '{"text": "a", "label": 0}\n{"text": "b", "label": 2}\n');
		assert.throws(() => loadTextData(bad), { message: `${bad}:2: "label" must be 0 or 1, got 2` });
		assert.throws(() => loadTextData(file("bad2.jsonl", "{nope\n")), /bad2\.jsonl:1: not JSON/);
		assert.throws(() => loadTextData(file("bad3.jsonl", '{"label": 1}\n')), TextDataError);
	});

	it("reads tweeteval from either file of the pair, and refuses pairs of different lengths", () => {
		const t = file("train_text.txt", "first tweet \nsecond @user\n");
		const l = file("train_labels.txt", "0\n1\n");
		for (const p of [t, l]) {
			const d = loadTextData(p);
			assert.equal(d.format, "tweeteval");
			assert.deepEqual(brief(d.rows), [
				["first tweet ", 0],
				["second @user", 1],
			]);
		}
		file("val_text.txt", "a\nb\n");
		const vl = file("val_labels.txt", "0\n");
		assert.throws(() => loadTextData(vl), /has 2 lines but .*val_labels\.txt has 1/);
		file("x_text.txt", "a\n");
		const xl = file("x_labels.txt", "7\n");
		assert.throws(() => loadTextData(xl), { message: `${xl}:1: label must be 0 or 1, got "7"` });
		assert.throws(() => loadTextData(join(dir, "none_text.txt")), /cannot read .*none_text\.txt: no such file/);
	});

	it("reads OLID level A, or level B skipping the NOT tweets and counting them", () => {
		const p = file(
			"olid.tsv",
			"id\ttweet\tsubtask_a\tsubtask_b\tsubtask_c\r\n" +
				"1\tyou are great\tNOT\tNULL\tNULL\r\n" +
				"2\tgo away idiot\tOFF\tTIN\tIND\r\n" +
				"3\twhat the hell\tOFF\tUNT\tNULL\r\n",
		);
		const a = loadTextData(p);
		assert.equal(a.format, "olid");
		assert.deepEqual(brief(a.rows), [
			["you are great", 0],
			["go away idiot", 1],
			["what the hell", 1],
		]);
		assert.deepEqual(a.rows[1], {
			text: "go away idiot",
			label: 1,
			line: 3,
			id: "2",
			subtaskA: "OFF",
			subtaskB: "TIN",
			subtaskC: "IND",
		});
		const b = loadTextData(p, { olidTask: "b" });
		assert.deepEqual(brief(b.rows), [
			["go away idiot", 1],
			["what the hell", 0],
		]);
		assert.equal(b.skipped, 1);
		const bad = file("olid-bad.tsv", "id\ttweet\tsubtask_a\tsubtask_b\tsubtask_c\n1\thi\tMAYBE\tNULL\tNULL\n");
		assert.throws(() => loadTextData(bad), { message: `${bad}:2: subtask_a must be OFF or NOT, got "MAYBE"` });
		const short = file("olid-short.tsv", "1\thi\tNOT\n");
		assert.throws(() => loadTextData(short), /olid-short\.tsv:1: expected 5 tab-separated fields/);
	});

	it("reads Davidson's CSV with quoted multi-line tweets, hate or abuse as the positive class", () => {
		const p = file(
			"davidson.csv",
			",count,hate_speech,offensive_language,neither,class,tweet\n" +
				'0,3,0,0,3,2,"plain, ""quoted"" text"\n' +
				'1,3,3,0,0,0,"hateful\nacross lines"\n' +
				"2,3,0,3,0,1,rude words\n",
		);
		const abuse = loadTextData(p);
		assert.equal(abuse.format, "davidson");
		assert.deepEqual(brief(abuse.rows), [
			['plain, "quoted" text', 0],
			["hateful\nacross lines", 1],
			["rude words", 1],
		]);
		assert.deepEqual(
			abuse.rows.map((r) => [r.line, r.davidsonClass]),
			[
				[2, 2],
				[3, 0],
				[5, 1],
			],
		);
		assert.deepEqual(
			loadTextData(p, { davidsonPositive: "hate" }).rows.map((r) => r.label),
			[0, 1, 0],
		);
		const bad = file("davidson-bad.csv", ",class,tweet\n0,2,ok\n1,5,no\n2,1\n");
		assert.throws(() => loadTextData(bad), { message: `${bad}:3: class must be 0, 1 or 2, got "5"` });
		const crlf = file("davidson-crlf.csv", ',class,tweet\r\n0,2,"a\r\nb"\r\n1,0,c\r\n');
		assert.deepEqual(
			loadTextData(crlf).rows.map((r) => [r.text, r.line]),
			[
				["a\r\nb", 2],
				["c", 4],
			],
		);
		const junk = file("davidson-junk.csv", ',class,tweet\n0,2,"a"b\n');
		assert.throws(() => loadTextData(junk), /davidson-junk\.csv:2: text after a closing quote/);
		const open = file("davidson-open.csv", ',class,tweet\n0,2,"never closed\n');
		assert.throws(() => loadTextData(open), /davidson-open\.csv:2: a quoted field is not closed/);
	});

	it("reads SMS spam with or without a header line", () => {
		const p = file("sms.tsv", "label\ttext\nham\tsee you at 5\nspam\tWIN a prize! call 0800\n");
		const d = loadTextData(p);
		assert.equal(d.format, "sms");
		assert.deepEqual(brief(d.rows), [
			["see you at 5", 0],
			["WIN a prize! call 0800", 1],
		]);
		assert.deepEqual(brief(loadTextData(file("SMSSpamCollection", "spam\tfree\n")).rows), [["free", 1]]);
		const bad = file("sms-bad.tsv", "ham\tok\nmaybe\twhat\n");
		assert.throws(() => loadTextData(bad), { message: `${bad}:2: label must be ham or spam, got "maybe"` });
	});

	it("detects the format from the name, and lists the valid formats otherwise", () => {
		assert.equal(detectTextFormat("x/val.ndjson"), "jsonl");
		assert.equal(detectTextFormat("text/olid/olid-training-v1.0.tsv"), "olid");
		assert.equal(detectTextFormat("text/davidson2017/labeled_data.csv"), "davidson");
		assert.equal(detectTextFormat("text/sms-spam/SMSSpamCollection"), "sms");
		assert.throws(() => detectTextFormat("data.csv"), /give --format \(one of jsonl, tweeteval, olid, davidson, sms\)/);
		assert.throws(
			() => parseTextFormat("csv"),
			/unknown format "csv": use one of jsonl, tweeteval, olid, davidson, sms/,
		);
	});

	it("takes the training data folder from BULWARK_TRAINING_DATA, else ../shared/data beside the package", () => {
		assert.equal(trainingDataDir({ BULWARK_TRAINING_DATA: "/tmp/td" }), "/tmp/td");
		assert.match(trainingDataDir({}), /[/\\]shared[/\\]data$/);
	});
});

const real = trainingDataDir();
describe("the real data sets in ../shared/data match DATA.md", {
	skip: existsSync(join(real, "text")) ? false : `no training data at ${real} (set BULWARK_TRAINING_DATA)`,
}, () => {
	const cases: [string, Parameters<typeof loadTextData>[1], number, number][] = [
		["text/tweeteval/offensive/train_text.txt", {}, 11_916, 3_941],
		["text/tweeteval/offensive/val_text.txt", {}, 1_324, 459],
		["text/tweeteval/hate/train_text.txt", {}, 9_000, 3_783],
		["text/tweeteval/hate/val_text.txt", {}, 1_000, 427],
		["text/olid/olid-training-v1.0.tsv", {}, 13_240, 4_400],
		["text/davidson2017/labeled_data.csv", {}, 24_783, 20_620],
		["text/davidson2017/labeled_data.csv", { davidsonPositive: "hate" }, 24_783, 1_430],
		["text/sms-spam/SMSSpamCollection", {}, 5_574, 747],
	];
	for (const [path, options, rows, positives] of cases) {
		it(`${path} ${JSON.stringify(options)}: ${rows} rows, ${positives} positive`, () => {
			const d = loadTextData(join(real, path), options);
			assert.equal(d.rows.length, rows);
			assert.equal(d.rows.filter((r) => r.label === 1).length, positives);
		});
	}
	it("OLID level B: the 4,400 offensive tweets, the 8,840 others skipped", () => {
		const d = loadTextData(join(real, "text/olid/olid-training-v1.0.tsv"), { olidTask: "b" });
		assert.equal(d.rows.length, 4_400);
		assert.equal(d.skipped, 8_840);
	});
});
