/**
 * A scalable Bloom filter of strings (Almeida et al. 2007): "definitely not added" or "maybe
 * added". When a layer is full, a new one twice as large with half the false-positive rate
 * is started, so the filter grows without knowing its size in advance and the overall rate
 * stays under `2 × falsePositiveRate`.
 *
 * Used where most lookups are for keys never seen (new event ids): a "no" answers without a
 * database read; a "maybe" goes on to check.
 * @example
 * const seen = new ScalableBloom(1_000_000);
 * seen.add("evt_1");
 * seen.has("evt_1"); // true
 * seen.has("evt_2"); // false (almost always)
 */
export class ScalableBloom {
	private readonly layers: BloomLayer[] = [];

	constructor(
		private readonly initialCapacity = 1 << 20,
		private readonly falsePositiveRate = 0.01,
	) {
		if (!(initialCapacity >= 1)) throw new RangeError("initialCapacity must be at least 1");
		if (!(falsePositiveRate > 0 && falsePositiveRate < 1)) throw new RangeError("falsePositiveRate must be in (0, 1)");
		this.layers.push(new BloomLayer(initialCapacity, falsePositiveRate));
	}

	/** Items added (an item added twice counts twice). */
	get size(): number {
		let n = 0;
		for (const l of this.layers) n += l.count;
		return n;
	}

	/** Bytes of bit arrays held. */
	get bytes(): number {
		let n = 0;
		for (const l of this.layers) n += l.bits.byteLength;
		return n;
	}

	add(item: string): void {
		let top = this.layers[this.layers.length - 1] as BloomLayer;
		if (top.count >= top.capacity) {
			top = new BloomLayer(top.capacity * 2, this.falsePositiveRate / 2 ** this.layers.length);
			this.layers.push(top);
		}
		hash(item);
		top.add(h1, h2);
	}

	/** False: never added. True: probably added. */
	has(item: string): boolean {
		hash(item);
		for (let i = this.layers.length - 1; i >= 0; i--) if ((this.layers[i] as BloomLayer).has(h1, h2)) return true;
		return false;
	}

	/** Forgets everything, keeping the first layer's size. */
	clear(): void {
		this.layers.length = 0;
		this.layers.push(new BloomLayer(this.initialCapacity, this.falsePositiveRate));
	}
}

class BloomLayer {
	readonly bits: Uint32Array;
	/** Bits in the layer: a power of two, so a probe is a mask, not a division. */
	private readonly mask: number;
	private readonly k: number;
	count = 0;

	constructor(
		readonly capacity: number,
		p: number,
	) {
		const ideal = Math.ceil((-capacity * Math.log(p)) / (Math.LN2 * Math.LN2));
		const m = 2 ** Math.max(5, Math.ceil(Math.log2(ideal)));
		this.bits = new Uint32Array(m / 32);
		this.mask = m - 1;
		// k for the ideal size; the rounded-up size only lowers the rate.
		this.k = Math.max(1, Math.round((ideal / capacity) * Math.LN2));
	}

	add(a: number, b: number): void {
		for (let i = 0; i < this.k; i++) {
			const bit = (a + Math.imul(i, b)) & this.mask;
			this.bits[bit >>> 5]! |= 1 << (bit & 31);
		}
		this.count++;
	}

	has(a: number, b: number): boolean {
		for (let i = 0; i < this.k; i++) {
			const bit = (a + Math.imul(i, b)) & this.mask;
			if ((this.bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
		}
		return true;
	}
}

let h1 = 0;
let h2 = 0;

/**
 * Two 32-bit hashes of the UTF-16 code units (FNV-1a and a murmur-style mix), combined as
 * `h1 + i·h2` for the i-th probe (Kirsch and Mitzenmacher); `h2` is odd so every probe of a
 * power-of-two table differs.
 */
function hash(s: string): void {
	let a = 0x811c9dc5;
	let b = 0x9747b28c;
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		a = Math.imul(a ^ c, 0x01000193);
		b = Math.imul(b ^ c, 0x5bd1e995);
		b ^= b >>> 15;
	}
	a ^= a >>> 16;
	a = Math.imul(a, 0x85ebca6b);
	a ^= a >>> 13;
	b = Math.imul(b ^ (b >>> 13), 0xc2b2ae35);
	b ^= b >>> 16;
	h1 = a >>> 0;
	h2 = (b | 1) >>> 0;
}
