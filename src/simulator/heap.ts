/**
 * A min-heap of (time, account index) in typed arrays: the schedule of every account's next
 * action, a million entries in 12 MB. Ties break on the index, so the order is deterministic.
 */
export class TimeHeap {
	private readonly keys: Float64Array;
	private readonly vals: Int32Array;
	size = 0;

	constructor(capacity: number) {
		this.keys = new Float64Array(capacity);
		this.vals = new Int32Array(capacity);
	}

	peekTime(): number {
		return this.size ? (this.keys[0] as number) : Number.POSITIVE_INFINITY;
	}

	push(t: number, v: number): void {
		if (this.size >= this.keys.length) throw new Error("TimeHeap is full");
		let i = this.size++;
		while (i > 0) {
			const p = (i - 1) >> 1;
			if (!this.less(t, v, this.keys[p] as number, this.vals[p] as number)) break;
			this.keys[i] = this.keys[p] as number;
			this.vals[i] = this.vals[p] as number;
			i = p;
		}
		this.keys[i] = t;
		this.vals[i] = v;
	}

	/** Removes the earliest entry and returns its account index. */
	pop(): number {
		const top = this.vals[0] as number;
		const n = --this.size;
		const t = this.keys[n] as number;
		const v = this.vals[n] as number;
		let i = 0;
		for (;;) {
			let c = 2 * i + 1;
			if (c >= n) break;
			const r = c + 1;
			if (
				r < n &&
				this.less(this.keys[r] as number, this.vals[r] as number, this.keys[c] as number, this.vals[c] as number)
			)
				c = r;
			if (!this.less(this.keys[c] as number, this.vals[c] as number, t, v)) break;
			this.keys[i] = this.keys[c] as number;
			this.vals[i] = this.vals[c] as number;
			i = c;
		}
		this.keys[i] = t;
		this.vals[i] = v;
		return top;
	}

	private less(t1: number, v1: number, t2: number, v2: number): boolean {
		return t1 < t2 || (t1 === t2 && v1 < v2);
	}
}

/** A scheduled follow-on action (a ring member's like seconds after the first one). */
export interface Scheduled {
	ts: number;
	seq: number;
	run(): unknown;
}

/** A small min-heap of scheduled actions ordered by (ts, seq). */
export class ScheduleQueue {
	private readonly items: Scheduled[] = [];
	private seq = 0;

	get size(): number {
		return this.items.length;
	}

	peekTime(): number {
		return this.items[0]?.ts ?? Number.POSITIVE_INFINITY;
	}

	add(ts: number, run: () => unknown): void {
		const a = this.items;
		const item = { ts, seq: this.seq++, run };
		a.push(item);
		let i = a.length - 1;
		while (i > 0) {
			const p = (i - 1) >> 1;
			if (!before(item, a[p] as Scheduled)) break;
			a[i] = a[p] as Scheduled;
			i = p;
		}
		a[i] = item;
	}

	pop(): Scheduled {
		const a = this.items;
		const top = a[0] as Scheduled;
		const last = a.pop() as Scheduled;
		if (a.length) {
			let i = 0;
			for (;;) {
				let c = 2 * i + 1;
				if (c >= a.length) break;
				if (c + 1 < a.length && before(a[c + 1] as Scheduled, a[c] as Scheduled)) c++;
				if (!before(a[c] as Scheduled, last)) break;
				a[i] = a[c] as Scheduled;
				i = c;
			}
			a[i] = last;
		}
		return top;
	}
}

function before(x: Scheduled, y: Scheduled): boolean {
	return x.ts < y.ts || (x.ts === y.ts && x.seq < y.seq);
}
