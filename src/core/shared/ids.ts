import { randomFillSync } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const POOL = new Uint8Array(4096);
let poolAt = POOL.length;
let lastTime = -1;
/** The 80 random bits of the last id, as 16 base-32 digits (0..31). */
const rand = new Uint8Array(16);

function refillRandom(): void {
	if (poolAt + 16 > POOL.length) {
		randomFillSync(POOL);
		poolAt = 0;
	}
	for (let i = 0; i < 16; i++) rand[i] = (POOL[poolAt++] as number) & 31;
}

/**
 * A new ULID: 48 bits of milliseconds then 80 random bits, in Crockford base 32. Sortable by
 * creation time and, within one millisecond, monotonic (the random part is incremented), like
 * the `ulid` package's monotonic factory, but drawing randomness from a pool: ids are made for
 * every decision on the event path.
 * @example newId() // "01JDQ3Z6B1M9V7C8X2K4N5P6R7"
 */
export function newId(now = Date.now()): string {
	if (now > lastTime) {
		lastTime = now;
		refillRandom();
	} else {
		let i = 15;
		while (i >= 0 && rand[i] === 31) rand[i--] = 0;
		if (i < 0) refillRandom();
		else rand[i] = (rand[i] as number) + 1;
	}
	let time = "";
	let t = lastTime;
	for (let i = 0; i < 10; i++) {
		time = ALPHABET[t % 32] + time;
		t = Math.floor(t / 32);
	}
	let r = "";
	for (let i = 0; i < 16; i++) r += ALPHABET[rand[i] as number];
	return time + r;
}
