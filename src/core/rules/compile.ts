import type { LetDecl } from "./ast.ts";
import type { CheckedProgram } from "./check.ts";
import { compileEffect } from "./compile-effects.ts";
import { and, ExprCompiler, type Fn } from "./compile-expr.ts";
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
 * Turns a checked program into a RulePack: expressions become closures, `and`/`or` operands
 * are ordered cheapest first, lets and costly calls are memoised per event, features become
 * FeatureSpecs, inline lists become in-memory lists.
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
	const rules: CompiledRule[] = program.rules.map(({ decl, types }) => {
		const when = decl.when.length
			? and(
					decl.when
						.map((w) => x.compile(w))
						.sort((a, b) => a.cost - b.cost)
						.map((w) => w.fn),
				)
			: TRUE;
		const rule: CompiledRule = {
			name: decl.name.name,
			at: `${decl.name.span.file}:${decl.name.span.line}`,
			types,
			shadow: !!decl.shadow,
			when,
			effects: decl.effects.map((e) => compileEffect(x, decl, e)),
		};
		if (decl.rollout)
			rule.rollout = { percent: decl.rollout.percent, by: decl.rollout.by ? x.compile(decl.rollout.by).fn : null };
		if (decl.doc) rule.description = decl.doc;
		return rule;
	});
	const lists = program.lists.map((l) => ({ name: l.decl.name.name, kind: l.kind, inline: !!l.decl.entries }));
	const definitions = new Map(
		program.features.map((f) => [f.decl.name.name, spanText(texts.get(f.decl.span.file) ?? "", f.decl.span)]),
	);
	return new RulePack(features, rules, lists, opts.lists, inline, definitions);
}
