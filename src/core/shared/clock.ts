/** Wall-clock port, so tests and the simulator can control time. */
export interface Clock {
	now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to; for tests. */
export class ManualClock implements Clock {
	constructor(private t = 0) {}
	now(): number {
		return this.t;
	}
	set(t: number): void {
		this.t = t;
	}
	advance(ms: number): void {
		this.t += ms;
	}
}
