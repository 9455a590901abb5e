import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import type { FeatureSpec } from "../core/features/index.ts";
import {
	loadRules as compileRules,
	type Diagnostic,
	defaultEnv,
	formatDiagnostic,
	MemoryListStore,
	type RulePack,
	type RulesEnv,
	type SourceFile,
} from "../core/rules/index.ts";

/** The package's own rules folder (`rules/` next to `package.json`), whatever the working directory. */
export const PACKAGE_RULES_DIR = join(packageRoot(), "rules");

/** The folder holding package.json: two up from src/app, three from the compiled dist/src/app. */
function packageRoot(): string {
	const up2 = resolve(new URL("../..", import.meta.url).pathname);
	return basename(up2) === "dist" ? dirname(up2) : up2;
}

/** A rules pack, compiled and ready for the event path: from a folder or from files in memory. */
export interface CompiledRules {
	pack: RulePack;
	/** The first 12 hex digits of a SHA-256 over the files (paths and texts): the same files, the same version. */
	version: string;
	files: number;
	/** The files, paths relative to the pack's folder (`spam.rules`): what a deploy stores. */
	sources: readonly SourceFile[];
	/** Where lists declared without entries live; each exists (empty) from the start. */
	lists: MemoryListStore;
	/** The pack's features as the window store keeps them: under a name tied to their definition (see below). */
	features: FeatureSpec[];
	/** Warnings (a pack with errors is never returned). */
	warnings: string[];
}

/** A rules folder, compiled and ready for the event path. */
export interface LoadedRules extends CompiledRules {
	dir: string;
}

/**
 * A rules pack that does not compile: `diagnostics` are the `file:line:col error CODE: message`
 * lines (`found` the same, as data). `dir` says which pack: a folder, or `version <hash>`.
 */
export class RulesLoadError extends Error {
	constructor(
		readonly dir: string,
		readonly diagnostics: string[],
		readonly found: readonly Diagnostic[] = [],
	) {
		const errors = diagnostics.filter((d) => / error R\d+:/.test(d)).length;
		super(`the rules in ${dir} do not compile (${errors} error${errors === 1 ? "" : "s"}):\n${diagnostics.join("\n")}`);
		this.name = "RulesLoadError";
	}
}

/**
 * Reads and compiles every `*.rules` file under `dir` (sub-folders included, in path order).
 * Throws RulesLoadError with every diagnostic when the pack does not compile, and an Error when
 * the folder is missing or holds no rules. `lists`: the store the pack reads its managed lists
 * from; pass the running one when loading a new version, so the lists live on across versions
 * (a declared kind that differs from the stored list's throws ConflictError).
 * @example
 * const rules = loadRulesDir("rules"); // { pack, version: "3f2a9c1b7d0e", ... }
 */
export function loadRulesDir(
	dir: string,
	env: RulesEnv = defaultEnv(),
	lists: MemoryListStore = new MemoryListStore(),
): LoadedRules {
	const root = resolve(dir);
	if (!statSync(root, { throwIfNoEntry: false })?.isDirectory())
		throw new Error(`rules: ${dir} is not a directory (use --rules none to run without rules)`);
	const sources: SourceFile[] = filesUnder(root, ".rules").map((p) => ({
		path: displayPath(p),
		text: readFileSync(p, "utf8"),
	}));
	if (!sources.length) throw new Error(`rules: no .rules files under ${dir} (use --rules none to run without rules)`);
	const files = sources.map((s) => ({ path: relative(root, resolve(s.path)), text: s.text }));
	return { ...compileSources(sources, files, dir, env, lists), dir: root };
}

/**
 * Compiles a pack given as files in memory (a deploy, a version stored in the database), paths
 * relative to the pack's folder (`spam.rules`, `sub/x.rules`): the same files as a folder give
 * the same pack and the same version as `loadRulesDir`. Throws as `loadRulesDir` does.
 * @example
 * const rules = compileRuleFiles([{ path: "spam.rules", text }], { lists: bulwark.lists });
 */
export function compileRuleFiles(
	files: readonly SourceFile[],
	opts: { env?: RulesEnv; lists?: MemoryListStore } = {},
): CompiledRules {
	if (!files.length) throw new Error("rules: a pack needs at least one .rules file");
	return compileSources(
		files,
		files,
		`version ${versionOf(files)}`,
		opts.env ?? defaultEnv(),
		opts.lists ?? new MemoryListStore(),
	);
}

/**
 * A pack's version: the first 12 hex digits of a SHA-256 over its files (paths relative to the
 * pack's folder, and texts), in path order.
 */
export function versionOf(files: readonly SourceFile[]): string {
	const hash = createHash("sha256");
	for (const s of [...files].sort((a, b) => (a.path < b.path ? -1 : 1)))
		hash.update(s.path).update("\0").update(s.text).update("\0");
	return hash.digest("hex").slice(0, 12);
}

/** `sources` as diagnostics name them; `files` the same, paths relative to the pack's folder. */
function compileSources(
	sources: readonly SourceFile[],
	files: readonly SourceFile[],
	label: string,
	env: RulesEnv,
	lists: MemoryListStore,
): CompiledRules {
	const loaded = compileRules(sources, env, { lists });
	const lines = loaded.diagnostics.map(formatDiagnostic);
	if (!loaded.pack) throw new RulesLoadError(label, lines, loaded.diagnostics);
	const pack = loaded.pack;
	// Lists managed outside the files exist from the start, empty, so the rules reading them run
	// (and match nothing) rather than come out errored until someone fills them.
	for (const l of pack.lists) if (!l.inline) lists.upsert(l.name, l.kind, []);
	return {
		pack,
		version: versionOf(files),
		files: sources.length,
		sources: files,
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
