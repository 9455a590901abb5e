import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { trainingDataDir } from "../text/data.ts";
import { ACCOUNT_SET_NAMES, ACCOUNT_SETS, loadAccountSet, loadLabelledAccounts, parseAccountSetName } from "./data.ts";

const dir = mkdtempSync(join(tmpdir(), "bulwark-accounts-data-"));
after(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, text: string): string {
	const p = join(dir, name);
	mkdirSync(join(p, ".."), { recursive: true });
	writeFileSync(p, text);
	return p;
}

const HEADER =
	'"id","name","screen_name","statuses_count","followers_count","friends_count","favourites_count","listed_count","default_profile","description","created_at","crawled_at","label"';

describe("account data loaders", () => {
	it("read labelled user objects, quoted fields with commas and newlines included", () => {
		const p = file(
			"test.csv",
			`${HEADER}\n"1","Ann","ann_1","10","2","300","0","0","True","likes, cats\nand dogs","Tue Jun 11 11:20:35 +0000 2013","2015-05-02 06:41:46","1"\n` +
				`"2","Bob","bob","5000",,"200","NULL","3","","","Mon Jan 02 00:00:00 +0000 2012","2015-05-02 06:41:46","0"\n`,
		);
		const s = loadLabelledAccounts(p);
		assert.equal(s.rows.length, 2);
		const [a, b] = s.rows;
		assert.equal(a?.label, 1);
		assert.equal(a?.profile.description, "likes, cats\nand dogs");
		assert.equal(a?.profile.defaultProfile, true);
		assert.equal(b?.label, 0);
		assert.equal(b?.line, 4);
		assert.equal(b?.profile.followers, null);
		assert.equal(b?.profile.favourites, null);
		assert.equal(b?.profile.defaultProfile, false);
	});

	it("name file:line of a bad row, and refuse a file without labels or needed columns", () => {
		const bad = file(
			"bad.csv",
			`${HEADER}\n"1","Ann","ann","1","1","1","1","1","","","Tue Jun 11 11:20:35 +0000 2013","2015-05-02 06:41:46","2"\n`,
		);
		assert.throws(() => loadLabelledAccounts(bad), { message: `${bad}:2: label must be 0 or 1, got "2"` });
		const noLabel = file("nolabel.csv", `${HEADER.replace(',"label"', "")}\n`);
		assert.throws(() => loadLabelledAccounts(noLabel), /must name a "label" column/);
		const noDate = file(
			"nodate.csv",
			`${HEADER}\n"1","Ann","ann","1","1","1","1","1","","","never","2015-05-02 06:41:46","0"\n`,
		);
		assert.throws(() => loadLabelledAccounts(noDate), /nodate\.csv:2: created_at "never" is not a date/);
		assert.throws(() => loadLabelledAccounts(join(dir, "none.csv")), /cannot read .*none\.csv: no such file/);
	});

	it("read Caverlee's headerless rows and check each file's row count", () => {
		const root = join(dir, "accounts");
		file("accounts/caverlee2011/legitimate_users.csv", "614,7/13/2006 15:30,11/20/2009 23:56,510,350,3265,10,34,0\n");
		file("accounts/caverlee2011/content_polluters.csv", "6301,9/18/2006 1:07,1/17/2010 20:38,3269,3071,861,8,132,1\n");
		assert.throws(() => loadAccountSet(root, "caverlee2011"), /1 rows, DATA\.md says 19232/);
		const s = loadAccountSet(root, "caverlee2011", false);
		assert.deepEqual(
			s.rows.map((r) => [r.source, r.label, r.profile.friends, r.profile.followers, r.profile.statuses]),
			[
				["caverlee2011/legitimate", 0, 510, 350, 3265],
				["caverlee2011/content_polluters", 1, 3269, 3071, 861],
			],
		);
		assert.equal(s.rows[0]?.profile.screenNameLength, 10);
		assert.equal(s.rows[0]?.profile.observedAt, Date.UTC(2009, 10, 20, 23, 56));
		file("accounts/caverlee2011/content_polluters.csv", "6301,9/18/2006 1:07,1/17/2010 20:38,3269,3071,861,8,132,0\n");
		assert.throws(() => loadAccountSet(root, "caverlee2011", false), /content_polluters\.csv:1: label "0"/);
		assert.throws(() => parseAccountSetName("botwiki"), /use one of caverlee2011|use one of cresci2017/);
	});

	const shared = join(trainingDataDir(), "accounts");
	it("load every shared set with DATA.md's row counts", { skip: !existsSync(shared) && "no ../shared/data" }, () => {
		for (const name of ACCOUNT_SET_NAMES) {
			const s = loadAccountSet(shared, name);
			for (const f of ACCOUNT_SETS[name]) {
				const part = s.rows.filter((r) => r.source === `${name}/${f.part}`);
				assert.equal(part.length, f.rows, f.file);
				assert.ok(part.every((r) => r.label === f.label && r.profile.createdAt !== null));
			}
		}
	});
});
