/**
 * L2-regularised logistic regression on sparse rows, fitted with L-BFGS (full batch, so the same
 * data gives the same bits), over a compact index of the buckets the training data uses.
 *
 * @example
 * const c = compact(vectors, 2 ** 20);
 * const { theta } = fitLogistic(c, labels, new Float64Array(labels.length).fill(1), null, 1e-5, null, 300);
 */
import type { SparseVector } from "./features.ts";

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** Rows re-indexed onto the buckets the training data uses (a compact space for the optimiser). */
export interface Compact {
	readonly dim: number;
	readonly buckets: Int32Array;
	readonly rows: { idx: Int32Array; val: Float64Array }[];
}

export function compact(xs: readonly SparseVector[], size: number): Compact {
	const id = new Int32Array(size).fill(-1);
	const buckets: number[] = [];
	const rows = xs.map((x) => {
		const idx = new Int32Array(x.indices.length);
		for (let k = 0; k < x.indices.length; k++) {
			const b = x.indices[k] as number;
			if (id[b] === -1) {
				id[b] = buckets.length;
				buckets.push(b);
			}
			idx[k] = id[b] as number;
		}
		return { idx, val: Float64Array.from(x.values) };
	});
	return { dim: buckets.length, buckets: Int32Array.from(buckets), rows };
}

/** NB-SVM log-count ratios r_j = ln((p_j/|p|₁) / (q_j/|q|₁)) over binarised features, α = 1. */
export function nbRatios(c: Compact, y: ArrayLike<number>): Float64Array {
	const p = new Float64Array(c.dim).fill(1);
	const q = new Float64Array(c.dim).fill(1);
	c.rows.forEach((r, i) => {
		const t = y[i] === 1 ? p : q;
		for (const j of r.idx) t[j] = (t[j] as number) + 1;
	});
	let sp = 0;
	let sq = 0;
	for (let j = 0; j < c.dim; j++) {
		sp += p[j] as number;
		sq += q[j] as number;
	}
	const r = new Float64Array(c.dim);
	for (let j = 0; j < c.dim; j++) r[j] = Math.log((p[j] as number) / sp / ((q[j] as number) / sq));
	return r;
}

/**
 * Minimises mean weighted log loss + λ/2·|w|² (bias unpenalised) over θ = [w, b] with L-BFGS
 * (memory 8, backtracking Armijo line search). Deterministic: same inputs, same bits.
 */
export function fitLogistic(
	c: Compact,
	y: ArrayLike<number>,
	sampleWeight: Float64Array,
	scale: Float64Array | null,
	lambda: number,
	init: Float64Array | null,
	maxIter: number,
): { theta: Float64Array; iterations: number } {
	const D = c.dim + 1;
	let W = 0;
	for (const s of sampleWeight) W += s;
	const evaluate = (th: Float64Array, g: Float64Array): number => {
		g.fill(0);
		let f = 0;
		const b = th[c.dim] as number;
		for (let i = 0; i < c.rows.length; i++) {
			const { idx, val } = c.rows[i] as Compact["rows"][number];
			let m = b;
			for (let k = 0; k < idx.length; k++) {
				const j = idx[k] as number;
				m += (th[j] as number) * (val[k] as number) * (scale ? (scale[j] as number) : 1);
			}
			const yi = y[i] === 1 ? 1 : 0;
			const sw = (sampleWeight[i] as number) / W;
			// log(1 + exp(-z)) with z = ±m, stably.
			const z = yi ? m : -m;
			f += sw * (z > 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z)));
			const d = sw * (sigmoid(m) - yi);
			for (let k = 0; k < idx.length; k++) {
				const j = idx[k] as number;
				g[j] = (g[j] as number) + d * (val[k] as number) * (scale ? (scale[j] as number) : 1);
			}
			g[c.dim] = (g[c.dim] as number) + d;
		}
		for (let j = 0; j < c.dim; j++) {
			const w = th[j] as number;
			f += 0.5 * lambda * w * w;
			g[j] = (g[j] as number) + lambda * w;
		}
		return f;
	};
	const dot = (a: Float64Array, b: Float64Array) => {
		let s = 0;
		for (let j = 0; j < D; j++) s += (a[j] as number) * (b[j] as number);
		return s;
	};
	const M = 8;
	const S: Float64Array[] = [];
	const Y: Float64Array[] = [];
	const rho: number[] = [];
	let x = init ? Float64Array.from(init) : new Float64Array(D);
	let g = new Float64Array(D);
	let f = evaluate(x, g);
	const dir = new Float64Array(D);
	const alpha = new Float64Array(M);
	let xn = new Float64Array(D);
	let gn = new Float64Array(D);
	let it = 0;
	for (; it < maxIter; it++) {
		let gmax = 0;
		for (let j = 0; j < D; j++) gmax = Math.max(gmax, Math.abs(g[j] as number));
		if (gmax < 1e-6) break;
		// Two-loop recursion: dir = -H·g.
		for (let j = 0; j < D; j++) dir[j] = -(g[j] as number);
		for (let k = S.length - 1; k >= 0; k--) {
			const a = (rho[k] as number) * dot(S[k] as Float64Array, dir);
			alpha[k] = a;
			const yk = Y[k] as Float64Array;
			for (let j = 0; j < D; j++) dir[j] = (dir[j] as number) - a * (yk[j] as number);
		}
		const gamma = S.length
			? dot(S[S.length - 1] as Float64Array, Y[Y.length - 1] as Float64Array) /
				dot(Y[Y.length - 1] as Float64Array, Y[Y.length - 1] as Float64Array)
			: 1 / Math.sqrt(dot(g, g));
		for (let j = 0; j < D; j++) dir[j] = (dir[j] as number) * gamma;
		for (let k = 0; k < S.length; k++) {
			const yk = Y[k] as Float64Array;
			const sk = S[k] as Float64Array;
			const beta = (rho[k] as number) * dot(yk, dir);
			const a = alpha[k] as number;
			for (let j = 0; j < D; j++) dir[j] = (dir[j] as number) + (a - beta) * (sk[j] as number);
		}
		let slope = dot(g, dir);
		if (slope >= 0) {
			// Not a descent direction: restart from steepest descent.
			S.length = 0;
			Y.length = 0;
			rho.length = 0;
			const n = Math.sqrt(dot(g, g));
			for (let j = 0; j < D; j++) dir[j] = -(g[j] as number) / n;
			slope = dot(g, dir);
		}
		let step = 1;
		let fn = 0;
		for (let ls = 0; ls < 40; ls++) {
			for (let j = 0; j < D; j++) xn[j] = (x[j] as number) + step * (dir[j] as number);
			fn = evaluate(xn, gn);
			if (fn <= f + 1e-4 * step * slope) break;
			step *= 0.5;
		}
		const s = new Float64Array(D);
		const yv = new Float64Array(D);
		for (let j = 0; j < D; j++) {
			s[j] = (xn[j] as number) - (x[j] as number);
			yv[j] = (gn[j] as number) - (g[j] as number);
		}
		const sy = dot(s, yv);
		if (sy > 1e-12) {
			if (S.length === M) {
				S.shift();
				Y.shift();
				rho.shift();
			}
			S.push(s);
			Y.push(yv);
			rho.push(1 / sy);
		}
		const df = f - fn;
		[x, xn] = [xn, x];
		[g, gn] = [gn, g];
		f = fn;
		if (df >= 0 && df < 1e-10 * Math.max(1, Math.abs(f))) {
			it++;
			break;
		}
	}
	return { theta: x, iterations: it };
}
