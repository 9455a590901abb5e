// Loaders for the labelled text data sets in ../shared/data (see its DATA.md), each as its source
// published it. Every loader returns binary rows; a malformed line is an error naming file:line,
// never silently dropped. Rows are only skipped where the task defines it (OLID level B has no
// label for a tweet that is not offensive) and the count is returned.
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const TEXT_FORMATS = ["jsonl", "tweeteval", "olid", "davidson", "sms"] as const;
export type TextFormat = (typeof TEXT_FORMATS)[number];

/** One labelled text. `line` is the 1-based line of the file where the row starts. */
export interface TextRow {
	text: string;
	label: 0 | 1;
	line: number;
	/** olid: the tweet id and the three level labels as published (`null` where the file says NULL). */
	id?: string;
	subtaskA?: "OFF" | "NOT";
	subtaskB?: "TIN" | "UNT" | null;
	subtaskC?: "IND" | "GRP" | "OTH" | null;
	/** davidson: the original class (0 hate, 1 offensive, 2 neither). */
	davidsonClass?: 0 | 1 | 2;
}

export interface TextDataset {
	format: TextFormat;
	path: string;
	rows: TextRow[];
	/** Rows the task defines as having no label (OLID level B: tweets that are NOT offensive). */
	skipped: number;
}

export interface LoadTextOptions {
	/** Default: from the file name ({@link detectTextFormat}). */
	format?: TextFormat;
	/** olid: `a` (default) labels OFF 1 / NOT 0; `b` (the `targeted` model) labels TIN 1 / UNT 0 and skips NOT rows. */
	olidTask?: "a" | "b";
	/** davidson: `abuse` (default) makes hate or offensive the positive class, `hate` only hate. */
	davidsonPositive?: "abuse" | "hate";
}

/** A malformed input line: the message reads `file:line: reason`. */
export class TextDataError extends Error {
	constructor(
		readonly file: string,
		readonly line: number,
		readonly reason: string,
	) {
		super(`${file}:${line}: ${reason}`);
		this.name = "TextDataError";
	}
}

/**
 * Reads a labelled text file as binary rows.
 * @example loadTextData("../shared/data/text/olid/olid-training-v1.0.tsv", { olidTask: "b" }).rows[0]
 * // { text: "@USER Go home you’re drunk!!! ...", label: 1, line: 3, id: "90194", subtaskA: "OFF", subtaskB: "TIN", subtaskC: "IND" }
 */
export function loadTextData(path: string, options: LoadTextOptions = {}): TextDataset {
	const format = options.format ?? detectTextFormat(path);
	if (format === "tweeteval") {
		const { textPath, labelsPath } = tweetevalPaths(path);
		return {
			format,
			path,
			rows: parseTweetEval(readTextFile(textPath), readTextFile(labelsPath), textPath, labelsPath),
			skipped: 0,
		};
	}
	const text = readTextFile(path);
	switch (format) {
		case "jsonl":
			return { format, path, rows: parseJsonl(text, path), skipped: 0 };
		case "olid":
			return { format, path, ...parseOlid(text, path, options.olidTask ?? "a") };
		case "davidson":
			return { format, path, rows: parseDavidson(text, path, options.davidsonPositive ?? "abuse"), skipped: 0 };
		case "sms":
			return { format, path, rows: parseSms(text, path), skipped: 0 };
		default:
			throw new Error(`unknown text format "${format}": use one of ${TEXT_FORMATS.join(", ")}`);
	}
}

/** Parses a format name, or throws an error listing the valid ones. */
export function parseTextFormat(name: string): TextFormat {
	if ((TEXT_FORMATS as readonly string[]).includes(name)) return name as TextFormat;
	throw new Error(`unknown format "${name}": use one of ${TEXT_FORMATS.join(", ")}`);
}

/**
 * The format a file name implies: `*.jsonl`/`*.ndjson` jsonl, `*_text.txt`/`*_labels.txt` tweeteval,
 * then a path naming `olid`, `davidson` (or `labeled_data.csv`), `sms` (or `SMSSpamCollection`).
 */
export function detectTextFormat(path: string): TextFormat {
	const lower = path.toLowerCase();
	const name = basename(lower);
	if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) return "jsonl";
	if (name.endsWith("_text.txt") || name.endsWith("_labels.txt")) return "tweeteval";
	if (lower.includes("olid")) return "olid";
	if (lower.includes("davidson") || name === "labeled_data.csv") return "davidson";
	if (lower.includes("sms")) return "sms";
	throw new Error(`cannot tell the format of ${path} from its name: give --format (one of ${TEXT_FORMATS.join(", ")})`);
}

/**
 * The folder of the training data: `BULWARK_TRAINING_DATA`, else `../shared/data` relative to the
 * package root (the folder holding package.json).
 */
export function trainingDataDir(env: NodeJS.ProcessEnv = process.env): string {
	const fromEnv = env.BULWARK_TRAINING_DATA;
	if (fromEnv) return resolve(fromEnv);
	return resolve(packageRoot(), "..", "shared", "data");
}

/** The nearest folder above this module holding a package.json (works from src/ and dist/). */
export function packageRoot(): string {
	let dir = dirname(fileURLToPath(import.meta.url));
	for (;;) {
		if (existsSync(join(dir, "package.json"))) return dir;
		const up = dirname(dir);
		if (up === dir) return process.cwd();
		dir = up;
	}
}

/** A UTF-8 text file without its byte-order mark; throws naming the file ("no such file" when missing). */
export function readTextFile(path: string): string {
	try {
		return readFileSync(path, "utf8").replace(/^\uFEFF/, "");
	} catch (err) {
		const code = (err as NodeJS.ErrnoException).code;
		throw new Error(`cannot read ${path}: ${code === "ENOENT" ? "no such file" : (err as Error).message}`);
	}
}

/** Lines without their `\r`; a final empty line after the last newline is dropped. */
function lines(text: string): string[] {
	const out = text.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
	if (out.length > 0 && out[out.length - 1] === "") out.pop();
	return out;
}

export function parseJsonl(text: string, file: string): TextRow[] {
	const rows: TextRow[] = [];
	lines(text).forEach((raw, i) => {
		if (raw.trim() === "") return;
		let v: unknown;
		try {
			v = JSON.parse(raw);
		} catch (err) {
			throw new TextDataError(file, i + 1, `not JSON (${(err as Error).message})`);
		}
		if (typeof v !== "object" || v === null || Array.isArray(v))
			throw new TextDataError(file, i + 1, 'expected an object {"text": "...", "label": 0|1}');
		const o = v as Record<string, unknown>;
		if (typeof o.text !== "string") throw new TextDataError(file, i + 1, '"text" must be a string');
		if (o.label !== 0 && o.label !== 1)
			throw new TextDataError(file, i + 1, `"label" must be 0 or 1, got ${JSON.stringify(o.label)}`);
		rows.push({ text: o.text, label: o.label, line: i + 1 });
	});
	return rows;
}

/** Both files of a TweetEval split, from either of them. */
export function tweetevalPaths(path: string): { textPath: string; labelsPath: string } {
	if (path.endsWith("_text.txt"))
		return { textPath: path, labelsPath: `${path.slice(0, -"_text.txt".length)}_labels.txt` };
	if (path.endsWith("_labels.txt"))
		return { textPath: `${path.slice(0, -"_labels.txt".length)}_text.txt`, labelsPath: path };
	throw new Error(`${path}: a tweeteval file is named *_text.txt or *_labels.txt (with the other beside it)`);
}

export function parseTweetEval(text: string, labels: string, textFile: string, labelsFile: string): TextRow[] {
	const texts = lines(text);
	const ls = lines(labels);
	if (texts.length !== ls.length)
		throw new Error(
			`${textFile} has ${texts.length} lines but ${labelsFile} has ${ls.length}: they must pair one to one`,
		);
	return texts.map((t, i) => {
		const l = (ls[i] as string).trim();
		if (l !== "0" && l !== "1") throw new TextDataError(labelsFile, i + 1, `label must be 0 or 1, got "${l}"`);
		return { text: t, label: l === "1" ? 1 : 0, line: i + 1 };
	});
}

const OLID_B = new Set(["TIN", "UNT"]);
const OLID_C = new Set(["IND", "GRP", "OTH"]);

export function parseOlid(text: string, file: string, task: "a" | "b"): { rows: TextRow[]; skipped: number } {
	const rows: TextRow[] = [];
	let skipped = 0;
	lines(text).forEach((raw, i) => {
		const line = i + 1;
		if (i === 0 && raw.startsWith("id\t")) return;
		if (raw.trim() === "") throw new TextDataError(file, line, "empty line");
		const f = raw.split("\t");
		if (f.length !== 5)
			throw new TextDataError(
				file,
				line,
				`expected 5 tab-separated fields (id tweet subtask_a subtask_b subtask_c), got ${f.length}`,
			);
		const [id, tweet, a, b, c] = f as [string, string, string, string, string];
		if (a !== "OFF" && a !== "NOT") throw new TextDataError(file, line, `subtask_a must be OFF or NOT, got "${a}"`);
		const subtaskB = b === "NULL" ? null : (b as "TIN" | "UNT");
		if (subtaskB !== null && !OLID_B.has(subtaskB))
			throw new TextDataError(file, line, `subtask_b must be TIN, UNT or NULL, got "${b}"`);
		const subtaskC = c === "NULL" ? null : (c as "IND" | "GRP" | "OTH");
		if (subtaskC !== null && !OLID_C.has(subtaskC))
			throw new TextDataError(file, line, `subtask_c must be IND, GRP, OTH or NULL, got "${c}"`);
		let label: 0 | 1;
		if (task === "a") label = a === "OFF" ? 1 : 0;
		else if (a === "NOT") {
			skipped++;
			return;
		} else if (subtaskB === null) throw new TextDataError(file, line, "an OFF tweet needs subtask_b TIN or UNT");
		else label = subtaskB === "TIN" ? 1 : 0;
		rows.push({ text: tweet, label, line, id, subtaskA: a, subtaskB, subtaskC });
	});
	return { rows, skipped };
}

/** RFC 4180 records (quoted fields may hold commas, quotes as `""` and newlines), each with its first line. */
export function parseCsv(text: string, file: string): { fields: string[]; line: number }[] {
	const out: { fields: string[]; line: number }[] = [];
	const n = text.length;
	let i = 0;
	let line = 1;
	while (i < n) {
		const start = line;
		const fields: string[] = [];
		for (;;) {
			let field: string;
			if (text[i] === '"') {
				field = "";
				let from = i + 1;
				for (;;) {
					const q = text.indexOf('"', from);
					if (q < 0) throw new TextDataError(file, start, "a quoted field is not closed before the end of the file");
					field += text.slice(from, q);
					if (text[q + 1] === '"') {
						field += '"';
						from = q + 2;
					} else {
						i = q + 1;
						break;
					}
				}
				for (let k = field.indexOf("\n"); k >= 0; k = field.indexOf("\n", k + 1)) line++;
			} else {
				let e = i;
				while (e < n && text[e] !== "," && text[e] !== "\n" && text[e] !== "\r") e++;
				field = text.slice(i, e);
				i = e;
			}
			fields.push(field);
			if (text[i] === ",") {
				i++;
				continue;
			}
			if (i < n && text[i] !== "\n" && text[i] !== "\r")
				throw new TextDataError(file, line, "text after a closing quote (expected a comma or the end of the line)");
			if (text[i] === "\r") i++;
			if (text[i] === "\n") i++;
			line++;
			break;
		}
		if (!(fields.length === 1 && fields[0] === "")) out.push({ fields, line: start });
	}
	return out;
}

export function parseDavidson(text: string, file: string, positive: "abuse" | "hate"): TextRow[] {
	const records = parseCsv(text, file);
	const header = records[0];
	if (!header) return [];
	const classCol = header.fields.indexOf("class");
	const tweetCol = header.fields.indexOf("tweet");
	if (classCol < 0 || tweetCol < 0)
		throw new TextDataError(file, header.line, 'the header must name the columns "class" and "tweet"');
	const width = header.fields.length;
	return records.slice(1).map(({ fields, line }) => {
		if (fields.length !== width) throw new TextDataError(file, line, `expected ${width} fields, got ${fields.length}`);
		const c = fields[classCol];
		if (c !== "0" && c !== "1" && c !== "2") throw new TextDataError(file, line, `class must be 0, 1 or 2, got "${c}"`);
		const cls = Number(c) as 0 | 1 | 2;
		const label = positive === "hate" ? (cls === 0 ? 1 : 0) : cls === 2 ? 0 : 1;
		return { text: fields[tweetCol] as string, label, line, davidsonClass: cls };
	});
}

export function parseSms(text: string, file: string): TextRow[] {
	const rows: TextRow[] = [];
	lines(text).forEach((raw, i) => {
		const tab = raw.indexOf("\t");
		const label = tab < 0 ? raw : raw.slice(0, tab);
		if (i === 0 && label.toLowerCase() === "label") return;
		if (tab < 0) throw new TextDataError(file, i + 1, "expected label<TAB>text");
		if (label !== "ham" && label !== "spam")
			throw new TextDataError(file, i + 1, `label must be ham or spam, got "${label}"`);
		rows.push({ text: raw.slice(tab + 1), label: label === "spam" ? 1 : 0, line: i + 1 });
	});
	return rows;
}
