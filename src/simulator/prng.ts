/**
 * A small, fast, seeded PRNG (splitmix32): the simulator's only source of randomness, so one
 * seed gives one event stream. Never use Math.random in the simulator.
 * @example const r = new Rng(42); r.int(6) // 0..5, the same every run
 */
export class Rng {
	private s: number;

	constructor(seed: number) {
		this.s = seed >>> 0;
	}

	/** The next 32 random bits, unsigned. */
	u32(): number {
		this.s = (this.s + 0x9e3779b9) | 0;
		let z = this.s;
		z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
		z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
		return (z ^ (z >>> 16)) >>> 0;
	}

	/** Uniform in [0, 1). */
	float(): number {
		return this.u32() / 4294967296;
	}

	/** Uniform integer in [0, n). */
	int(n: number): number {
		return Math.floor(this.float() * n);
	}

	/** Uniform in [lo, hi). */
	between(lo: number, hi: number): number {
		return lo + this.float() * (hi - lo);
	}

	chance(p: number): boolean {
		return this.float() < p;
	}

	pick<T>(xs: readonly T[]): T {
		return xs[this.int(xs.length)] as T;
	}

	/** Exponential with the given mean (waiting times of a Poisson process). */
	exp(mean: number): number {
		return -Math.log(1 - this.float()) * mean;
	}

	/** Pareto with minimum `xmin` and tail index `alpha`: heavy-tailed rates and degrees. */
	pareto(xmin: number, alpha: number): number {
		return xmin / (1 - this.float()) ** (1 / alpha);
	}

	/** An independent stream derived from this one's seed and a salt. */
	fork(salt: number): Rng {
		return new Rng(hash32(this.s, salt));
	}
}

/**
 * A stateless 32-bit mix of up to three integers: attributes derived on demand (an account's
 * devices, home IP) instead of stored, which keeps memory flat at a million accounts.
 */
export function hash32(a: number, b = 0, c = 0): number {
	let h =
		Math.imul(a ^ 0x27d4eb2d, 0x165667b1) ^
		Math.imul(b + 0x9e3779b9, 0x85ebca6b) ^
		Math.imul(c + 0x7f4a7c15, 0xc2b2ae35);
	h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
	h = Math.imul(h ^ (h >>> 12), 0x297a2d39);
	return (h ^ (h >>> 15)) >>> 0;
}
