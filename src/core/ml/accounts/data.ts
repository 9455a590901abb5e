/**
 * Loaders for the labelled account data sets in ../shared/data/accounts (see its DATA.md), each
 * as its source published it, and for labelled user-object CSVs (`bulwark eval accounts`). Every
 * row becomes an {@link AccountProfile} with a label (0 human, 1 bot); a malformed row is an
 * error naming file:line, never silently dropped, and a file whose row count differs from the
 * one DATA.md states is refused (a different copy of the data would change every figure).
 *
 * @example
 * const set = loadAccountSet(join(trainingDataDir(), "accounts"), "cresci2015");
 * set.rows.length // 2818
 */
import { basename, join } from "node:path";
import { parseCsv, readTextFile, TextDataError } from "../text/data.ts";
import { type AccountProfile, EMPTY_PROFILE } from "./profile.ts";
import { parseDate, twitterProfile, type UserRecord } from "./twitter.ts";

/** One labelled account. */
export interface LabelledAccount {
	readonly profile: AccountProfile;
	readonly label: 0 | 1;
	/** The data set and part it comes from, e.g. `cresci2017/social_spambots_2`. */
	readonly source: string;
	/** The screen name where the file has it (for duplicate checks), else the row's id. */
	readonly key: string;
	/** 1-based line of the file where the row starts. */
	readonly line: number;
	/**
	 * The account the row is a view of, where a file has several rows of one account (the
	 * platform's snapshots, `platform.ts`): a train/validation split keeps them on one side.
	 */
	readonly group?: string;
}

export interface AccountFile {
	/** Path under the accounts folder. */
	readonly file: string;
	readonly label: 0 | 1;
	/** The part's name in reports: `genuine`, `social_spambots_2`, ... */
	readonly part: string;
	/** Data rows as DATA.md states. */
	readonly rows: number;
	readonly format: "users" | "caverlee";
}

export const ACCOUNT_SETS = {
	cresci2017: [
		{ file: "cresci2017/genuine_accounts_users.csv", label: 0, part: "genuine", rows: 2_474, format: "users" },
		{
			file: "cresci2017/social_spambots_2_users.csv",
			label: 1,
			part: "social_spambots_2",
			rows: 3_457,
			format: "users",
		},
	],
	cresci2015: [
		{ file: "cresci2015/e13_genuine_users.csv", label: 0, part: "e13_genuine", rows: 1_481, format: "users" },
		{
			file: "cresci2015/int_fake_followers_users.csv",
			label: 1,
			part: "int_fake_followers",
			rows: 1_337,
			format: "users",
		},
	],
	caverlee2011: [
		{ file: "caverlee2011/legitimate_users.csv", label: 0, part: "legitimate", rows: 19_232, format: "caverlee" },
		{
			file: "caverlee2011/content_polluters.csv",
			label: 1,
			part: "content_polluters",
			rows: 22_179,
			format: "caverlee",
		},
	],
} as const satisfies Record<string, readonly AccountFile[]>;

export type AccountSetName = keyof typeof ACCOUNT_SETS;
export const ACCOUNT_SET_NAMES = Object.keys(ACCOUNT_SETS) as AccountSetName[];

export interface AccountSet {
	readonly name: string;
	readonly rows: LabelledAccount[];
	readonly files: string[];
}

/** Parses a set name, or throws an error listing the valid ones. */
export function parseAccountSetName(name: string): AccountSetName {
	if (name in ACCOUNT_SETS) return name as AccountSetName;
	throw new Error(`unknown account data set "${name}": use one of ${ACCOUNT_SET_NAMES.join(", ")}`);
}

/**
 * Loads one data set from the accounts folder (`<training data>/accounts`), its human file(s)
 * first. `checkCounts: false` accepts a copy whose row counts differ from DATA.md's.
 */
export function loadAccountSet(accountsDir: string, name: AccountSetName, checkCounts = true): AccountSet {
	const rows: LabelledAccount[] = [];
	const files: string[] = [];
	for (const f of ACCOUNT_SETS[name] as readonly AccountFile[]) {
		const path = join(accountsDir, f.file);
		const source = `${name}/${f.part}`;
		const part =
			f.format === "caverlee"
				? parseCaverlee(readTextFile(path), path, f.label, source)
				: parseUsers(readTextFile(path), path, f.label, source);
		if (checkCounts && part.length !== f.rows)
			throw new Error(`${path}: ${part.length} rows, DATA.md says ${f.rows} (a different copy of the data?)`);
		rows.push(...part);
		files.push(path);
	}
	return { name, rows, files };
}

/**
 * Reads a CSV of user objects with a `label` column (0 human, 1 bot): the format of
 * `bulwark eval accounts --data`. A file without `label` is refused.
 */
export function loadLabelledAccounts(path: string): AccountSet {
	const rows = parseUsers(readTextFile(path), path, "column", basename(path));
	return { name: basename(path), rows, files: [path] };
}

/**
 * A CSV of user objects with a header. `label` is the label of every row, or `"column"` to read
 * each row's from its `label` column.
 */
export function parseUsers(text: string, file: string, label: 0 | 1 | "column", source: string): LabelledAccount[] {
	const records = parseCsv(text, file);
	const header = records[0];
	if (!header) return [];
	const cols = header.fields.map((c) => c.trim());
	const labelCol = cols.indexOf("label");
	if (label === "column" && labelCol < 0)
		throw new TextDataError(file, header.line, 'the header must name a "label" column (0 human, 1 bot)');
	for (const need of ["screen_name", "created_at", "statuses_count", "followers_count", "friends_count"])
		if (!cols.includes(need)) throw new TextDataError(file, header.line, `the header has no "${need}" column`);
	return records.slice(1).map(({ fields, line }) => {
		if (fields.length !== cols.length)
			throw new TextDataError(file, line, `expected ${cols.length} fields, got ${fields.length}`);
		const r: Record<string, string> = {};
		cols.forEach((c, i) => {
			r[c] = fields[i] as string;
		});
		let y: 0 | 1;
		if (label === "column") {
			const l = (fields[labelCol] as string).trim();
			if (l !== "0" && l !== "1") throw new TextDataError(file, line, `label must be 0 or 1, got "${l}"`);
			y = l === "1" ? 1 : 0;
		} else y = label;
		let profile: AccountProfile;
		try {
			profile = twitterProfile(r as UserRecord);
		} catch (err) {
			throw new TextDataError(file, line, (err as Error).message);
		}
		if (profile.createdAt === null) throw new TextDataError(file, line, `created_at "${r.created_at}" is not a date`);
		const group = r.id?.trim() || undefined;
		return { profile, label: y, source, key: r.screen_name || r.id || String(line), line, group };
	});
}

/**
 * Caverlee 2011 (no header): `user_id, created_at, collected_at, followings, followers, tweets,
 * screen_name_length, description_length, label`, dates `M/D/YYYY H:MM`. The user id is not
 * read into the profile: ids are allotted in time order, so it would be a date in disguise.
 */
export function parseCaverlee(text: string, file: string, label: 0 | 1, source: string): LabelledAccount[] {
	const out: LabelledAccount[] = [];
	const lines = text.split("\n");
	for (let i = 0; i < lines.length; i++) {
		const raw = (lines[i] as string).replace(/\r$/, "");
		if (raw.trim() === "") continue;
		const line = i + 1;
		const f = raw.split(",");
		if (f.length !== 9) throw new TextDataError(file, line, `expected 9 fields, got ${f.length}`);
		const createdAt = parseDate(f[1]);
		const observedAt = parseDate(f[2]);
		if (createdAt === null || observedAt === null)
			throw new TextDataError(file, line, `created_at "${f[1]}" or collected_at "${f[2]}" is not a date`);
		const n = f.slice(3, 8).map(Number);
		if (n.some((x) => !Number.isFinite(x) || x < 0))
			throw new TextDataError(file, line, "followings, followers, tweets and the two lengths must be numbers ≥ 0");
		if ((f[8] as string).trim() !== String(label))
			throw new TextDataError(file, line, `label "${f[8]}" is not this file's ${label}`);
		const [friends, followers, statuses, screenNameLength, descriptionLength] = n as [
			number,
			number,
			number,
			number,
			number,
		];
		out.push({
			profile: {
				...EMPTY_PROFILE,
				observedAt,
				createdAt,
				friends,
				followers,
				statuses,
				screenNameLength,
				descriptionLength,
			},
			label,
			source,
			key: f[0] as string,
			line,
		});
	}
	return out;
}
