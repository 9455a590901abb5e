/**
 * Ground truth for a backtest: which accounts and posts are bad (and of which threat), read
 * from the simulator's truth file or from a plain list of labels.
 */
export interface GroundTruth {
	/** `simulator`: `bulwark simulate --truth`; `labels`: NDJSON or CSV lines of `kind, id, label[, threat]`. */
	source: "simulator" | "labels";
	/** Bad accounts, each with its threat (`""` when the source names none). */
	badAccounts: ReadonlyMap<string, string>;
	/** Bad posts, each with its threat (`""` when the source names none). */
	badPosts: ReadonlyMap<string, string>;
	/** Post authors the truth knows (the simulator's bad posts): for posts the replay never saw created. */
	postAuthors: ReadonlyMap<string, string>;
	/** Accounts that count neither as bad nor as good: left out of precision and recall. */
	ignoredAccounts: ReadonlySet<string>;
	/** The threats named, sorted; empty when the source names none. */
	threats: readonly string[];
	/** `labels`: every account listed, with its label (1 bad) - the accounts a person reviewed. */
	accountLabels?: ReadonlyMap<string, 0 | 1>;
}

/** The simulator's truth file (`Truth` in src/simulator/truth.ts), as much of it as scoring reads. */
export interface SimulatorTruth {
	accounts: Record<string, { threat: string; firstBadTs: number | null; role?: string }>;
	posts: Record<string, { threat: string; author: string }>;
	/** Organic accounts a follower farm boosts: neither a threat nor collateral. */
	beneficiaries?: readonly string[];
}

/** A truth file that cannot be read: every problem, with its line where it has one. */
export class TruthFormatError extends Error {
	constructor(readonly problems: readonly string[]) {
		const shown = problems.slice(0, 10);
		const more = problems.length > shown.length ? `\n  ... and ${problems.length - shown.length} more` : "";
		super(`the truth file cannot be read:\n  ${shown.join("\n  ")}${more}`);
		this.name = "TruthFormatError";
	}
}

/**
 * Reads a truth file, whichever of the two formats it is in:
 * - the simulator's ground truth (one JSON object with `accounts` and `posts`): an adversary
 *   account with a bad act in the run is bad, an adversary without one and a farm customer are
 *   left out (as the scorecard does), every other account is good; every listed post is bad;
 * - labels, one a line, NDJSON `{"kind":"account","id":"u1","label":1,"threat":"spam"}` or CSV
 *   `account,u1,1,spam` (a header line `kind,id,label,...` and `#` comments are skipped;
 *   `threat` is optional): label 1 is bad, 0 good; an entity not listed is good.
 * Throws TruthFormatError listing every bad line.
 * @example parseTruth('{"kind":"account","id":"u7","label":1}\n').badAccounts // Map { "u7" => "" }
 */
export function parseTruth(text: string): GroundTruth {
	const sim = simulatorTruthOf(text);
	return sim ? fromSimulator(sim) : fromLabels(text);
}

/** The text as the simulator's truth file (one JSON object with `accounts` and `posts`), or undefined. */
export function simulatorTruthOf(text: string): SimulatorTruth | undefined {
	const trimmed = text.trim();
	if (!trimmed.startsWith("{")) return undefined;
	let whole: unknown;
	try {
		whole = JSON.parse(trimmed);
	} catch {
		return undefined; // several lines: labels
	}
	return isObject(whole) && isObject(whole.accounts) && isObject(whole.posts)
		? (whole as unknown as SimulatorTruth)
		: undefined;
}

/** The simulator's truth as scoring counts it (see {@link parseTruth}). */
export function fromSimulator(t: SimulatorTruth): GroundTruth {
	const badAccounts = new Map<string, string>();
	const ignored = new Set<string>(t.beneficiaries ?? []);
	for (const [id, a] of Object.entries(t.accounts)) {
		if (a.firstBadTs === null || a.firstBadTs === undefined) ignored.add(id);
		else badAccounts.set(id, String(a.threat));
	}
	const badPosts = new Map<string, string>();
	const postAuthors = new Map<string, string>();
	for (const [id, p] of Object.entries(t.posts)) {
		badPosts.set(id, String(p.threat));
		if (typeof p.author === "string") postAuthors.set(id, p.author);
	}
	return {
		source: "simulator",
		badAccounts,
		badPosts,
		postAuthors,
		ignoredAccounts: ignored,
		threats: threatsOf(badAccounts, badPosts),
	};
}

function fromLabels(text: string): GroundTruth {
	const problems: string[] = [];
	const labels = { account: new Map<string, { bad: boolean; threat: string }>(), post: new Map() };
	let first = true;
	for (const [i, raw] of text.split("\n").entries()) {
		const line = raw.trim();
		if (!line || line.startsWith("#")) continue;
		const no = i + 1;
		if (first && !line.startsWith("{") && /^kind\s*,/i.test(line)) {
			first = false;
			continue; // a CSV header
		}
		first = false;
		const row = line.startsWith("{") ? jsonRow(line) : csvRow(line);
		if (typeof row === "string") {
			problems.push(`line ${no}: ${row}`);
			continue;
		}
		const map = labels[row.kind];
		const before = map.get(row.id);
		if (before && before.bad !== row.bad) {
			problems.push(`line ${no}: ${row.kind} ${row.id} is listed before with the other label`);
			continue;
		}
		map.set(row.id, { bad: row.bad, threat: row.threat || before?.threat || "" });
	}
	if (problems.length) throw new TruthFormatError(problems);
	const bad = (m: Map<string, { bad: boolean; threat: string }>) =>
		new Map([...m].filter(([, v]) => v.bad).map(([id, v]) => [id, v.threat]));
	const badAccounts = bad(labels.account);
	const badPosts = bad(labels.post);
	if (!badAccounts.size && !badPosts.size && !labels.account.size && !labels.post.size)
		throw new TruthFormatError(["no labels: expected the simulator's truth JSON or lines of kind, id, label"]);
	return {
		source: "labels",
		badAccounts,
		badPosts,
		postAuthors: new Map(),
		ignoredAccounts: new Set(),
		threats: threatsOf(badAccounts, badPosts),
		accountLabels: new Map([...labels.account].map(([id, v]) => [id, v.bad ? 1 : 0])),
	};
}

type Row = { kind: "account" | "post"; id: string; bad: boolean; threat: string };

function jsonRow(line: string): Row | string {
	let v: unknown;
	try {
		v = JSON.parse(line);
	} catch (err) {
		return `not valid JSON: ${(err as Error).message}`;
	}
	if (!isObject(v)) return "expected an object {kind, id, label}";
	return checkRow(v.kind, v.id, v.label, v.threat);
}

function csvRow(line: string): Row | string {
	const cells = line.split(",").map((c) => c.trim().replace(/^"(.*)"$/, "$1"));
	if (cells.length < 3 || cells.length > 4) return "expected kind,id,label[,threat]";
	const [kind, id, label, threat] = cells;
	return checkRow(kind, id, label, threat);
}

function checkRow(kind: unknown, id: unknown, label: unknown, threat: unknown): Row | string {
	if (kind !== "account" && kind !== "post") return `kind must be "account" or "post" (got ${JSON.stringify(kind)})`;
	if (typeof id !== "string" || !id) return "id must be a non-empty string";
	const bad = label === 1 || label === "1" || label === true;
	if (!bad && label !== 0 && label !== "0" && label !== false)
		return `label must be 1 or 0 (got ${JSON.stringify(label)})`;
	if (threat !== undefined && threat !== null && typeof threat !== "string") return "threat must be a string";
	return { kind, id, bad, threat: typeof threat === "string" ? threat : "" };
}

function threatsOf(...maps: ReadonlyMap<string, string>[]): string[] {
	const out = new Set<string>();
	for (const m of maps) for (const t of m.values()) if (t) out.add(t);
	return [...out].sort();
}

function isObject(v: unknown): v is Record<string, unknown> {
	return typeof v === "object" && v !== null && !Array.isArray(v);
}
