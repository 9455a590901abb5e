import { check } from "./check.ts";
import { type CompileOptions, compile } from "./compile.ts";
import { type Diagnostic, sortDiagnostics } from "./diagnostics.ts";
import { defaultEnv, type RulesEnv } from "./env.ts";
import type { RulePack } from "./pack.ts";
import { parse } from "./parse.ts";
import type { SourceFile } from "./source.ts";

export interface LoadResult {
	/** Present when the pack has no errors (warnings allowed). */
	pack?: RulePack;
	diagnostics: Diagnostic[];
}

/**
 * The whole pipeline, `compile(check(parse(sources)))`, for a pack of files sharing one
 * namespace. Files are taken in path order, so rule order (and effect order) is stable.
 * @example
 * const { pack, diagnostics } = loadRules([{ path: "rules/spam.rules", text }]);
 * for (const d of diagnostics) console.log(formatDiagnostic(d));
 */
export function loadRules(
	sources: readonly SourceFile[],
	env: RulesEnv = defaultEnv(),
	opts: CompileOptions = {},
): LoadResult {
	const sorted = [...sources].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
	const parsed = sorted.map((s) => parse(s));
	const parseDiags = parsed.flatMap((p) => p.diagnostics);
	const checked = check(
		parsed.map((p) => p.file),
		env,
	);
	// One error per place: a checker finding where a syntax error already is would only repeat it.
	const broken = new Set(parseDiags.map((d) => `${d.span.file}:${d.span.start}`));
	const follow = checked.diagnostics.filter((d) => !broken.has(`${d.span.file}:${d.span.start}`));
	const diagnostics = sortDiagnostics([...parseDiags, ...follow]);
	if (parseDiags.some((d) => d.severity === "error") || !checked.program) return { diagnostics };
	return { pack: compile(checked.program, opts), diagnostics };
}
