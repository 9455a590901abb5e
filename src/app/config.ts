import { dirname, join, resolve } from "node:path";
import { parseDuration } from "../core/shared/index.ts";
import { defaultRulesDir, PACKAGE_RULES_DIR } from "./rules.ts";

/** The package's own models folder (`models/` next to `package.json`), whatever the working directory. */
export const PACKAGE_MODELS_DIR = join(dirname(PACKAGE_RULES_DIR), "models");

export interface Config {
	port: number;
	host: string;
	dataDir: string;
	apiKeys: string[];
	bodyLimit: number;
	batchLimit: number;
	batchMaxLines: number;
	rateLimit: number;
	retentionMs: number;
	snapshotIntervalMs: number;
	logLevel: string;
	/** The rules folder the event path runs (absolute), or null for none. */
	rulesDir: string | null;
	/** `--rules` / `BULWARK_RULES` was given: the folder wins over a version deployed over the API. */
	rulesExplicit: boolean;
	/** Text models served on the event path (`text.<name>` signals), each a folder under `modelsDir`. */
	textModels: string[];
	/** Account models served on the event path (`bot`: the `account.bot` signal; `behaviour`: `account.behaviour`), each a folder under `modelsDir`. */
	accountModels: string[];
	/** Where the text models are (absolute). */
	modelsDir: string;
}

type Kind = "int" | "string" | "bytes" | "duration" | "list" | "rules" | "names" | "path";

/** One row of the configuration table: the README prints this same list. */
export interface Setting {
	key: keyof Config;
	flag: string;
	env: string;
	default: string;
	kind: Kind;
	description: string;
}

export const SETTINGS: readonly Setting[] = [
	{ key: "port", flag: "--port", env: "PORT", default: "8080", kind: "int", description: "HTTP port" },
	{
		key: "host",
		flag: "--host",
		env: "HOST",
		default: "127.0.0.1",
		kind: "string",
		description: "address to listen on (0.0.0.0 for all)",
	},
	{
		key: "dataDir",
		flag: "--data",
		env: "BULWARK_DATA",
		default: "./data",
		kind: "string",
		description: "data folder: SQLite database and state snapshot",
	},
	{
		key: "apiKeys",
		flag: "--api-keys",
		env: "BULWARK_API_KEYS",
		default: "",
		kind: "list",
		description: "comma-separated API keys accepted besides stored ones (hashed in memory, never stored or logged)",
	},
	{
		key: "bodyLimit",
		flag: "--body-limit",
		env: "BULWARK_BODY_LIMIT",
		default: "64kb",
		kind: "bytes",
		description: "largest single-event body",
	},
	{
		key: "batchLimit",
		flag: "--batch-limit",
		env: "BULWARK_BATCH_LIMIT",
		default: "16mb",
		kind: "bytes",
		description: "largest NDJSON batch body",
	},
	{
		key: "batchMaxLines",
		flag: "--batch-max-lines",
		env: "BULWARK_BATCH_MAX_LINES",
		default: "10000",
		kind: "int",
		description: "most events in one batch",
	},
	{
		key: "rateLimit",
		flag: "--rate-limit",
		env: "BULWARK_RATE_LIMIT",
		default: "100000",
		kind: "int",
		description: "events per second per API key (0 = no limit)",
	},
	{
		key: "retentionMs",
		flag: "--retention",
		env: "BULWARK_RETENTION",
		default: "30d",
		kind: "duration",
		description: "how long the event log keeps events",
	},
	{
		key: "snapshotIntervalMs",
		flag: "--snapshot-interval",
		env: "BULWARK_SNAPSHOT_INTERVAL",
		default: "30s",
		kind: "duration",
		description: "how often the in-memory windows are snapshotted",
	},
	{
		key: "logLevel",
		flag: "--log-level",
		env: "LOG_LEVEL",
		default: "warn",
		kind: "string",
		description: "fatal, error, warn, info, debug",
	},
	{
		key: "rulesDir",
		flag: "--rules",
		env: "BULWARK_RULES",
		default: "rules/",
		kind: "rules",
		description:
			"rules folder the event path runs (default: the package's own rules/, found next to the package, not the working directory); none to run without rules",
	},
	{
		key: "textModels",
		flag: "--text-models",
		env: "BULWARK_TEXT_MODELS",
		default: "",
		kind: "names",
		description:
			"comma-separated text models to serve on posts and reports (e.g. spam,abuse), each emitting a text.<name> signal; unwanted scores replies and mentions in context (it reads abuse, hate and targeted); none by default for now (the default will be set once scoring cost is measured); a missing or damaged model refuses the start",
	},
	{
		key: "accountModels",
		flag: "--account-models",
		env: "BULWARK_ACCOUNT_MODELS",
		default: "",
		kind: "names",
		description:
			"account models to serve: bot scores accounts on signup, profile change and as posts accumulate, emitting the account.bot signal; behaviour scores an account's stream behaviour (timing, action mix, links, duplicates, devices) as its activity accumulates, emitting account.behaviour; none by default (bot keeps a year of each account's profile events and counts, behaviour a count and its last 32 activities); a missing or damaged model refuses the start",
	},
	{
		key: "modelsDir",
		flag: "--models-dir",
		env: "BULWARK_MODELS",
		default: "models/",
		kind: "path",
		description:
			"folder holding the text and account models, one folder per name (default: the package's own models/, found like rules/)",
	},
];

/**
 * Configuration from flags, then environment, then defaults; every problem is reported.
 * @example loadConfig({ port: "9000" }, process.env).port // 9000
 */
export function loadConfig(
	flags: Record<string, string | boolean | undefined>,
	env: NodeJS.ProcessEnv = process.env,
): Config {
	const out: Record<string, unknown> = {};
	const errors: string[] = [];
	for (const s of SETTINGS) {
		const flagName = s.flag.slice(2);
		const fromFlag = flags[flagName];
		const given = typeof fromFlag === "string" ? fromFlag : env[s.env];
		const text = given ?? s.default;
		try {
			out[s.key] =
				s.kind === "rules"
					? rulesDirOf(given)
					: s.kind === "path"
						? resolve(given ?? PACKAGE_MODELS_DIR)
						: convert(text, s.kind);
		} catch (err) {
			errors.push(`${s.flag} / ${s.env}: ${(err as Error).message}`);
		}
	}
	if (errors.length) throw new Error(`invalid configuration:\n  ${errors.join("\n  ")}`);
	const cfg = out as unknown as Config;
	cfg.dataDir = resolve(cfg.dataDir);
	cfg.rulesExplicit = cfg.rulesDir !== null && (typeof flags.rules === "string" || env.BULWARK_RULES !== undefined);
	return cfg;
}

/** Not given: the package's `rules/` (null when it is absent); `none`: null; else a folder, from the working directory. */
function rulesDirOf(given: string | undefined): string | null {
	if (given === undefined) return defaultRulesDir();
	const t = given.trim();
	if (t === "none") return null;
	if (t === "") throw new Error('empty: give a folder, or "none" to run without rules');
	return resolve(t);
}

function convert(text: string, kind: Kind): unknown {
	switch (kind) {
		case "int": {
			const n = Number(text);
			if (!Number.isInteger(n) || n < 0) throw new Error(`"${text}" is not a whole number ≥ 0`);
			return n;
		}
		case "duration":
			return parseDuration(text);
		case "bytes":
			return parseBytes(text);
		case "names": {
			const names = [...new Set(text.split(",").map((s) => s.trim()))].filter(Boolean);
			const bad = names.find((n) => !MODEL_NAME.test(n));
			if (bad !== undefined) throw new Error(`"${bad}" is not a model name (letters, digits, - and _)`);
			return names;
		}
		case "list":
			return text
				.split(",")
				.map((s) => s.trim())
				.filter(Boolean);
		default:
			return text;
	}
}

const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

const BYTE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** `64kb` -> 65536. */
export function parseBytes(text: string): number {
	const m = /^(\d+)\s*(b|kb|mb|gb)?$/i.exec(text.trim());
	if (!m) throw new Error(`"${text}" is not a size (e.g. 64kb, 16mb)`);
	return Number(m[1]) * (BYTE_UNITS[(m[2] ?? "b").toLowerCase()] as number);
}
