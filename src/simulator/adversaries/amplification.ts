import type { BulwarkEvent } from "../../core/events/index.ts";
import { follow, like, post, repost } from "../actions.ts";
import { TOPICS } from "../words.ts";
import type { World } from "../world.ts";

const CO_LIKE_SPREAD = 15_000;
const BOOST_EVERY = 20 * 60_000;

/**
 * Ring `g` boosts post `p` by `author`: every member likes it within seconds of the others and
 * most repost it. Used by rings for their own posts and for misinformation.
 */
export function boost(w: World, g: number, p: number, author: number): void {
	let n = 0;
	for (const m of w.members[g] ?? []) {
		if (m === author || !w.alive[m]) continue;
		n++;
		w.queue.add(w.now + w.rng.between(0, CO_LIKE_SPREAD), () => {
			if (!w.alive[m]) return null;
			w.markBad(m);
			return like(w, m, p, author);
		});
		if (w.rng.chance(0.6))
			w.queue.add(w.now + w.rng.between(CO_LIKE_SPREAD, 3 * CO_LIKE_SPREAD), () => {
				if (!w.alive[m]) return null;
				w.markBad(m);
				return repost(w, m, p, author);
			});
	}
	w.campaigns.push({ kind: "boost", group: g, target: w.postId(p), ts: Math.floor(w.now), accounts: n });
}

/**
 * A ring member posts promotional content and, when the ring's next boost is due, starts a
 * co-like burst on it; a farm member follows and likes its customers' posts.
 */
export function amplificationAction(w: World, i: number): BulwarkEvent | null {
	const g = w.group[i] as number;
	if (w.groupKind[g] === 1) {
		const customers = w.customers[g] ?? [];
		if (!customers.length) return null;
		const c = w.rng.pick(customers);
		w.markBad(i);
		const p = w.lastPost[c] as number;
		return p >= 0 && w.rng.chance(0.7) ? like(w, i, p, c) : follow(w, i, c);
	}
	const topic = TOPICS[g % TOPICS.length] as string;
	const e = post(w, i, w.text.organic(w.rng, g), { hashtags: [topic, "mustsee"] }, false);
	if (w.now >= (w.groupNext[g] ?? 0)) {
		w.groupNext[g] = w.now + w.rng.exp(BOOST_EVERY);
		w.markBad(i);
		boost(w, g, w.lastPost[i] as number, i);
	}
	return e;
}
