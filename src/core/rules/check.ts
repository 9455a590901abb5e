import type { EventType } from "../events/types.ts";
import { EVENT_TYPES } from "../events/types.ts";
import type { EntityKind } from "../shared/entity.ts";
import type { Decl, Expr, FeatureDecl, LetDecl, ListDecl, ParsedFile, RuleDecl } from "./ast.ts";
import { checkFeature, checkList, checkRule, checkTypes } from "./check-decls.ts";
import { checkLet } from "./check-expr.ts";
import { CheckState, type NodeInfo } from "./check-state.ts";
import { type Diagnostic, hasErrors, sortDiagnostics } from "./diagnostics.ts";
import type { RulesEnv } from "./env.ts";
import type { ListKind } from "./types.ts";

declare const checked: unique symbol;

/**
 * A rules program that passed the checker: every name resolved, every expression typed.
 * Only `check` makes one, and `compile` accepts nothing else.
 */
export interface CheckedProgram {
	readonly [checked]: true;
	readonly files: readonly ParsedFile[];
	readonly env: RulesEnv;
	readonly features: readonly { decl: FeatureDecl; entity: EntityKind; types: readonly EventType[] }[];
	readonly lists: readonly { decl: ListDecl; kind: ListKind }[];
	readonly lets: ReadonlyMap<string, LetDecl>;
	readonly rules: readonly { decl: RuleDecl; types: readonly EventType[] | null }[];
	readonly info: ReadonlyMap<Expr, NodeInfo>;
}

export interface CheckResult {
	/** Present only when there are no errors (warnings allowed). */
	program?: CheckedProgram;
	diagnostics: Diagnostic[];
}

/**
 * Checks a whole pack (all its files share one namespace): names, types, effects, ranges.
 * Every problem is reported, sorted by file and position.
 * @example
 * const parsed = files.map(parse);
 * const { program, diagnostics } = check(parsed.map((p) => p.file), defaultEnv());
 * if (program) compile(program);
 */
export function check(files: readonly ParsedFile[], env: RulesEnv): CheckResult {
	const s = new CheckState(env, files);
	for (const spec of env.features) s.names.set(spec.name, { kind: "external", spec });
	const decls: Decl[] = files.flatMap((f) => f.decls);

	for (const d of decls) declare(s, d);
	const lists = decls.filter((d): d is ListDecl => d.kind === "list");
	for (const l of lists) checkList(s, l);
	const features = decls.filter((d): d is FeatureDecl => d.kind === "feature");
	for (const f of features) checkFeature(s, f);
	const rules = decls.filter((d): d is RuleDecl => d.kind === "rule");
	for (const r of rules) checkRule(s, r);

	const lets = decls.filter((d): d is LetDecl => d.kind === "let");
	const registered = (d: LetDecl | ListDecl) => {
		const n = s.names.get(d.name.name);
		return !!n && "decl" in n && n.decl === d;
	};
	for (const l of lets) {
		if (s.usedLets.has(l.name.name) || !registered(l)) continue;
		s.diags.add("R4002", l.name.span, `\`${l.name.name}\` is declared but never used`);
		checkLet(s, l.name.name, { types: EVENT_TYPES, mode: "rule", lenient: true, where: `let \`${l.name.name}\`` });
	}
	for (const l of lists)
		if (!s.usedLists.has(l.name.name) && registered(l))
			s.diags.add("R4002", l.name.span, `list \`${l.name.name}\` is declared but never used`);

	const diagnostics = sortDiagnostics(s.diags.items);
	if (hasErrors(diagnostics)) return { diagnostics };
	const program = {
		files,
		env,
		features: features.map((decl) => ({
			decl,
			entity: s.featureEntity.get(decl.name.name) as EntityKind,
			types: checkTypesQuiet(s, decl),
		})),
		lists: lists.map((decl) => ({ decl, kind: decl.listKind.name as ListKind })),
		lets: new Map(lets.map((l) => [l.name.name, l])),
		rules: rules.map((decl) => ({ decl, types: decl.on ? checkTypesQuiet(s, decl) : null })),
		info: s.info,
	} as unknown as CheckedProgram;
	return { program, diagnostics };
}

function checkTypesQuiet(s: CheckState, d: FeatureDecl | RuleDecl): EventType[] {
	const before = s.diags.items.length;
	const t = checkTypes(s, d.on ?? []);
	s.diags.items.length = before;
	return t;
}

function declare(s: CheckState, d: Decl): void {
	const { name, span } = d.name;
	if (d.kind === "rule") {
		const prior = s.rules.get(name);
		if (prior) s.diags.add("R2008", span, `rule \`${name}\` is already declared at ${s.where(prior.name.span)}`);
		else s.rules.set(name, d);
		return;
	}
	if (name === "event" || s.env.builtins.get(name) || name === "has") {
		s.diags.add(
			"R2013",
			span,
			`\`${name}\` is ${name === "event" ? "the event" : "a builtin function"} and cannot be redefined`,
		);
		return;
	}
	const prior = s.names.get(name);
	if (prior) {
		const where = prior.kind === "external" ? "a built-in feature" : `declared at ${s.where(prior.decl.name.span)}`;
		s.diags.add("R2008", span, `\`${name}\` is already ${prior.kind === "external" ? "" : `a ${prior.kind} `}${where}`);
		return;
	}
	s.names.set(
		name,
		d.kind === "feature"
			? { kind: "feature", decl: d }
			: d.kind === "list"
				? { kind: "list", decl: d }
				: { kind: "let", decl: d },
	);
}
