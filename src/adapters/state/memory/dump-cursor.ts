import { serialize } from "node:v8";

/**
 * Dumps a Map's entries as they were when it was made, a few at a time, while the map goes on
 * changing: copy-on-write for one snapshot. The owner calls {@link touch} before it changes an
 * existing key's value in place or replaces it; the first touch keeps a copy of the value as it
 * was, and the key is dumped from that copy. Keys added after the cursor was made are not dumped:
 * a Map iterates in insertion order and new keys go last, so the first `size` entries are the
 * keys that were there. No key may be deleted meanwhile (sweeps wait for the snapshot), so each
 * of them is reached exactly once.
 *
 * A key touched after it was dumped is copied for nothing; that costs one copy per key changed
 * during the snapshot, never more.
 */
export class DumpCursor<V, S> {
	private readonly it: Iterator<[string, V]>;
	private left: number;
	private readonly saved = new Map<string, S>();

	constructor(
		map: Map<string, V>,
		private readonly copy: (value: V) => S,
	) {
		this.it = map.entries();
		this.left = map.size;
	}

	get done(): boolean {
		return this.left === 0;
	}

	/** Call before the value of `key` (already in the map) changes or is replaced. */
	touch(key: string, value: V): void {
		if (this.left > 0 && !this.saved.has(key)) this.saved.set(key, this.copy(value));
	}

	/**
	 * Dumps up to `budget` more keys: `live` for a key unchanged since the start, `old` with the
	 * copy for one that changed. Returns how many.
	 */
	step(budget: number, live: (key: string, value: V) => void, old: (key: string, copy: S) => void): number {
		let n = 0;
		while (n < budget && this.left > 0) {
			const r = this.it.next();
			if (r.done) throw new Error("a window key was deleted during a snapshot");
			const [key, value] = r.value;
			const s = this.saved.size === 0 ? undefined : this.saved.get(key);
			if (s === undefined) live(key, value);
			else old(key, s);
			this.left--;
			n++;
		}
		if (this.left === 0) this.saved.clear();
		return n;
	}
}

/** Marks a packed array of strings: joined chunks and each string's length (see `unpack` in snapshot.ts). */
export const JOINED = "\u0000joined";
/** Marks a packed array of any values: `v8.serialize`d chunks of it, in order. */
export const SERIALIZED = "\u0000serialized";

/** A packed string array: the strings joined (one piece or several to join in order) and their lengths. */
export interface JoinedNode {
	[JOINED]: string | string[];
	lens: Uint32Array;
}

/** A packed array of plain values: the `v8.serialize` of consecutive slices of it. */
export interface SerializedNode {
	[SERIALIZED]: Uint8Array[];
}

/**
 * Strings added one at a time, joined a chunk at a time ({@link endChunk} after each step), so
 * the final node costs no long join on the thread that makes it.
 */
export class JoinedBuilder {
	private readonly pieces: string[] = [];
	private pending: string[] = [];
	private readonly lens = new U32Builder();

	push(s: string): void {
		this.pending.push(s);
		this.lens.push(s.length);
	}

	endChunk(): void {
		if (this.pending.length === 0) return;
		this.pieces.push(this.pending.join(""));
		this.pending = [];
	}

	node(): JoinedNode {
		this.endChunk();
		return { [JOINED]: this.pieces, lens: this.lens.array() };
	}
}

/** Values serialized a chunk at a time ({@link endChunk} after each step). */
export class SerializedBuilder<T> {
	private readonly chunks: Uint8Array[] = [];
	private pending: T[] = [];

	push(v: T): void {
		this.pending.push(v);
	}

	endChunk(): void {
		if (this.pending.length === 0) return;
		this.chunks.push(serialize(this.pending));
		this.pending = [];
	}

	node(): SerializedNode {
		this.endChunk();
		return { [SERIALIZED]: this.chunks };
	}
}

/** A growing column of doubles; {@link array} is an exact-size copy that owns its memory. */
export class F64Builder {
	private buf: Float64Array;
	private n = 0;

	constructor(capacity = 1024) {
		this.buf = new Float64Array(Math.max(16, capacity));
	}

	push(x: number): void {
		if (this.n === this.buf.length) this.grow(this.n + 1);
		this.buf[this.n++] = x;
	}

	pushAll(xs: ArrayLike<number>): void {
		if (this.n + xs.length > this.buf.length) this.grow(this.n + xs.length);
		for (let i = 0; i < xs.length; i++) this.buf[this.n++] = xs[i]!;
	}

	array(): Float64Array {
		return this.buf.slice(0, this.n);
	}

	private grow(min: number): void {
		const next = new Float64Array(Math.max(min, this.buf.length * 2));
		next.set(this.buf.subarray(0, this.n));
		this.buf = next;
	}
}

/** A growing column of unsigned 32-bit integers; {@link array} is an exact-size copy. */
export class U32Builder {
	private buf = new Uint32Array(1024);
	private n = 0;

	push(x: number): void {
		if (this.n === this.buf.length) {
			const next = new Uint32Array(this.buf.length * 2);
			next.set(this.buf);
			this.buf = next;
		}
		this.buf[this.n++] = x;
	}

	array(): Uint32Array {
		return this.buf.slice(0, this.n);
	}
}

/** One table's share of an incremental snapshot: `step` until it returns true, then `finish`. */
export interface TableDump {
	/** Dumps up to `budget` more keys; true once every key is dumped. */
	step(budget: number): boolean;
	/** The table's data, packed (strings joined, columns as typed arrays); only after the last step. */
	finish(): unknown;
	/** Stops copying on write (a dump given up); the table is left as it is. */
	cancel(): void;
}
