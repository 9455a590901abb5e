import type { BulwarkEvent } from "../../core/events/index.ts";
import { post, report } from "../actions.ts";
import { ROLE } from "../config.ts";
import type { World } from "../world.ts";

const PILE_ON_SPREAD = 8 * 60_000;
const PILE_ON_EVERY = 45 * 60_000;

/** An abusive reply by i at `target` (under the target's latest post when there is one). */
export function abuse(w: World, i: number, target: number, suffix = ""): BulwarkEvent {
	const p = w.lastPost[target] as number;
	const text = w.text.abusive(w.rng) + suffix;
	return p >= 0
		? post(w, i, text, { replyTo: p, replyAuthor: target, mentions: [target] }, true)
		: post(w, i, text, { mentions: [target] }, true);
}

/** An organic account with a recent post, preferably a popular one: whom a mob goes after. */
function chooseTarget(w: World): number {
	const h = w.pickHot();
	if (h >= 0 && w.rng.chance(0.6)) return w.hotAuthor[h] as number;
	for (let k = 0; k < 20; k++) {
		const t = w.rng.int(w.n);
		if (w.role[t] === ROLE.organic && (w.lastPost[t] as number) >= 0) return t;
	}
	return w.rng.int(w.n);
}

/**
 * A harasser: abusive replies at its mob's current target; when the mob's next pile-on is due,
 * every member replies at one target within minutes, and the target reports some of them.
 */
export function harassmentAction(w: World, i: number): BulwarkEvent | null {
	const g = w.group[i] as number;
	if (w.now >= (w.groupNext[g] ?? 0)) {
		w.groupNext[g] = w.now + w.rng.exp(PILE_ON_EVERY);
		const target = chooseTarget(w);
		w.groupTemplate[g] = target;
		let n = 0;
		for (const m of w.members[g] ?? []) {
			if (m === i || !w.alive[m]) continue;
			n++;
			w.queue.add(w.now + w.rng.between(0, PILE_ON_SPREAD), () => (w.alive[m] ? abuse(w, m, target) : null));
			if (w.rng.chance(0.15))
				w.queue.add(w.now + w.rng.between(PILE_ON_SPREAD, 2 * PILE_ON_SPREAD), () =>
					report(w, target, "account", w.accountId(m), "harassment"),
				);
		}
		w.campaigns.push({
			kind: "pile-on",
			group: g,
			target: w.accountId(target),
			ts: Math.floor(w.now),
			accounts: n + 1,
		});
		return abuse(w, i, target);
	}
	const current = w.groupTemplate[g] ?? 0;
	return abuse(w, i, current > 0 && w.role[current] === ROLE.organic ? current : chooseTarget(w));
}
