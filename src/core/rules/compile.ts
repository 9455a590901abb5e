import type { LetDecl } from "./ast.ts";
import type { CheckedProgram } from "./check.ts";
import { compileEffect } from "./compile-effects.ts";
import { ExprCompiler, type Fn } from "./compile-expr.ts";
import { compileFeature } from "./compile-feature.ts";
import type { CompiledRule } from "./evaluate.ts";
import { newList } from "./lists/memory.ts";
import type { ListReader, ListView } from "./lists/ports.ts";
import { RulePack } from "./pack.ts";
import { spanText } from "./source.ts";

export interface CompileOptions {
	/** Where lists declared without entries are read from at run time (missing lists read as errored). */
	lists?: ListReader;
}

const TRUE: Fn = () => true;

/**
 * Turns a checked program into a RulePack: expressions become JavaScript (one module per pack,
 * see codegen.ts), `and`/`or` operands are ordered cheapest first, lets and costly calls are
 * memoised per event, features become FeatureSpecs, inline lists become in-memory lists.
 * @example const pack = compile(check(files, defaultEnv()).program!, { lists: listStore });
 */
export function compile(program: CheckedProgram, opts: CompileOptions = {}): RulePack {
	const texts = new Map(program.files.map((f) => [f.path, f.text]));
	const x = new ExprCompiler(program.info, texts, (name) => (program.lets.get(name) as LetDecl).value);

	const inline = new Map<string, ListView>();
	for (const l of program.lists) {
		if (!l.decl.entries) continue;
		const list = newList(l.kind);
		for (const e of l.decl.entries) {
			const n = list.normalize(e.value);
			if (n.ok) list.put(n.key, null);
		}
		inline.set(l.decl.name.name, list);
	}

	const features = program.features.map((f) => compileFeature(x, f, opts.lists, inline));
	const rules = program.rules.map(({ decl, types }) => {
		const when = decl.when.length ? x.compileAll(decl.when) : undefined;
		const rule: CompiledRule = {
			name: decl.name.name,
			at: `${decl.name.span.file}:${decl.name.span.line}`,
			types,
			shadow: !!decl.shadow,
			when: TRUE,
			effects: decl.effects.map((e) => compileEffect(x, decl, e)),
			effectsNeed:
				decl.effects.some((e) => (e.target && x.needs(e.target)) || (e.severity && x.needs(e.severity))) ||
				(!!decl.rollout?.by && x.needs(decl.rollout.by)),
		};
		const by = decl.rollout?.by ? x.compile(decl.rollout.by) : undefined;
		if (decl.rollout) rule.rollout = { percent: decl.rollout.percent, by: null };
		if (decl.doc) rule.description = decl.doc;
		return { rule, when, by };
	});
	x.finish();
	for (const { rule, when, by } of rules) {
		if (when) rule.when = when.fn;
		if (by && rule.rollout) rule.rollout.by = by.fn;
	}
	const lists = program.lists.map((l) => ({ name: l.decl.name.name, kind: l.kind, inline: !!l.decl.entries }));
	const definitions = new Map(
		program.features.map((f) => [f.decl.name.name, spanText(texts.get(f.decl.span.file) ?? "", f.decl.span)]),
	);
	return new RulePack(
		features,
		rules.map((r) => r.rule),
		lists,
		opts.lists,
		inline,
		definitions,
		x.slots,
	);
}
