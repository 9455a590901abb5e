import { RateLimitedError } from "../core/shared/index.ts";

interface Bucket {
	tokens: number;
	at: number;
}

/**
 * A token bucket per API key name: `rate` events per second, a burst of two seconds' worth.
 * A request is let in while the bucket holds at least one token and then pays its full cost,
 * so the bucket may go into debt: a batch bigger than the burst still goes through, and the
 * key waits until the debt is paid back. Time is wall time, never the simulated clock.
 * @example
 * const limiter = new RateLimiter(100);
 * limiter.take("ops", 1); // throws RateLimitedError once "ops" runs dry
 */
export class RateLimiter {
	private readonly buckets = new Map<string, Bucket>();
	private readonly burst: number;

	constructor(
		private readonly rate: number,
		private readonly now: () => number = () => performance.now(),
	) {
		if (!(rate > 0)) throw new Error("the rate must be above 0 (leave the limiter out to turn it off)");
		this.burst = rate * 2;
	}

	/** Seconds to wait before `name` may send again; 0 when it may now (and `cost` was taken). */
	tryTake(name: string, cost: number): number {
		const t = this.now();
		let b = this.buckets.get(name);
		if (b === undefined) {
			b = { tokens: this.burst, at: t };
			this.buckets.set(name, b);
		} else if (t > b.at) {
			b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 1000) * this.rate);
			b.at = t;
		}
		if (b.tokens < 1) return Math.max(1, Math.ceil((1 - b.tokens) / this.rate));
		b.tokens -= cost;
		return 0;
	}

	/** Like `tryTake`, but throws RateLimitedError (429 with Retry-After) when `name` must wait. */
	take(name: string, cost: number): void {
		const wait = this.tryTake(name, cost);
		if (wait > 0) throw this.error(name, wait);
	}

	error(name: string, waitSeconds: number): RateLimitedError {
		return new RateLimitedError(
			`API key "${name}" is over its limit of ${this.rate} events/s; retry in ${waitSeconds} s`,
			waitSeconds,
		);
	}
}
