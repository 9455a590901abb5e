/**
 * Feature binning for histogram gradient boosting (as LightGBM and XGBoost `hist` do): each
 * feature's values are cut into at most 255 bins at quantiles of the training rows, so a split
 * search scans bins instead of sorted values. Bin `k` holds values in `(cut[k-1], cut[k]]`; the
 * last bin everything above the last cut. NaN (missing) gets the code {@link MISSING}.
 *
 * @example
 * const b = fitBins(Float64Array.from([1, 2, 3, NaN]), 4, 1, 255);
 * binMatrix(b, Float64Array.from([2.5, NaN]), 2) // Uint8Array [2, 255]
 */

/** The bin code of a missing value. */
export const MISSING = 255;
/** The most bins a feature may have (codes 0..254; 255 is missing). */
export const MAX_BINS = 255;

export interface Bins {
	readonly features: number;
	/** Per feature, the upper edges of its bins but the last, ascending. */
	readonly cuts: readonly Float64Array[];
}

/**
 * Cut points per feature from a row-major matrix `x` (n rows of `d` features). A feature with at
 * most `maxBins` distinct values gets one bin per value (cuts halfway between neighbours); else
 * cuts at equal-count quantiles of its distinct-weighted values.
 */
export function fitBins(x: Float64Array, n: number, d: number, maxBins = MAX_BINS): Bins {
	if (!(maxBins >= 2 && maxBins <= MAX_BINS)) throw new Error(`maxBins must be 2..${MAX_BINS}, got ${maxBins}`);
	if (x.length !== n * d) throw new Error(`the matrix has ${x.length} values, expected ${n} x ${d}`);
	const cuts: Float64Array[] = [];
	const col = new Float64Array(n);
	for (let f = 0; f < d; f++) {
		let m = 0;
		for (let i = 0; i < n; i++) {
			const v = x[i * d + f] as number;
			if (!Number.isNaN(v)) col[m++] = v;
		}
		const sorted = col.subarray(0, m).slice().sort();
		const distinct: number[] = [];
		const counts: number[] = [];
		for (let i = 0; i < m; i++) {
			const v = sorted[i] as number;
			if (distinct.length > 0 && distinct[distinct.length - 1] === v)
				counts[counts.length - 1] = (counts[counts.length - 1] as number) + 1;
			else {
				distinct.push(v);
				counts.push(1);
			}
		}
		const c: number[] = [];
		if (distinct.length <= maxBins) {
			for (let k = 0; k + 1 < distinct.length; k++) c.push(midpoint(distinct[k] as number, distinct[k + 1] as number));
		} else {
			// Equal-count cuts over the rows, never splitting one value across two bins.
			const per = m / maxBins;
			let seen = 0;
			let next = per;
			for (let k = 0; k + 1 < distinct.length; k++) {
				seen += counts[k] as number;
				if (seen >= next) {
					c.push(midpoint(distinct[k] as number, distinct[k + 1] as number));
					while (next <= seen) next += per;
					if (c.length === maxBins - 1) break;
				}
			}
		}
		cuts.push(Float64Array.from(c));
	}
	return { features: d, cuts };
}

/** Halfway, or the lower value when halfway rounds onto the upper one (adjacent floats). */
function midpoint(a: number, b: number): number {
	const m = a + (b - a) / 2;
	return m < b ? m : a;
}

/** The bin of value `v` of feature `f`. */
export function binOf(cuts: Float64Array, v: number): number {
	if (Number.isNaN(v)) return MISSING;
	let lo = 0;
	let hi = cuts.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (v <= (cuts[mid] as number)) hi = mid;
		else lo = mid + 1;
	}
	return lo;
}

/** The codes of a row-major matrix, column-major (`codes[f * n + i]`) for histogram scans. */
export function binMatrix(b: Bins, x: Float64Array, n: number): Uint8Array {
	const d = b.features;
	if (x.length !== n * d) throw new Error(`the matrix has ${x.length} values, expected ${n} x ${d}`);
	const codes = new Uint8Array(n * d);
	for (let f = 0; f < d; f++) {
		const cuts = b.cuts[f] as Float64Array;
		for (let i = 0; i < n; i++) codes[f * n + i] = binOf(cuts, x[i * d + f] as number);
	}
	return codes;
}
