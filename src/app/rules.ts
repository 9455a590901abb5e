import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import type { FeatureSpec } from "../core/features/index.ts";
import {
	loadRules as compileRules,
	defaultEnv,
	formatDiagnostic,
	MemoryListStore,
	type RulePack,
	type RulesEnv,
	type SourceFile,
} from "../core/rules/index.ts";

/** The package's own rules folder (`rules/` next to `package.json`), whatever the working directory. */
export const PACKAGE_RULES_DIR = resolve(new URL("../../rules", import.meta.url).pathname);

/** A rules folder, compiled and ready for the event path. */
export interface LoadedRules {
	pack: RulePack;
	/** The first 12 hex digits of a SHA-256 over the files (paths and texts): the same files, the same version. */
	version: string;
	dir: string;
	files: number;
	/** Where lists declared without entries live; each exists (empty) from the start. */
	lists: MemoryListStore;
	/** The pack's features as the window store keeps them: under a name tied to their definition (see below). */
	features: FeatureSpec[];
	/** Warnings (a pack with errors is never returned). */
	warnings: string[];
}

/** A rules folder that does not compile: `diagnostics` are the `file:line:col error CODE: message` lines. */
export class RulesLoadError extends Error {
	constructor(
		readonly dir: string,
		readonly diagnostics: string[],
	) {
		const errors = diagnostics.filter((d) => / error R\d+:/.test(d)).length;
		super(`the rules in ${dir} do not compile (${errors} error${errors === 1 ? "" : "s"}):\n${diagnostics.join("\n")}`);
		this.name = "RulesLoadError";
	}
}

/**
 * Reads and compiles every `*.rules` file under `dir` (sub-folders included, in path order).
 * Throws RulesLoadError with every diagnostic when the pack does not compile, and an Error when
 * the folder is missing or holds no rules.
 * @example
 * const rules = loadRulesDir("rules"); // { pack, version: "3f2a9c1b7d0e", ... }
 */
export function loadRulesDir(dir: string, env: RulesEnv = defaultEnv()): LoadedRules {
	const root = resolve(dir);
	if (!statSync(root, { throwIfNoEntry: false })?.isDirectory())
		throw new Error(`rules: ${dir} is not a directory (use --rules none to run without rules)`);
	const sources: SourceFile[] = filesUnder(root, ".rules").map((p) => ({
		path: displayPath(p),
		text: readFileSync(p, "utf8"),
	}));
	if (!sources.length) throw new Error(`rules: no .rules files under ${dir} (use --rules none to run without rules)`);

	const lists = new MemoryListStore();
	const loaded = compileRules(sources, env, { lists });
	const lines = loaded.diagnostics.map(formatDiagnostic);
	if (!loaded.pack) throw new RulesLoadError(dir, lines);
	const pack = loaded.pack;
	// Lists managed outside the files exist from the start, empty, so the rules reading them run
	// (and match nothing) rather than come out errored until someone fills them.
	for (const l of pack.lists) if (!l.inline) lists.upsert(l.name, l.kind, []);

	const hash = createHash("sha256");
	for (const s of [...sources].sort((a, b) => (a.path < b.path ? -1 : 1)))
		hash
			.update(relative(root, resolve(s.path)))
			.update("\0")
			.update(s.text)
			.update("\0");
	return {
		pack,
		version: hash.digest("hex").slice(0, 12),
		dir: root,
		files: sources.length,
		lists,
		features: windowedFeatures(pack),
		warnings: lines.filter((l) => / warning R\d+:/.test(l)),
	};
}

/** `rulesDir` as configured: null (rules off) or a folder; the package's `rules/` only when it exists. */
export function defaultRulesDir(): string | null {
	return existsSync(PACKAGE_RULES_DIR) ? PACKAGE_RULES_DIR : null;
}

/**
 * The pack's features as the window store keeps them. A declared feature's windows are kept
 * under its name and a hash of its definition (`link_posts_1h@5be2c0a1`): a new version of the
 * pack that changes a feature's definition (its filter, key, value, window) starts that feature
 * from empty windows instead of reading counts made under the old definition; an unchanged
 * feature keeps its windows across restarts and versions. The old windows are read by nobody
 * and go at the next sweep after their window has passed. (A name clashing with a built-in
 * feature never gets here: the checker refuses it, R2008.)
 */
function windowedFeatures(pack: RulePack): FeatureSpec[] {
	return pack.features.map((f) => {
		const def = pack.featureDefinitions.get(f.name);
		return def === undefined ? f : { ...f, version: createHash("sha256").update(def).digest("hex").slice(0, 8) };
	});
}

/** Every file under `dir` (recursively) whose name ends with `suffix`, sorted, as `dir/...` paths. */
export function filesUnder(dir: string, suffix: string): string[] {
	const out: string[] = [];
	const walk = (d: string) => {
		for (const name of readdirSync(d).sort()) {
			if (name.startsWith(".") || name === "node_modules") continue;
			const p = join(d, name);
			if (statSync(p).isDirectory()) walk(p);
			else if (name.endsWith(suffix)) out.push(p);
		}
	};
	walk(dir);
	return out;
}

/** Relative to the working directory when under it (as `rules check` prints), else absolute. */
function displayPath(p: string): string {
	const rel = relative(process.cwd(), p);
	return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : p;
}
