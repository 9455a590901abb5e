/**
 * A failure as a value: a feature that was not fetched, a regex over its budget, a division
 * by zero. It flows through expressions instead of being thrown, and a rule whose condition
 * ends up errored is recorded as `errored` in the trace (blueprint point 7).
 */
export class Err {
	constructor(readonly message: string) {}
}

/**
 * Not known yet: while an event is prepared, a feature, signal or entity state is not there
 * yet. `and`/`or` treat it like SQL's unknown (`false and PENDING` is false), which is what
 * lets the first pass rule out rules and skip their lookups.
 */
export const PENDING: unique symbol = Symbol("pending");
export type Pending = typeof PENDING;

/** A run-time value. Entities are their id; durations are milliseconds; lists are arrays. */
export type Value = boolean | number | string | readonly Value[] | Err | Pending;

/** A value that stops evaluation of what depends on it (an error or not known yet). */
export function isStop(v: Value): v is Err | Pending {
	return v === PENDING || v instanceof Err;
}
