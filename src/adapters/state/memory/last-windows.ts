import type { LastItem } from "../../../core/features/index.ts";
import { DumpCursor, F64Builder, JoinedBuilder, SerializedBuilder, type TableDump } from "./dump-cursor.ts";
import { NOTHING, SweepCursor, type SweepStep } from "./sweep-cursor.ts";

/** One key's items, newest first (equal `ts`: the later op first). */
class LastList {
	constructor(
		/** Only doubles, so V8 stores them unboxed in one block (no object per timestamp). */
		readonly ts: number[],
		readonly values: (string | number)[],
	) {}
}

/**
 * `last` windows with one `windowMs`: per key the newest `n` items by event time.
 *
 * Reads ignore `windowMs`: they return the kept items with `ts <= query.ts`, however old.
 * `windowMs` is only the retention: {@link sweep} forgets a key whose newest item left it.
 */
export class LastWindows {
	readonly keys = new Map<string, LastList>();
	private readonly cursor = new SweepCursor(this.keys);
	/** The snapshot in progress (see {@link beginDump}). */
	private dumping: DumpCursor<LastList, LastList> | undefined;

	constructor(readonly windowMs: number) {}

	/** Keeps `value` among the newest `n`; false when it is older than all `n` kept items. */
	add(key: string, ts: number, value: string | number, n: number): boolean {
		const cap = Math.max(1, Math.floor(n));
		let list = this.keys.get(key);
		if (!list) {
			this.keys.set(key, new LastList([ts], [value]));
			return true;
		}
		if (this.dumping !== undefined) this.dumping.touch(key, list);
		if (list.ts.length > cap) {
			list = new LastList(list.ts.slice(0, cap), list.values.slice(0, cap));
			this.keys.set(key, list);
		}
		const t = list.ts;
		const v = list.values;
		let j = 0;
		while (j < t.length && t[j]! > ts) j++;
		if (j >= cap) return false;
		if (t.length < cap) {
			// Not full: exact-size copies, as V8 would give a pushed array ~16 spare slots.
			this.keys.set(key, new LastList(insertTs(t, j, ts), insertValue(v, j, value)));
			return true;
		}
		// Full: shift in place, dropping the oldest; the arrays keep their size from now on.
		for (let k = t.length - 2; k >= j; k--) {
			t[k + 1] = t[k]!;
			v[k + 1] = v[k]!;
		}
		t[j] = ts;
		v[j] = value;
		return true;
	}

	/** Up to `n` kept items with `ts <= ts`, newest first; [] for an unknown key. */
	read(key: string, ts: number, n = Number.POSITIVE_INFINITY): LastItem[] {
		const list = this.keys.get(key);
		const out: LastItem[] = [];
		if (!list) return out;
		const t = list.ts;
		for (let j = 0; j < t.length && out.length < n; j++)
			if (t[j]! <= ts) out.push({ ts: t[j]!, value: list.values[j]! });
		return out;
	}

	/** Forgets keys whose newest item is out of the window at `nowTs`; returns how many. */
	sweep(nowTs: number): number {
		this.cursor.reset();
		return this.sweepSome(nowTs, Number.POSITIVE_INFINITY).dropped;
	}

	/** {@link sweep} of at most `budget` keys, going on from where the last step stopped. */
	sweepSome(nowTs: number, budget: number): SweepStep {
		return this.cursor.step(budget, (list) => list.ts[0]! <= nowTs - this.windowMs, NOTHING);
	}

	/** Plain data for a snapshot: key `k` has `lens[k]` items, next in `ts` and `values`. */
	dump(): LastWindowsData {
		const keys: string[] = [];
		const lens = new Uint32Array(this.keys.size);
		let total = 0;
		for (const list of this.keys.values()) total += list.ts.length;
		const ts = new Float64Array(total);
		const values: (string | number)[] = [];
		let off = 0;
		for (const [key, list] of this.keys) {
			lens[keys.length] = list.ts.length;
			keys.push(key);
			ts.set(list.ts, off);
			off += list.ts.length;
			for (const v of list.values) values.push(v);
		}
		return { windowMs: this.windowMs, keys, lens, ts, values };
	}

	/**
	 * {@link dump} a few keys at a time while the table goes on changing: the data is the table
	 * as it was at this call (copy-on-write). Until the last step, keys must not be deleted.
	 */
	beginDump(): TableDump {
		const keys = new JoinedBuilder();
		const lens = new Uint32Array(this.keys.size);
		const ts = new F64Builder(this.keys.size * 2);
		const values = new SerializedBuilder<string | number>();
		let k = 0;
		const emit = (key: string, list: LastList) => {
			keys.push(key);
			lens[k++] = list.ts.length;
			ts.pushAll(list.ts);
			for (const v of list.values) values.push(v);
		};
		const cursor = new DumpCursor<LastList, LastList>(
			this.keys,
			(list) => new LastList(list.ts.slice(), list.values.slice()),
		);
		this.dumping = cursor;
		return {
			step: (budget) => {
				cursor.step(budget, emit, emit);
				keys.endChunk();
				values.endChunk();
				if (cursor.done && this.dumping === cursor) this.dumping = undefined;
				return cursor.done;
			},
			cancel: () => {
				if (this.dumping === cursor) this.dumping = undefined;
			},
			finish: () => ({ windowMs: this.windowMs, keys: keys.node(), lens, ts: ts.array(), values: values.node() }),
		};
	}

	static load(d: LastWindowsData): LastWindows {
		const w = new LastWindows(d.windowMs);
		if (d.lens.length !== d.keys.length || d.ts.length !== d.values.length)
			throw new Error(`last data does not match ${d.keys.length} keys`);
		let off = 0;
		for (let k = 0; k < d.keys.length; k++) {
			const len = d.lens[k]!;
			if (len === 0 || off + len > d.ts.length) throw new Error(`last items of "${d.keys[k]}" are malformed`);
			w.keys.set(d.keys[k]!, new LastList(Array.from(d.ts.subarray(off, off + len)), d.values.slice(off, off + len)));
			off += len;
		}
		if (off !== d.ts.length) throw new Error("last items have trailing data");
		return w;
	}
}

/**
 * A copy of `a`, exactly one longer, with `x` at index `j`. Two functions, not one generic: V8
 * gives arrays from one allocation site one element kind, and timestamps must stay unboxed doubles.
 */
function insertTs(a: readonly number[], j: number, x: number): number[] {
	const out = new Array<number>(a.length + 1);
	for (let k = 0; k < j; k++) out[k] = a[k]!;
	out[j] = x;
	for (let k = j; k < a.length; k++) out[k + 1] = a[k]!;
	return out;
}

function insertValue(a: readonly (string | number)[], j: number, x: string | number): (string | number)[] {
	const out = new Array<string | number>(a.length + 1);
	for (let k = 0; k < j; k++) out[k] = a[k]!;
	out[j] = x;
	for (let k = j; k < a.length; k++) out[k + 1] = a[k]!;
	return out;
}

export interface LastWindowsData {
	windowMs: number;
	keys: string[];
	lens: Uint32Array;
	ts: Float64Array;
	values: (string | number)[];
}
