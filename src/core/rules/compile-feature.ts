import type { BulwarkEvent } from "../events/index.ts";
import type { FeatureSpec } from "../features/spec.ts";
import type { EntityKind } from "../shared/entity.ts";
import type { FeatureDecl } from "./ast.ts";
import { defaultBuckets } from "./check-decls.ts";
import type { ExprCompiler, Fn } from "./compile-expr.ts";
import { Frame } from "./frame.ts";
import type { ListReader, ListView } from "./lists/ports.ts";
import { Err, isStop, type Value } from "./values.ts";

/**
 * A declared feature as the FeatureSpec the window store maintains. Its filter, key and value
 * were checked to read only the event and lists, so they run synchronously inside
 * FeatureCatalog.opsFor, in a frame of their own.
 */
export function compileFeature(
	x: ExprCompiler,
	f: { decl: FeatureDecl; entity: EntityKind; types: readonly FeatureSpec["on"][number][] },
	lists: ListReader | undefined,
	inline: ReadonlyMap<string, ListView>,
): FeatureSpec {
	// One frame for every event this feature sees, made at the first (when the memo's size is known).
	let frame: Frame | undefined;
	// A failure counts the event out of the window (it is never thrown into the window update).
	const run = (fn: Fn, e: BulwarkEvent): Value => {
		if (!frame) {
			frame = new Frame(e, lists, inline, x.slots);
			frame.phase = 2;
		} else if (frame.event !== e) frame.reset(e);
		frame.sn = 0;
		try {
			return fn(frame);
		} catch (err) {
			return new Err(err instanceof Error ? err.message : String(err));
		}
	};
	const by = x.compile(f.decl.by).fn;
	const d = f.decl;
	const spec: FeatureSpec = {
		name: d.name.name,
		description: d.doc ?? `${d.agg.kind} of ${f.types.join(", ")} by ${x.text(d.by)} over ${d.over.text}`,
		entity: f.entity,
		on: f.types,
		key: (e) => {
			const v = run(by, e);
			return typeof v === "string" && v !== "" ? v : undefined;
		},
		agg: { kind: "count" },
		windowMs: d.over.ms,
		buckets: d.buckets?.value ?? defaultBuckets(d.over.ms),
	};
	if (d.where) {
		const where = x.compile(d.where).fn;
		spec.where = (e) => run(where, e) === true;
	}
	if (d.value) {
		const of = x.compile(d.value).fn;
		if (d.agg.kind === "sum")
			spec.agg = {
				kind: "sum",
				of: (e) => {
					const v = run(of, e);
					return typeof v === "number" && Number.isFinite(v) ? v : undefined;
				},
			};
		else
			spec.agg = {
				kind: "distinct",
				of: (e) => {
					const v = run(of, e);
					return isStop(v) || v === "" || Array.isArray(v) ? undefined : String(v);
				},
			};
	}
	return spec;
}
