/**
 * The hot-state port for windowed aggregates. Declared here, by its user; implemented by
 * `adapters/state/memory` (embedded, snapshotted) and later by Redis.
 *
 * Time is event time: every op and query carries the `ts` it happens at, so replays and
 * simulations with their own clock get the same answers as live traffic.
 *
 * A window of `windowMs` is kept as `buckets` slices of `windowMs / buckets`; a read at `ts`
 * sums the slices that overlap `(ts - windowMs, ts]`, so its resolution is one slice.
 */
export type AggKind = "count" | "sum" | "distinct" | "last";

export interface WindowShape {
	/** Unique per feature and entity, e.g. `posts_5m|account:42`. */
	key: string;
	agg: AggKind;
	windowMs: number;
	buckets: number;
}

export type WindowOp =
	| (WindowShape & { agg: "count"; ts: number })
	| (WindowShape & { agg: "sum"; ts: number; value: number })
	| (WindowShape & { agg: "distinct"; ts: number; value: string })
	| (WindowShape & { agg: "last"; ts: number; value: string | number; n: number });

export type WindowQuery = WindowShape & { ts: number; n?: number };

export interface LastItem {
	ts: number;
	value: string | number;
}

/** `count`, `sum` and `distinct` read as a number; `last` reads as its items, newest first. */
export type WindowValue = number | LastItem[];

export interface WindowStore {
	/** Applies `ops` in order, then answers `queries` (one round trip for an event). */
	update(ops: readonly WindowOp[], queries: readonly WindowQuery[]): Promise<WindowValue[]>;
	read(queries: readonly WindowQuery[]): Promise<WindowValue[]>;
}
