import type { BulwarkEvent, EventType } from "../events/index.ts";
import type { EntityKind } from "../shared/index.ts";
import type { AggKind, WindowOp, WindowQuery } from "./ports.ts";

/**
 * A windowed feature, declared once: which events it counts, for which entity, how.
 * @example
 * { name: "posts_5m", entity: "account", on: ["post.created"], key: (e) => e.actor,
 *   agg: { kind: "count" }, windowMs: 300_000, buckets: 10, description: "posts in 5 minutes" }
 */
export interface FeatureSpec {
	name: string;
	description: string;
	entity: EntityKind;
	on: readonly EventType[];
	/** The id of the entity this event counts for, or undefined to skip the event. */
	key: (e: BulwarkEvent) => string | undefined;
	where?: (e: BulwarkEvent) => boolean;
	agg:
		| { kind: "count" }
		| { kind: "sum"; of: (e: BulwarkEvent) => number | undefined }
		| { kind: "distinct"; of: (e: BulwarkEvent) => string | undefined }
		| { kind: "last"; n: number; of: (e: BulwarkEvent) => string | number | undefined };
	windowMs: number;
	buckets: number;
	/**
	 * Set for features declared in a rules pack: a short hash of the declaration. The windows are
	 * kept under `name@version`, so a changed definition starts from empty windows instead of
	 * inheriting counts made under the old one (reads and writes use the same key).
	 */
	version?: string;
}

/** A feature value a detector needs: which feature, for which entity id, as of when. */
export interface FeatureRequest {
	feature: string;
	id: string;
}

/** The set of declared features; turns events into window ops and requests into queries. */
export class FeatureCatalog {
	private byName = new Map<string, FeatureSpec>();
	private byType = new Map<EventType, FeatureSpec[]>();

	constructor(specs: readonly FeatureSpec[]) {
		for (const s of specs) {
			if (this.byName.has(s.name)) throw new Error(`feature "${s.name}" is declared twice`);
			if (!(s.windowMs > 0) || !(s.buckets >= 1) || !Number.isInteger(s.buckets))
				throw new Error(`feature "${s.name}": windowMs must be > 0 and buckets a whole number ≥ 1`);
			this.byName.set(s.name, s);
			for (const t of s.on) {
				const list = this.byType.get(t) ?? [];
				list.push(s);
				this.byType.set(t, list);
			}
		}
	}

	get(name: string): FeatureSpec | undefined {
		return this.byName.get(name);
	}

	/**
	 * Swaps the features `out` (by identity) for `into` in one step, as a new rules pack version
	 * goes live: the next `opsFor` and `query` see the new set. A feature kept by name and
	 * definition keeps its windows (same state keys); a changed one gets fresh ones (see
	 * `FeatureSpec.version`). Throws, changing nothing, when the new set is not valid.
	 * @example catalog.replace(oldPack.features, newPack.features)
	 */
	replace(out: readonly FeatureSpec[], into: readonly FeatureSpec[]): void {
		const drop = new Set(out);
		const next = new FeatureCatalog([...[...this.byName.values()].filter((s) => !drop.has(s)), ...into]);
		this.byName = next.byName;
		this.byType = next.byType;
	}

	all(): FeatureSpec[] {
		return [...this.byName.values()];
	}

	forEntity(kind: EntityKind): FeatureSpec[] {
		return this.all().filter((s) => s.entity === kind);
	}

	/** The window ops one event causes, in declaration order. */
	opsFor(e: BulwarkEvent): WindowOp[] {
		const specs = this.byType.get(e.type);
		const ops: WindowOp[] = [];
		if (!specs) return ops;
		for (const s of specs) {
			if (s.where && !s.where(e)) continue;
			const id = s.key(e);
			if (id === undefined) continue;
			const key = stateKey(s, id);
			const a = s.agg;
			if (a.kind === "count") {
				ops.push({ key, agg: "count", windowMs: s.windowMs, buckets: s.buckets, ts: e.ts });
				continue;
			}
			const value = a.of(e);
			if (value === undefined) continue;
			if (a.kind === "sum") {
				if (typeof value === "number" && Number.isFinite(value))
					ops.push({ key, agg: "sum", windowMs: s.windowMs, buckets: s.buckets, ts: e.ts, value });
			} else if (a.kind === "distinct") {
				ops.push({ key, agg: "distinct", windowMs: s.windowMs, buckets: s.buckets, ts: e.ts, value: value as string });
			} else {
				ops.push({ key, agg: "last", windowMs: s.windowMs, buckets: s.buckets, ts: e.ts, value, n: a.n });
			}
		}
		return ops;
	}

	/** The query for one feature of one entity as of `ts`; throws on an unknown feature. */
	query(feature: string, id: string, ts: number): WindowQuery {
		const s = this.byName.get(feature);
		if (!s) throw new Error(`unknown feature "${feature}"`);
		const q: WindowQuery = {
			key: stateKey(s, id),
			agg: s.agg.kind as AggKind,
			windowMs: s.windowMs,
			buckets: s.buckets,
			ts,
		};
		if (s.agg.kind === "last") q.n = s.agg.n;
		return q;
	}
}

export function stateKey(spec: FeatureSpec, id: string): string {
	let prefix = prefixes.get(spec);
	if (prefix === undefined) {
		prefix =
			spec.version === undefined ? `${spec.name}|${spec.entity}:` : `${spec.name}@${spec.version}|${spec.entity}:`;
		prefixes.set(spec, prefix);
	}
	return prefix + id;
}

/** Each spec's key prefix, made once (a key is then one concatenation, not four). */
const prefixes = new WeakMap<FeatureSpec, string>();
