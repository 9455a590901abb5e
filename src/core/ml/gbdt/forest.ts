/**
 * A trained boosted forest as flat typed arrays, for fast scoring: every node of every tree in
 * one set of arrays (`feature[i] < 0` marks a leaf), the roots listed per tree. A row goes left
 * when `x[feature] <= threshold`, and a missing (NaN) value goes the side the trainer learned.
 * Each node also keeps its value (the leaf value it would have had), which gives per-prediction
 * contributions by path attribution (Saabas): the margin is the bias plus one share per feature.
 *
 * @example
 * const m = forest.margin(x);            // log-odds
 * const c = forest.contributions(x);     // c[f] per feature, c[d] the bias; they sum to m
 */
export interface ForestArrays {
	/** Features a row must have (the length of `x`). */
	readonly features: number;
	/** Added to every margin: the log-odds of the training prior. */
	readonly base: number;
	readonly roots: Int32Array;
	readonly feature: Int32Array;
	readonly threshold: Float64Array;
	readonly left: Int32Array;
	readonly right: Int32Array;
	/** 1 when a missing value goes left. */
	readonly defaultLeft: Uint8Array;
	/** Leaf value for leaves; for inner nodes the value the node had as a leaf (for contributions). */
	readonly value: Float64Array;
}

export class Forest implements ForestArrays {
	readonly features: number;
	readonly base: number;
	readonly roots: Int32Array;
	readonly feature: Int32Array;
	readonly threshold: Float64Array;
	readonly left: Int32Array;
	readonly right: Int32Array;
	readonly defaultLeft: Uint8Array;
	readonly value: Float64Array;

	constructor(a: ForestArrays) {
		this.features = a.features;
		this.base = a.base;
		this.roots = a.roots;
		this.feature = a.feature;
		this.threshold = a.threshold;
		this.left = a.left;
		this.right = a.right;
		this.defaultLeft = a.defaultLeft;
		this.value = a.value;
		checkForest(this);
	}

	get trees(): number {
		return this.roots.length;
	}

	get nodes(): number {
		return this.feature.length;
	}

	/** The raw score (log-odds) of the row at `offset` of `x`. */
	margin(x: ArrayLike<number>, offset = 0): number {
		const feature = this.feature;
		const threshold = this.threshold;
		const left = this.left;
		const defaultLeft = this.defaultLeft;
		const value = this.value;
		const roots = this.roots;
		let m = this.base;
		for (let t = 0; t < roots.length; t++) {
			let node = roots[t] as number;
			let f = feature[node] as number;
			while (f >= 0) {
				const v = x[offset + f] as number;
				const thr = threshold[node] as number;
				// The right child is always next to the left one (checkForest).
				node = (left[node] as number) + (v <= thr ? 0 : v > thr ? 1 : 1 - (defaultLeft[node] as number));
				f = feature[node] as number;
			}
			m += value[node] as number;
		}
		return m;
	}

	/** The probability of class 1: the logistic of the margin. */
	probability(x: ArrayLike<number>, offset = 0): number {
		return sigmoid(this.margin(x, offset));
	}

	/**
	 * Each feature's share of the margin along the row's paths (Saabas): at every split, the change
	 * in node value from the node to the child taken is credited to the split's feature. Returns
	 * `features + 1` numbers, the last the bias (base plus the roots' values); they sum to the margin.
	 */
	contributions(x: ArrayLike<number>, offset = 0): Float64Array {
		const { feature, threshold, left, right, defaultLeft, value, roots } = this;
		const out = new Float64Array(this.features + 1);
		let bias = this.base;
		for (let t = 0; t < roots.length; t++) {
			let node = roots[t] as number;
			bias += value[node] as number;
			for (;;) {
				const f = feature[node] as number;
				if (f < 0) break;
				const v = x[offset + f] as number;
				const thr = threshold[node] as number;
				const next = (
					v <= thr ? left[node] : v > thr ? right[node] : defaultLeft[node] ? left[node] : right[node]
				) as number;
				out[f] = (out[f] as number) + (value[next] as number) - (value[node] as number);
				node = next;
			}
		}
		out[this.features] = bias;
		return out;
	}
}

export const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** Throws when the arrays do not make a forest of trees (a damaged or hand-edited artifact). */
export function checkForest(a: ForestArrays): void {
	const n = a.feature.length;
	for (const [name, arr] of [
		["threshold", a.threshold],
		["left", a.left],
		["right", a.right],
		["defaultLeft", a.defaultLeft],
		["value", a.value],
	] as const)
		if (arr.length !== n) throw new Error(`forest: ${name} has ${arr.length} entries, feature has ${n}`);
	if (!Number.isFinite(a.base)) throw new Error("forest: base is not a number");
	for (let i = 0; i < n; i++) {
		const f = a.feature[i] as number;
		if (!Number.isFinite(a.value[i] as number)) throw new Error(`forest: node ${i} has no finite value`);
		if (f < 0) continue;
		if (f >= a.features) throw new Error(`forest: node ${i} splits on feature ${f} of ${a.features}`);
		const l = a.left[i] as number;
		const r = a.right[i] as number;
		// Children come after their parent, which also rules out cycles; the right one right after
		// the left (what the fast scoring loop relies on).
		if (!(l > i && r === l + 1 && r < n)) throw new Error(`forest: node ${i} has children ${l}, ${r} out of order`);
		if (Number.isNaN(a.threshold[i] as number)) throw new Error(`forest: node ${i} has no threshold`);
	}
	for (let t = 0; t < a.roots.length; t++) {
		const r = a.roots[t] as number;
		if (!(r >= 0 && r < n)) throw new Error(`forest: tree ${t} has root ${r} of ${n} nodes`);
	}
}

const MAGIC = 0x42574742; // "BWGB"
const VERSION = 1;

/**
 * The forest as bytes (little-endian): magic, version, features, trees, nodes, base, then the
 * arrays. {@link decodeForest} reads them back and checks the structure.
 */
export function encodeForest(a: ForestArrays): Uint8Array {
	const t = a.roots.length;
	const n = a.feature.length;
	const bytes = new Uint8Array(28 + 4 * t + n * (4 + 4 + 4 + 1 + 8 + 8));
	const v = new DataView(bytes.buffer);
	let o = 0;
	const u32 = (x: number) => {
		v.setUint32(o, x, true);
		o += 4;
	};
	u32(MAGIC);
	u32(VERSION);
	u32(a.features);
	u32(t);
	u32(n);
	v.setFloat64(o, a.base, true);
	o += 8;
	for (const r of a.roots) u32(r);
	for (const arr of [a.feature, a.left, a.right])
		for (const x of arr) {
			v.setInt32(o, x, true);
			o += 4;
		}
	for (const x of a.defaultLeft) bytes[o++] = x;
	for (const arr of [a.threshold, a.value])
		for (const x of arr) {
			v.setFloat64(o, x, true);
			o += 8;
		}
	return bytes;
}

/** Reads {@link encodeForest}'s bytes; throws naming what is wrong. */
export function decodeForest(bytes: Uint8Array): Forest {
	if (bytes.length < 28) throw new Error("forest: too short");
	const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	if (v.getUint32(0, true) !== MAGIC) throw new Error("forest: not a forest file");
	const version = v.getUint32(4, true);
	if (version !== VERSION) throw new Error(`forest: version ${version} is not ${VERSION}`);
	const features = v.getUint32(8, true);
	const t = v.getUint32(12, true);
	const n = v.getUint32(16, true);
	const expect = 28 + 4 * t + n * 29;
	if (bytes.length !== expect) throw new Error(`forest: ${bytes.length} bytes, expected ${expect}`);
	const base = v.getFloat64(20, true);
	let o = 28;
	const ints = (len: number) => {
		const a = new Int32Array(len);
		for (let i = 0; i < len; i++, o += 4) a[i] = v.getInt32(o, true);
		return a;
	};
	const roots = ints(t);
	const feature = ints(n);
	const left = ints(n);
	const right = ints(n);
	const defaultLeft = bytes.slice(o, o + n);
	o += n;
	const floats = (len: number) => {
		const a = new Float64Array(len);
		for (let i = 0; i < len; i++, o += 8) a[i] = v.getFloat64(o, true);
		return a;
	};
	const threshold = floats(n);
	const value = floats(n);
	return new Forest({ features, base, roots, feature, threshold, left, right, defaultLeft, value });
}

/**
 * The average of several forests over the same features, as one forest: every tree kept, its
 * node values divided by the number of forests (margins, and so contributions, average).
 * @example averageForests([a, b]).margin(x) // (a.margin(x) + b.margin(x)) / 2
 */
export function averageForests(forests: readonly ForestArrays[]): Forest {
	const k = forests.length;
	if (k === 0) throw new Error("no forests to average");
	const d = (forests[0] as ForestArrays).features;
	if (forests.some((f) => f.features !== d)) throw new Error("forests over different features");
	const total = forests.reduce((s, f) => s + f.feature.length, 0);
	const trees = forests.reduce((s, f) => s + f.roots.length, 0);
	const out = {
		features: d,
		base: forests.reduce((s, f) => s + f.base, 0) / k,
		roots: new Int32Array(trees),
		feature: new Int32Array(total),
		threshold: new Float64Array(total),
		left: new Int32Array(total),
		right: new Int32Array(total),
		defaultLeft: new Uint8Array(total),
		value: new Float64Array(total),
	};
	let o = 0;
	let t = 0;
	for (const f of forests) {
		for (const r of f.roots) out.roots[t++] = r + o;
		for (let i = 0; i < f.feature.length; i++) {
			out.feature[o + i] = f.feature[i] as number;
			out.threshold[o + i] = f.threshold[i] as number;
			out.left[o + i] = (f.left[i] as number) < 0 ? -1 : (f.left[i] as number) + o;
			out.right[o + i] = (f.right[i] as number) < 0 ? -1 : (f.right[i] as number) + o;
			out.defaultLeft[o + i] = f.defaultLeft[i] as number;
			out.value[o + i] = (f.value[i] as number) / k;
		}
		o += f.feature.length;
	}
	return new Forest(out);
}

/**
 * A forest laid out for scoring only: every tree padded to one complete binary tree of the
 * forest's depth (a shallower branch continues with splits that always go left, its leaf value
 * copied down), so a row takes exactly `depth` steps per tree with the children found by index
 * arithmetic (2i + 1, 2i + 2) and no branch on the way (`i = 2i + 1 + goesRight`). Depth 3 (the
 * bot recipe's) has its own unrolled loop, twice as fast as the general one. Same margins as the
 * forest it came from.
 * @example new CompiledForest(forest).margin(x) === forest.margin(x)
 */
export class CompiledForest {
	readonly depth: number;
	readonly base: number;
	private readonly trees: number;
	private readonly feature: Int32Array;
	private readonly threshold: Float64Array;
	/** 1 where a missing value goes right. */
	private readonly nanRight: Uint8Array;
	private readonly leaf: Float64Array;

	constructor(f: ForestArrays) {
		const depthOf = (node: number): number =>
			(f.feature[node] as number) < 0
				? 0
				: 1 + Math.max(depthOf(f.left[node] as number), depthOf(f.right[node] as number));
		let depth = 0;
		for (const r of f.roots) depth = Math.max(depth, depthOf(r));
		this.depth = depth;
		this.base = f.base;
		this.trees = f.roots.length;
		const inner = 2 ** depth - 1;
		const leaves = 2 ** depth;
		this.feature = new Int32Array(this.trees * inner);
		this.threshold = new Float64Array(this.trees * inner);
		this.nanRight = new Uint8Array(this.trees * inner);
		this.leaf = new Float64Array(this.trees * leaves);
		const fill = (t: number, node: number, pos: number, level: number): void => {
			if (level === depth) {
				this.leaf[t * leaves + pos - inner] = f.value[node] as number;
				return;
			}
			const k = t * inner + pos;
			const feat = f.feature[node] as number;
			if (feat < 0) {
				// Padding: always left (NaN too), the leaf's value under both sides.
				this.feature[k] = 0;
				this.threshold[k] = Number.POSITIVE_INFINITY;
				fill(t, node, 2 * pos + 1, level + 1);
				fill(t, node, 2 * pos + 2, level + 1);
				return;
			}
			this.feature[k] = feat;
			this.threshold[k] = f.threshold[node] as number;
			this.nanRight[k] = 1 - (f.defaultLeft[node] as number);
			fill(t, f.left[node] as number, 2 * pos + 1, level + 1);
			fill(t, f.right[node] as number, 2 * pos + 2, level + 1);
		};
		for (let t = 0; t < this.trees; t++) fill(t, f.roots[t] as number, 0, 0);
	}

	/** The raw score (log-odds) of the row at `offset` of `x`. */
	margin(x: ArrayLike<number>, offset = 0): number {
		return this.depth === 3 ? this.margin3(x, offset) : this.marginAny(x, offset);
	}

	private marginAny(x: ArrayLike<number>, offset: number): number {
		const { feature, threshold, nanRight, leaf, depth } = this;
		const inner = 2 ** depth - 1;
		let m = this.base;
		for (let t = 0, k0 = 0, l0 = -inner; t < this.trees; t++, k0 += inner, l0 += inner + 1) {
			let i = 0;
			for (let d = 0; d < depth; d++) {
				const k = k0 + i;
				const v = x[offset + (feature[k] as number)] as number;
				// Right when above the threshold, or missing where missing goes right.
				i = 2 * i + 1 + (+(v > (threshold[k] as number)) | ((nanRight[k] as number) & +Number.isNaN(v)));
			}
			m += leaf[l0 + i] as number;
		}
		return m;
	}

	private margin3(x: ArrayLike<number>, offset: number): number {
		const { feature, threshold, nanRight, leaf } = this;
		let m = this.base;
		for (let t = 0, k0 = 0, l0 = -7; t < this.trees; t++, k0 += 7, l0 += 8) {
			let v = x[offset + (feature[k0] as number)] as number;
			let i = 1 + (+(v > (threshold[k0] as number)) | ((nanRight[k0] as number) & +Number.isNaN(v)));
			let k = k0 + i;
			v = x[offset + (feature[k] as number)] as number;
			i = 2 * i + 1 + (+(v > (threshold[k] as number)) | ((nanRight[k] as number) & +Number.isNaN(v)));
			k = k0 + i;
			v = x[offset + (feature[k] as number)] as number;
			i = 2 * i + 1 + (+(v > (threshold[k] as number)) | ((nanRight[k] as number) & +Number.isNaN(v)));
			m += leaf[l0 + i] as number;
		}
		return m;
	}
}
