/**
 * The rules language: `loadRules` (or `compile(check(parse(...)))`) turns `.rules` files into
 * a RulePack; `pack.prepare(event)` runs the cheap first pass and says which feature values
 * and entity states to fetch; `prepared.evaluate(env)` returns effects and a trace. See
 * docs/rules.md for the language.
 */
export type * from "./ast.ts";
export * from "./builtins/index.ts";
export { type CheckedProgram, type CheckResult, check } from "./check.ts";
export { CODES, type DiagnosticCode } from "./codes.ts";
export { type CompileOptions, compile } from "./compile.ts";
export { COST_SAMPLE_EVERY, type RuleCost, type RuleCostReport, RuleCosts } from "./costs.ts";
export * from "./diagnostics.ts";
export * from "./env.ts";
export type { CompiledRule, Needs, Outcome, RuleHit, RulesResult } from "./evaluate.ts";
export { firedLines, Prepared } from "./evaluate.ts";
export type { EvalEnv } from "./frame.ts";
export * from "./lists/index.ts";
export { type LoadResult, loadRules } from "./load.ts";
export * from "./pack.ts";
export { type Parsed, parse } from "./parse.ts";
export { inRollout, rolloutBucket } from "./rollout.ts";
export type { SourceFile, Span } from "./source.ts";
export { closest, didYouMean } from "./suggest.ts";
export { LIST_KINDS, type ListKind, type Type, typeName } from "./types.ts";
export * from "./versions.ts";
