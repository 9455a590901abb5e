import type { BulwarkEvent } from "../../core/events/index.ts";
import { post } from "../actions.ts";
import { SHARE, signatureOf, targetOf } from "../identity.ts";
import type { World } from "../world.ts";
import { abuse } from "./harassment.ts";

const RETURN_AFTER: [number, number] = [5 * 60_000, 30 * 60_000];
const MAX_ACCOUNTS_PER_OWNER = 5;

/**
 * A ban evader harasses its owner's targets in its owner's writing style. In `scripted` mode the
 * platform bans it `banAfterMs` after its first bad act; either way, once banned the owner
 * returns with a new account (see `evaderReturns`).
 */
export function evasionAction(w: World, i: number): BulwarkEvent | null {
	const first = Number.isNaN(w.firstBad[i] as number);
	const target = targetOf(w, i, w.rng.int(3));
	const e = w.rng.chance(0.7)
		? abuse(w, i, target, ` ${signatureOf(w, i)}`)
		: post(w, i, `${w.text.reply(w.rng)} ${signatureOf(w, i)}`, { mentions: [target] }, true);
	if (first && w.opts.evasion === "scripted")
		w.queue.add(w.now + w.opts.banAfterMs, () => {
			if (w.ban(i)) evaderReturns(w, i);
			return null;
		});
	return e;
}

/**
 * The owner of banned evader `i` comes back with a new account that shares some, never all, of:
 * device, subnet, email pattern, handle style, bio, followees, targets and writing.
 */
export function evaderReturns(w: World, i: number): void {
	const owner = w.owner[i] as number;
	const g = w.group[i] as number;
	if (w.nextFree >= w.cap || (w.members[g]?.length ?? 0) >= MAX_ACCOUNTS_PER_OWNER) return;
	const j = w.nextFree++;
	let mask = 0;
	for (const bit of Object.values(SHARE)) if (w.rng.chance(0.55)) mask |= bit;
	if (mask === 0xff) mask &= ~(1 << w.rng.int(8));
	if (mask === 0) mask = SHARE.device | SHARE.targets;
	w.role[j] = w.role[i] as number;
	w.group[j] = g;
	w.owner[j] = owner;
	w.share[j] = mask;
	w.rate[j] = w.rate[i] as number;
	w.alive[j] = 1;
	w.members[g]?.push(j);
	w.schedule(j, w.now + w.rng.between(RETURN_AFTER[0], RETURN_AFTER[1]));
}
