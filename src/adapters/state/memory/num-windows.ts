import { DumpCursor, JoinedBuilder, type TableDump } from "./dump-cursor.ts";
import { SweepCursor, type SweepStep } from "./sweep-cursor.ts";

/**
 * `count` or `sum` windows of one shape (windowMs, buckets), packed for millions of keys: a key
 * owns a slot in shared chunks, its newest bucket index in `heads` and its `buckets` values in
 * `vals` (Uint32 for counts, saturating at 2^32 - 1 a bucket; Float64 for sums). The Map holds
 * only the slot number, a small integer: no object per key, none per bucket.
 *
 * Ring position `j` of a slot holds the one bucket index `≡ j (mod B)` in `(newest - B, newest]`.
 * Moving `newest` forward zeroes the positions it passes, so a position never holds a bucket
 * older than the ring.
 */
export class NumWindows {
	readonly bucketMs: number;
	/** key -> slot */
	readonly keys = new Map<string, number>();
	private readonly cursor = new SweepCursor(this.keys);
	private readonly heads: Float64Array[] = [];
	private readonly vals: (Float64Array | Uint32Array)[] = [];
	private readonly free: number[] = [];
	private top = 0;
	/** The snapshot in progress (see {@link beginDump}). */
	private dumping: DumpCursor<number, Float64Array> | undefined;

	constructor(
		readonly kind: "count" | "sum",
		readonly windowMs: number,
		readonly buckets: number,
	) {
		this.bucketMs = windowMs / buckets;
	}

	/** Adds `v` at `ts`; false when `ts` is older than the key's ring (the op is dropped). */
	add(key: string, ts: number, v: number): boolean {
		const B = this.buckets;
		const i = Math.floor(ts / this.bucketMs);
		let slot = this.keys.get(key);
		if (slot === undefined) {
			slot = this.alloc();
			this.keys.set(key, slot);
			this.heads[slot >>> CHUNK_BITS]![slot & CHUNK_MASK] = i;
		} else if (this.dumping !== undefined) this.dumping.touch(key, slot);
		const h = this.heads[slot >>> CHUNK_BITS]!;
		const c = this.vals[slot >>> CHUNK_BITS]!;
		const base = (slot & CHUNK_MASK) * B;
		const newest = h[slot & CHUNK_MASK]!;
		if (i > newest) {
			if (i - newest >= B) c.fill(0, base, base + B);
			else zero(c, base, mod(newest + 1, B), i - newest, B);
			h[slot & CHUNK_MASK] = i;
		} else if (i <= newest - B) {
			return false;
		}
		const at = base + mod(i, B);
		const next = c[at]! + v;
		c[at] = this.kind === "count" && next > MAX_COUNT ? MAX_COUNT : next;
		return true;
	}

	/** The sum of buckets `(idx(ts) - B, idx(ts)]` that the ring still holds; 0 for an unknown key. */
	read(key: string, ts: number): number {
		const slot = this.keys.get(key);
		if (slot === undefined) return 0;
		const B = this.buckets;
		const c = this.vals[slot >>> CHUNK_BITS]!;
		const base = (slot & CHUNK_MASK) * B;
		const newest = this.heads[slot >>> CHUNK_BITS]![slot & CHUNK_MASK]!;
		const r = Math.floor(ts / this.bucketMs);
		const hi = Math.min(r, newest);
		const lo = Math.max(r, newest) - B;
		let total = 0;
		// Positions step with a wrap, not `mod` per bucket: indices are doubles and `%` on doubles is slow.
		for (let k = lo + 1, p = mod(k, B); k <= hi; k++) {
			total += c[base + p]!;
			if (++p === B) p = 0;
		}
		return total;
	}

	/** Forgets keys whose every bucket is out of the window at `nowTs`; returns how many. */
	sweep(nowTs: number): number {
		this.cursor.reset();
		return this.sweepSome(nowTs, Number.POSITIVE_INFINITY).dropped;
	}

	/** {@link sweep} of at most `budget` keys, going on from where the last step stopped. */
	sweepSome(nowTs: number, budget: number): SweepStep {
		const limit = Math.floor(nowTs / this.bucketMs) - this.buckets;
		return this.cursor.step(
			budget,
			(slot) => this.heads[slot >>> CHUNK_BITS]![slot & CHUNK_MASK]! <= limit,
			(_key, slot) => this.release(slot),
		);
	}

	/** Plain data for a snapshot: key `k`'s newest bucket is `heads[k]`, its values `vals[k * B …]`. */
	dump(): NumWindowsData {
		const B = this.buckets;
		const keys: string[] = [];
		const heads = new Float64Array(this.keys.size);
		const vals = this.kind === "count" ? new Uint32Array(this.keys.size * B) : new Float64Array(this.keys.size * B);
		for (const [key, slot] of this.keys) {
			const base = (slot & CHUNK_MASK) * B;
			heads[keys.length] = this.heads[slot >>> CHUNK_BITS]![slot & CHUNK_MASK]!;
			const src = this.vals[slot >>> CHUNK_BITS]!;
			const to = keys.length * B;
			for (let j = 0; j < B; j++) vals[to + j] = src[base + j]!;
			keys.push(key);
		}
		return { kind: this.kind, windowMs: this.windowMs, buckets: B, keys, heads, vals };
	}

	/**
	 * {@link dump} a few keys at a time while the table goes on changing: the data is the table
	 * as it was at this call (copy-on-write). Until the last step, keys must not be deleted
	 * (no sweep).
	 */
	beginDump(): TableDump {
		const B = this.buckets;
		const n0 = this.keys.size;
		const heads = new Float64Array(n0);
		const vals = this.kind === "count" ? new Uint32Array(n0 * B) : new Float64Array(n0 * B);
		const keys = new JoinedBuilder();
		let k = 0;
		const cursor = new DumpCursor<number, Float64Array>(this.keys, (slot) => {
			const copy = new Float64Array(B + 1);
			copy[0] = this.heads[slot >>> CHUNK_BITS]![slot & CHUNK_MASK]!;
			copy.set(this.vals[slot >>> CHUNK_BITS]!.subarray((slot & CHUNK_MASK) * B, (slot & CHUNK_MASK) * B + B), 1);
			return copy;
		});
		const live = (key: string, slot: number) => {
			heads[k] = this.heads[slot >>> CHUNK_BITS]![slot & CHUNK_MASK]!;
			const base = (slot & CHUNK_MASK) * B;
			vals.set(this.vals[slot >>> CHUNK_BITS]!.subarray(base, base + B), k * B);
			keys.push(key);
			k++;
		};
		const old = (key: string, copy: Float64Array) => {
			heads[k] = copy[0]!;
			for (let j = 0; j < B; j++) vals[k * B + j] = copy[j + 1]!;
			keys.push(key);
			k++;
		};
		this.dumping = cursor;
		return {
			step: (budget) => {
				cursor.step(budget, live, old);
				keys.endChunk();
				if (cursor.done && this.dumping === cursor) this.dumping = undefined;
				return cursor.done;
			},
			cancel: () => {
				if (this.dumping === cursor) this.dumping = undefined;
			},
			finish: () => ({ kind: this.kind, windowMs: this.windowMs, buckets: B, keys: keys.node(), heads, vals }),
		};
	}

	static load(d: NumWindowsData): NumWindows {
		const w = new NumWindows(d.kind, d.windowMs, d.buckets);
		const B = d.buckets;
		if (d.kind !== "count" && d.kind !== "sum") throw new Error(`unknown numeric window kind "${d.kind}"`);
		if ((d.kind === "count") !== d.vals instanceof Uint32Array) throw new Error(`${d.kind} values of the wrong type`);
		if (d.heads.length !== d.keys.length || d.vals.length !== d.keys.length * B)
			throw new Error(`${d.kind} data does not match ${d.keys.length} keys`);
		for (let k = 0; k < d.keys.length; k++) {
			const slot = w.alloc();
			w.keys.set(d.keys[k]!, slot);
			w.heads[slot >>> CHUNK_BITS]![slot & CHUNK_MASK] = d.heads[k]!;
			const dst = w.vals[slot >>> CHUNK_BITS]!;
			const base = (slot & CHUNK_MASK) * B;
			for (let j = 0; j < B; j++) dst[base + j] = d.vals[k * B + j]!;
		}
		return w;
	}

	private alloc(): number {
		const reused = this.free.pop();
		if (reused !== undefined) return reused;
		const slot = this.top++;
		if ((slot & CHUNK_MASK) === 0) {
			this.heads.push(new Float64Array(CHUNK));
			this.vals.push(
				this.kind === "count" ? new Uint32Array(CHUNK * this.buckets) : new Float64Array(CHUNK * this.buckets),
			);
		}
		return slot;
	}

	/** Zeroes the slot's values so `alloc` always hands out a clean one. */
	private release(slot: number): void {
		const base = (slot & CHUNK_MASK) * this.buckets;
		this.vals[slot >>> CHUNK_BITS]!.fill(0, base, base + this.buckets);
		this.free.push(slot);
	}
}

export interface NumWindowsData {
	kind: "count" | "sum";
	windowMs: number;
	buckets: number;
	keys: string[];
	heads: Float64Array;
	vals: Uint32Array | Float64Array;
}

/** Slots per chunk: chunks grow the store without ever copying it. */
const CHUNK_BITS = 12;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;
const MAX_COUNT = 2 ** 32 - 1;

/** Sets `count` ring positions from `start` (wrapping at `B`) to 0. */
function zero(c: Float64Array | Uint32Array, base: number, start: number, count: number, B: number): void {
	for (let k = 0, p = start; k < count; k++) {
		c[base + p] = 0;
		if (++p === B) p = 0;
	}
}

export function mod(i: number, b: number): number {
	const r = i % b;
	return r < 0 ? r + b : r;
}
