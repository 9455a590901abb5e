import { HyperLogLog, hash32 } from "../../../core/features/hll.ts";
import { DumpCursor, F64Builder, JoinedBuilder, type TableDump, U32Builder } from "./dump-cursor.ts";
import { mod } from "./num-windows.ts";
import { NOTHING, SweepCursor, type SweepStep } from "./sweep-cursor.ts";

/**
 * Values a key keeps in its compact form before it turns into one HyperLogLog per bucket. While
 * under it, every bucket is at most this big, so it holds exactly what sparse sketches would.
 */
const SMALL_MAX = 128;
/** Past this many entries a compact ring grows in place (V8 keeps spare room) instead of by an exact copy. */
const GROW_IN_PLACE = 8;
/** A compact entry is `position * 2^32 + hash`: exact in a double for any realistic bucket count. */
const POS = 2 ** 32;

/**
 * A key's ring; position `j` holds the bucket `≡ j (mod B)` in `(newest - B, newest]`.
 *
 * Most keys see a few values (an account's IPs, the accounts it followed this hour), so a key
 * starts COMPACT: one array of doubles `[newest, entry_1, …, entry_n]`, an entry per distinct
 * (bucket, value), sized exactly (V8 stores it unboxed; no object per bucket, no typed array,
 * which costs ~200 bytes of overhead each in Node). The entry that would exceed
 * {@link SMALL_MAX} turns it into a {@link SketchRing}: one HyperLogLog per bucket (each sparse,
 * then dense, on its own). When all of a sketch ring's buckets expire it starts compact again.
 * Both read the same: the union of the buckets in range.
 */
type Ring = number[] | SketchRing;

class SketchRing {
	constructor(
		public newest: number,
		readonly sketches: (HyperLogLog | undefined)[],
	) {}
}

/** `distinct` windows of one shape: per bucket a set of value hashes (a HyperLogLog when large), merged at read. */
export class DistinctWindows {
	readonly bucketMs: number;
	readonly keys = new Map<string, Ring>();
	private readonly cursor = new SweepCursor(this.keys);
	/** The snapshot in progress (see {@link beginDump}). */
	private dumping: DumpCursor<Ring, Frozen> | undefined;

	constructor(
		readonly windowMs: number,
		readonly buckets: number,
	) {
		this.bucketMs = windowMs / buckets;
	}

	/** Adds `value` at `ts`; false when `ts` is older than the key's ring (the op is dropped). */
	add(key: string, ts: number, value: string): boolean {
		const B = this.buckets;
		const i = Math.floor(ts / this.bucketMs);
		const pos = mod(i, B);
		const h = hash32(value);
		let ring = this.keys.get(key);
		if (ring === undefined) {
			this.keys.set(key, [i, pos * POS + h]);
			return true;
		}
		if (this.dumping !== undefined) this.dumping.touch(key, ring);
		const newest = newestOf(ring);
		if (i > newest) {
			ring = this.advance(key, ring, i);
		} else if (i <= newest - B) {
			return false;
		}
		if (ring instanceof SketchRing) {
			sketchAt(ring.sketches, pos).addHash(h);
			return true;
		}
		const e = pos * POS + h;
		const n = ring.length;
		for (let k = 1; k < n; k++) if (ring[k] === e) return true;
		if (n > SMALL_MAX) {
			const sketches = sketchesOf(ring, B);
			sketchAt(sketches, pos).addHash(h);
			this.keys.set(key, new SketchRing(ring[0]!, sketches));
			return true;
		}
		// Exactly sized while small (most keys); a busy key (a post being liked) grows in place,
		// as a copy per add made its likes quadratic (measured: distinct windows went from ~2 to
		// ~15 us/event with the default pack's per-post features).
		if (n > GROW_IN_PLACE) ring.push(e);
		else this.keys.set(key, copyExact(ring, n + 1, e));
		return true;
	}

	/** The distinct count over buckets `(idx(ts) - B, idx(ts)]` that the ring still holds; 0 for an unknown key. */
	read(key: string, ts: number): number {
		const ring = this.keys.get(key);
		if (ring === undefined) return 0;
		const B = this.buckets;
		const newest = newestOf(ring);
		const r = Math.floor(ts / this.bucketMs);
		const hi = Math.min(r, newest);
		const lo = Math.max(r, newest) - B;
		if (hi <= lo) return 0;
		if (ring instanceof SketchRing) {
			picked.length = 0;
			for (let j = lo + 1, p = mod(j, B); j <= hi; j++) {
				const s = ring.sketches[p];
				if (s) picked.push(s);
				if (++p === B) p = 0;
			}
			const count = HyperLogLog.unionCount(picked);
			picked.length = 0;
			return count;
		}
		const top = mod(newest, B);
		const all = hi === newest && lo === newest - B;
		let m = 0;
		for (let k = 1; k < ring.length; k++) {
			const e = ring[k]!;
			const pos = Math.floor(e / POS);
			if (all) scratch[m++] = e - pos * POS;
			else {
				const idx = newest - mod(top - pos, B);
				if (idx > lo && idx <= hi) scratch[m++] = e - pos * POS;
			}
		}
		return distinctIn(m);
	}

	/** Forgets keys whose every bucket is out of the window at `nowTs`; returns how many. */
	sweep(nowTs: number): number {
		this.cursor.reset();
		return this.sweepSome(nowTs, Number.POSITIVE_INFINITY).dropped;
	}

	/** {@link sweep} of at most `budget` keys, going on from where the last step stopped. */
	sweepSome(nowTs: number, budget: number): SweepStep {
		const limit = Math.floor(nowTs / this.bucketMs) - this.buckets;
		return this.cursor.step(budget, (ring) => newestOf(ring) <= limit, NOTHING);
	}

	/**
	 * Plain data for a snapshot, each ring in its form. Compact key `k` has `lens[k]` numbers in
	 * `entries` (its whole array, newest first). Sketched key `k` has `newest[k]` and, for ring
	 * position `j`, `lens[k * B + j]` bytes of {@link HyperLogLog.toBytes} in `bytes` (0 = none).
	 */
	dump(): DistinctWindowsData {
		const B = this.buckets;
		const compact = { keys: [] as string[], lens: [] as number[], entries: [] as number[] };
		const sketched = { keys: [] as string[], newest: [] as number[], lens: [] as number[], parts: [] as Uint8Array[] };
		for (const [key, ring] of this.keys) {
			if (ring instanceof SketchRing) {
				sketched.keys.push(key);
				sketched.newest.push(ring.newest);
				for (let j = 0; j < B; j++) {
					const b = ring.sketches[j]?.toBytes();
					sketched.lens.push(b?.length ?? 0);
					if (b) sketched.parts.push(b);
				}
			} else {
				compact.keys.push(key);
				compact.lens.push(ring.length);
				for (const e of ring) compact.entries.push(e);
			}
		}
		const bytes = new Uint8Array(sketched.parts.reduce((n, b) => n + b.length, 0));
		let off = 0;
		for (const b of sketched.parts) {
			bytes.set(b, off);
			off += b.length;
		}
		return {
			windowMs: this.windowMs,
			buckets: B,
			compact: {
				keys: compact.keys,
				lens: Uint32Array.from(compact.lens),
				entries: Float64Array.from(compact.entries),
			},
			sketched: {
				keys: sketched.keys,
				newest: Float64Array.from(sketched.newest),
				lens: Uint32Array.from(sketched.lens),
				bytes,
			},
		};
	}

	/**
	 * {@link dump} a few keys at a time while the table goes on changing: the data is the table
	 * as it was at this call (copy-on-write). Until the last step, keys must not be deleted.
	 */
	beginDump(): TableDump {
		const B = this.buckets;
		const compact = { keys: new JoinedBuilder(), lens: new U32Builder(), entries: new F64Builder() };
		const sketched = { keys: new JoinedBuilder(), newest: new F64Builder(), lens: new U32Builder() };
		const parts: Uint8Array[] = [];
		const emit = (key: string, ring: Ring | Frozen) => {
			if (Array.isArray(ring)) {
				compact.keys.push(key);
				compact.lens.push(ring.length);
				compact.entries.pushAll(ring);
				return;
			}
			sketched.keys.push(key);
			sketched.newest.push(ring.newest);
			for (let j = 0; j < B; j++) {
				const b = ring instanceof SketchRing ? ring.sketches[j]?.toBytes() : ring.parts[j];
				sketched.lens.push(b?.length ?? 0);
				if (b) parts.push(b);
			}
		};
		const cursor = new DumpCursor<Ring, Frozen>(this.keys, (ring) =>
			Array.isArray(ring) ? ring.slice() : { newest: ring.newest, parts: ring.sketches.map((s) => s?.toBytes()) },
		);
		this.dumping = cursor;
		return {
			step: (budget) => {
				cursor.step(budget, emit, emit);
				compact.keys.endChunk();
				sketched.keys.endChunk();
				if (cursor.done && this.dumping === cursor) this.dumping = undefined;
				return cursor.done;
			},
			cancel: () => {
				if (this.dumping === cursor) this.dumping = undefined;
			},
			finish: () => {
				const bytes = new Uint8Array(parts.reduce((n, b) => n + b.length, 0));
				let off = 0;
				for (const b of parts) {
					bytes.set(b, off);
					off += b.length;
				}
				return {
					windowMs: this.windowMs,
					buckets: B,
					compact: { keys: compact.keys.node(), lens: compact.lens.array(), entries: compact.entries.array() },
					sketched: {
						keys: sketched.keys.node(),
						newest: sketched.newest.array(),
						lens: sketched.lens.array(),
						bytes,
					},
				};
			},
		};
	}

	static load(d: DistinctWindowsData): DistinctWindows {
		const w = new DistinctWindows(d.windowMs, d.buckets);
		const B = d.buckets;
		const { compact, sketched } = d;
		if (compact.lens.length !== compact.keys.length) throw new Error("distinct compact data does not match its keys");
		let off = 0;
		for (let k = 0; k < compact.keys.length; k++) {
			const len = compact.lens[k]!;
			if (len < 1 || len > SMALL_MAX + 1 || off + len > compact.entries.length)
				throw new Error(`distinct ring of "${compact.keys[k]}" is malformed`);
			const ring = new Array<number>(len);
			ring[0] = compact.entries[off]!;
			for (let j = 1; j < len; j++) {
				const e = compact.entries[off + j]!;
				if (!Number.isInteger(e) || e < 0 || e >= B * POS)
					throw new Error(`distinct entry of "${compact.keys[k]}" is malformed`);
				ring[j] = e;
			}
			w.keys.set(compact.keys[k]!, ring);
			off += len;
		}
		if (off !== compact.entries.length) throw new Error("distinct compact entries have trailing data");
		if (sketched.newest.length !== sketched.keys.length || sketched.lens.length !== sketched.keys.length * B)
			throw new Error("distinct sketch data does not match its keys");
		off = 0;
		for (let k = 0; k < sketched.keys.length; k++) {
			const sketches = new Array<HyperLogLog | undefined>(B).fill(undefined);
			for (let j = 0; j < B; j++) {
				const len = sketched.lens[k * B + j]!;
				if (len === 0) continue;
				if (off + len > sketched.bytes.length) throw new Error("distinct sketch bytes end early");
				sketches[j] = HyperLogLog.fromBytes(sketched.bytes.subarray(off, off + len));
				off += len;
			}
			w.keys.set(sketched.keys[k]!, new SketchRing(sketched.newest[k]!, sketches));
		}
		if (off !== sketched.bytes.length) throw new Error("distinct sketch bytes have trailing data");
		return w;
	}

	/** Moves the ring's `newest` to `i`, emptying the positions it passes; returns the ring now stored. */
	private advance(key: string, ring: Ring, i: number): Ring {
		const B = this.buckets;
		const newest = newestOf(ring);
		const d = i - newest;
		if (ring instanceof SketchRing) {
			if (d >= B) {
				const fresh = [i];
				this.keys.set(key, fresh);
				return fresh;
			}
			for (let j = newest + 1, p = mod(j, B); j <= i; j++) {
				ring.sketches[p] = undefined;
				if (++p === B) p = 0;
			}
			ring.newest = i;
			return ring;
		}
		const first = mod(newest + 1, B);
		let kept = 1;
		for (let k = 1; k < ring.length; k++) if (d < B && mod(Math.floor(ring[k]! / POS) - first, B) >= d) kept++;
		if (kept === ring.length) {
			ring[0] = i;
			return ring;
		}
		const next = new Array<number>(kept);
		next[0] = i;
		let w = 1;
		for (let k = 1; k < ring.length; k++)
			if (d < B && mod(Math.floor(ring[k]! / POS) - first, B) >= d) next[w++] = ring[k]!;
		this.keys.set(key, next);
		return next;
	}
}

/** A ring as it was when a snapshot began: a compact copy, or a sketch ring's buckets as bytes. */
type Frozen = number[] | { newest: number; parts: (Uint8Array | undefined)[] };

function newestOf(ring: Ring): number {
	return ring instanceof SketchRing ? ring.newest : ring[0]!;
}

/** A copy of `ring` of exactly `length` (V8 keeps no spare capacity), `extra` last. */
function copyExact(ring: number[], length: number, extra: number): number[] {
	const next = new Array<number>(length);
	for (let k = 0; k < ring.length; k++) next[k] = ring[k]!;
	next[length - 1] = extra;
	return next;
}

export interface DistinctWindowsData {
	windowMs: number;
	buckets: number;
	compact: { keys: string[]; lens: Uint32Array; entries: Float64Array };
	sketched: { keys: string[]; newest: Float64Array; lens: Uint32Array; bytes: Uint8Array };
}

function sketchAt(sketches: (HyperLogLog | undefined)[], pos: number): HyperLogLog {
	let s = sketches[pos];
	if (!s) {
		s = new HyperLogLog();
		sketches[pos] = s;
	}
	return s;
}

function sketchesOf(ring: number[], B: number): (HyperLogLog | undefined)[] {
	const sketches = new Array<HyperLogLog | undefined>(B).fill(undefined);
	for (let k = 1; k < ring.length; k++) {
		const pos = Math.floor(ring[k]! / POS);
		sketchAt(sketches, pos).addHash(ring[k]! - pos * POS);
	}
	return sketches;
}

/** How many distinct hashes the first `m` of `scratch` hold: few are compared pairwise, more sorted. */
function distinctIn(m: number): number {
	if (m <= 16) {
		let d = 0;
		outer: for (let k = 0; k < m; k++) {
			for (let j = 0; j < k; j++) if (scratch[j] === scratch[k]) continue outer;
			d++;
		}
		return d;
	}
	const hashes = scratch.subarray(0, m).sort();
	let d = 1;
	for (let k = 1; k < m; k++) if (hashes[k] !== hashes[k - 1]) d++;
	return d;
}

/** Reused between reads. */
const picked: HyperLogLog[] = [];
const scratch = new Uint32Array(SMALL_MAX);
