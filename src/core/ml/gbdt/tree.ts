/**
 * One boosting round's tree: leaf-wise growth over binned features (`bins.ts`), split gains
 * from per-bin gradient and hessian sums, the histogram of the smaller child scanned and the
 * larger one's got by subtraction, missing values tried on both sides.
 */
import { type Bins, MISSING } from "./bins.ts";
import type { GbdtParams } from "./train.ts";

/** A tree as built: nodes in creation order, children after their parent. */
export interface Tree {
	feature: number[];
	threshold: number[];
	bin: number[];
	left: number[];
	right: number[];
	defaultLeft: number[];
	value: number[];
	gain: number[];
}

interface Split {
	gain: number;
	feature: number;
	bin: number;
	defaultLeft: boolean;
}

interface Open {
	node: number;
	rows: Uint32Array;
	hist: Float64Array;
	g: number;
	h: number;
	depth: number;
	split: Split | null;
}

const HIST = 256 * 3;

export function growTree(
	codes: Uint8Array,
	n: number,
	d: number,
	bins: Bins,
	grad: Float64Array,
	hess: Float64Array,
	rows: Uint32Array,
	features: readonly number[],
	p: GbdtParams,
): Tree {
	const t: Tree = { feature: [], threshold: [], bin: [], left: [], right: [], defaultLeft: [], value: [], gain: [] };
	const addNode = (g: number, h: number): number => {
		t.feature.push(-1);
		t.threshold.push(0);
		t.bin.push(0);
		t.left.push(-1);
		t.right.push(-1);
		t.defaultLeft.push(0);
		t.value.push((-g / (h + p.lambda)) * p.learningRate);
		t.gain.push(0);
		return t.feature.length - 1;
	};
	const rootHist = histogram(codes, n, d, grad, hess, rows, features);
	let g = 0;
	let h = 0;
	for (const i of rows) {
		g += grad[i] as number;
		h += hess[i] as number;
	}
	const root: Open = { node: addNode(g, h), rows, hist: rootHist, g, h, depth: 0, split: null };
	root.split = bestSplit(root, bins, features, p);
	const open: Open[] = [root];
	let leaves = 1;
	while (leaves < p.maxLeaves) {
		// Leaf-wise: split the open leaf with the largest gain (the first on a tie).
		let pick = -1;
		for (let k = 0; k < open.length; k++) {
			const s = (open[k] as Open).split;
			if (s && (pick < 0 || s.gain > ((open[pick] as Open).split as Split).gain)) pick = k;
		}
		if (pick < 0) break;
		const leaf = open.splice(pick, 1)[0] as Open;
		const s = leaf.split as Split;
		const col = s.feature * n;
		const goesLeft = (code: number) => (code === MISSING ? s.defaultLeft : code <= s.bin);
		let nl = 0;
		for (const i of leaf.rows) if (goesLeft(codes[col + i] as number)) nl++;
		const lRows = new Uint32Array(nl);
		const rRows = new Uint32Array(leaf.rows.length - nl);
		let a = 0;
		let b = 0;
		let gl = 0;
		let hl = 0;
		for (const i of leaf.rows) {
			if (goesLeft(codes[col + i] as number)) {
				lRows[a++] = i;
				gl += grad[i] as number;
				hl += hess[i] as number;
			} else rRows[b++] = i;
		}
		const gr = leaf.g - gl;
		const hr = leaf.h - hl;
		// Histogram of the smaller child by a scan; the larger one's is the parent's minus it.
		const smallLeft = lRows.length <= rRows.length;
		const small = histogram(codes, n, d, grad, hess, smallLeft ? lRows : rRows, features);
		const large = leaf.hist;
		for (let k = 0; k < large.length; k++) large[k] = (large[k] as number) - (small[k] as number);
		const node = leaf.node;
		const cuts = bins.cuts[s.feature] as Float64Array;
		t.feature[node] = s.feature;
		t.bin[node] = s.bin;
		t.threshold[node] = s.bin < cuts.length ? (cuts[s.bin] as number) : Number.POSITIVE_INFINITY;
		t.defaultLeft[node] = s.defaultLeft ? 1 : 0;
		t.gain[node] = s.gain;
		const l: Open = {
			node: addNode(gl, hl),
			rows: lRows,
			hist: smallLeft ? small : large,
			g: gl,
			h: hl,
			depth: leaf.depth + 1,
			split: null,
		};
		const r: Open = {
			node: addNode(gr, hr),
			rows: rRows,
			hist: smallLeft ? large : small,
			g: gr,
			h: hr,
			depth: leaf.depth + 1,
			split: null,
		};
		t.left[node] = l.node;
		t.right[node] = r.node;
		leaves++;
		for (const c of [l, r]) {
			if (c.depth < p.maxDepth) c.split = bestSplit(c, bins, features, p);
			open.push(c);
		}
	}
	return t;
}

/** Gradient, hessian and row count per (feature, bin), feature-major: `[(f * 256 + bin) * 3 + k]`. */
function histogram(
	codes: Uint8Array,
	n: number,
	d: number,
	grad: Float64Array,
	hess: Float64Array,
	rows: Uint32Array,
	features: readonly number[],
): Float64Array {
	const hist = new Float64Array(d * HIST);
	for (const f of features) {
		const col = f * n;
		const off = f * HIST;
		for (let k = 0; k < rows.length; k++) {
			const i = rows[k] as number;
			const at = off + (codes[col + i] as number) * 3;
			hist[at] = (hist[at] as number) + (grad[i] as number);
			hist[at + 1] = (hist[at + 1] as number) + (hess[i] as number);
			hist[at + 2] = (hist[at + 2] as number) + 1;
		}
	}
	return hist;
}

/** The best split of a leaf over the given features, both ways for missing values; null if none helps. */
function bestSplit(leaf: Open, bins: Bins, features: readonly number[], p: GbdtParams): Split | null {
	const { hist, g, h } = leaf;
	const count = leaf.rows.length;
	if (count < 2 * p.minChildSamples) return null;
	const parent = (g * g) / (h + p.lambda);
	let best: Split | null = null;
	for (const f of features) {
		const off = f * HIST;
		const nb = (bins.cuts[f] as Float64Array).length + 1;
		const mAt = off + MISSING * 3;
		const gm = hist[mAt] as number;
		const hm = hist[mAt + 1] as number;
		const cm = hist[mAt + 2] as number;
		for (const missLeft of cm > 0 ? [false, true] : [false]) {
			let gl = missLeft ? gm : 0;
			let hl = missLeft ? hm : 0;
			let cl = missLeft ? cm : 0;
			// With missing values going right, "every value left" is a split too (missing or not).
			const last = missLeft || cm === 0 ? nb - 1 : nb;
			for (let b = 0; b < last; b++) {
				const at = off + b * 3;
				gl += hist[at] as number;
				hl += hist[at + 1] as number;
				cl += hist[at + 2] as number;
				const cr = count - cl;
				if (cl < p.minChildSamples) continue;
				if (cr < p.minChildSamples) break;
				const hr = h - hl;
				if (hl < p.minChildWeight || hr < p.minChildWeight) continue;
				const gr = g - gl;
				const gain = 0.5 * ((gl * gl) / (hl + p.lambda) + (gr * gr) / (hr + p.lambda) - parent);
				if (gain > p.minGain && (best === null || gain > best.gain))
					best = { gain, feature: f, bin: b, defaultLeft: missLeft };
			}
		}
	}
	return best;
}

export function leafValueBinned(t: Tree, codes: Uint8Array, n: number, i: number): number {
	let node = 0;
	for (;;) {
		const f = t.feature[node] as number;
		if (f < 0) return t.value[node] as number;
		const c = codes[f * n + i] as number;
		const left = c === MISSING ? t.defaultLeft[node] === 1 : c <= (t.bin[node] as number);
		node = (left ? t.left[node] : t.right[node]) as number;
	}
}

export function leafValueRaw(t: Tree, x: Float64Array, offset: number): number {
	let node = 0;
	for (;;) {
		const f = t.feature[node] as number;
		if (f < 0) return t.value[node] as number;
		const v = x[offset + f] as number;
		const thr = t.threshold[node] as number;
		const left = v <= thr ? true : v > thr ? false : t.defaultLeft[node] === 1;
		node = (left ? t.left[node] : t.right[node]) as number;
	}
}
