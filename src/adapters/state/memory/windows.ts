import type { WindowOp, WindowQuery, WindowShape, WindowValue } from "../../../core/features/index.ts";
import { DistinctWindows, type DistinctWindowsData } from "./distinct-windows.ts";
import type { TableDump } from "./dump-cursor.ts";
import { LastWindows, type LastWindowsData } from "./last-windows.ts";
import { NumWindows, type NumWindowsData } from "./num-windows.ts";
import type { SweepStep } from "./sweep-cursor.ts";

/**
 * Every window, grouped by shape: a feature keeps one shape, so there are a handful of groups and
 * finding one is a short scan. A key written under a new shape (a changed feature) starts fresh in
 * the new group; the old entry is read by nobody and expires through `sweep`.
 */
export class WindowTables {
	readonly nums: NumWindows[] = [];
	readonly distincts: DistinctWindows[] = [];
	readonly lasts: LastWindows[] = [];
	/** Ops dropped because they were older than their key's ring (or `last` list). */
	droppedLate = 0;
	/** The table an incremental sweep is in (see `sweepSome`). */
	private sweepAt = 0;
	/** True while an incremental dump runs (see {@link beginDump}): sweeps wait. */
	private dumping = false;

	apply(op: WindowOp): void {
		if (!Number.isFinite(op.ts)) return;
		let kept: boolean;
		switch (op.agg) {
			case "count":
				kept = this.num("count", op, true)!.add(op.key, op.ts, 1);
				break;
			case "sum":
				if (!Number.isFinite(op.value)) return;
				kept = this.num("sum", op, true)!.add(op.key, op.ts, op.value);
				break;
			case "distinct":
				kept = this.distinct(op, true)!.add(op.key, op.ts, op.value);
				break;
			case "last":
				kept = this.last(op, true)!.add(op.key, op.ts, op.value, op.n);
				break;
			default:
				return;
		}
		if (!kept) this.droppedLate++;
	}

	answer(q: WindowQuery): WindowValue {
		switch (q.agg) {
			case "count":
			case "sum":
				return this.num(q.agg, q, false)?.read(q.key, q.ts) ?? 0;
			case "distinct":
				return this.distinct(q, false)?.read(q.key, q.ts) ?? 0;
			case "last":
				return this.last(q, false)?.read(q.key, q.ts, q.n) ?? [];
			default:
				return 0;
		}
	}

	/**
	 * Part of a sweep: at most `budget` keys, table after table, going on from where the last
	 * step stopped; `done` when the pass over every table has ended.
	 */
	sweepSome(nowTs: number, budget: number): SweepStep {
		if (this.dumping) return { dropped: 0, visited: 0, done: false };
		const tables: { sweepSome(nowTs: number, budget: number): SweepStep }[] = [
			...this.nums,
			...this.distincts,
			...this.lasts,
		];
		let dropped = 0;
		let visited = 0;
		while (this.sweepAt < tables.length && visited < budget) {
			const r = (tables[this.sweepAt] as (typeof tables)[number]).sweepSome(nowTs, budget - visited);
			dropped += r.dropped;
			visited += r.visited;
			if (r.done) this.sweepAt++;
		}
		const done = this.sweepAt >= tables.length;
		if (done) this.sweepAt = 0;
		return { dropped, visited, done };
	}

	/** Forgets every key whose window has fully passed at `nowTs`; returns how many (0 while a dump runs). */
	sweep(nowTs: number): number {
		if (this.dumping) return 0;
		this.sweepAt = 0;
		let dropped = 0;
		for (const w of this.nums) dropped += w.sweep(nowTs);
		for (const w of this.distincts) dropped += w.sweep(nowTs);
		for (const w of this.lasts) dropped += w.sweep(nowTs);
		return dropped;
	}

	get size(): number {
		let n = 0;
		for (const w of this.nums) n += w.keys.size;
		for (const w of this.distincts) n += w.keys.size;
		for (const w of this.lasts) n += w.keys.size;
		return n;
	}

	dump(): WindowTablesData {
		return {
			nums: this.nums.map((w) => w.dump()),
			distincts: this.distincts.map((w) => w.dump()),
			lasts: this.lasts.map((w) => w.dump()),
			droppedLate: this.droppedLate,
		};
	}

	/** True while an incremental dump runs. */
	get dumpInProgress(): boolean {
		return this.dumping;
	}

	/**
	 * {@link dump} a few keys at a time while ops go on being applied: the data is the tables as
	 * they were at this call (each table copies a key's value before its first change). Sweeps
	 * wait until the last step. Tables made after this call are not in it.
	 */
	beginDump(): TableDump {
		const parts = {
			nums: this.nums.map((w) => w.beginDump()),
			distincts: this.distincts.map((w) => w.beginDump()),
			lasts: this.lasts.map((w) => w.beginDump()),
		};
		const all = [...parts.nums, ...parts.distincts, ...parts.lasts];
		const droppedLate = this.droppedLate;
		let at = 0;
		this.dumping = true;
		return {
			step: (budget) => {
				// Each table's step takes at most `budget` keys; one table per step keeps it simple.
				while (at < all.length && (all[at] as TableDump).step(budget)) {
					at++;
					budget = 0;
				}
				if (at >= all.length) this.dumping = false;
				return at >= all.length;
			},
			finish: () => ({
				nums: parts.nums.map((d) => d.finish()),
				distincts: parts.distincts.map((d) => d.finish()),
				lasts: parts.lasts.map((d) => d.finish()),
				droppedLate,
			}),
			cancel: () => {
				for (const d of all) d.cancel();
				this.dumping = false;
			},
		};
	}

	static load(d: WindowTablesData): WindowTables {
		const t = new WindowTables();
		for (const w of d.nums) t.nums.push(NumWindows.load(checkShape(w)));
		for (const w of d.distincts) t.distincts.push(DistinctWindows.load(checkShape(w)));
		for (const w of d.lasts) {
			checkShape({ windowMs: w.windowMs, buckets: 1 });
			t.lasts.push(LastWindows.load(w));
		}
		t.droppedLate = d.droppedLate;
		return t;
	}

	private num(kind: "count" | "sum", s: WindowShape, create: boolean): NumWindows | undefined {
		for (const w of this.nums) if (w.kind === kind && w.windowMs === s.windowMs && w.buckets === s.buckets) return w;
		if (!create) return undefined;
		const w = new NumWindows(kind, checkShape(s).windowMs, s.buckets);
		this.nums.push(w);
		return w;
	}

	private distinct(s: WindowShape, create: boolean): DistinctWindows | undefined {
		for (const w of this.distincts) if (w.windowMs === s.windowMs && w.buckets === s.buckets) return w;
		if (!create) return undefined;
		const w = new DistinctWindows(checkShape(s).windowMs, s.buckets);
		this.distincts.push(w);
		return w;
	}

	private last(s: WindowShape, create: boolean): LastWindows | undefined {
		for (const w of this.lasts) if (w.windowMs === s.windowMs) return w;
		if (!create) return undefined;
		const w = new LastWindows(checkShape({ windowMs: s.windowMs, buckets: 1 }).windowMs);
		this.lasts.push(w);
		return w;
	}
}

export interface WindowTablesData {
	nums: NumWindowsData[];
	distincts: DistinctWindowsData[];
	lasts: LastWindowsData[];
	droppedLate: number;
}

/** A window shape the catalog would accept; anything else would corrupt bucket arithmetic. */
function checkShape<T extends { windowMs: number; buckets: number }>(s: T): T {
	if (!(s.windowMs > 0) || !Number.isFinite(s.windowMs) || !Number.isInteger(s.buckets) || s.buckets < 1)
		throw new Error(`invalid window shape: windowMs ${s.windowMs}, buckets ${s.buckets}`);
	return s;
}
