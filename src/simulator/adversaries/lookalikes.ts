import { like, repost } from "../actions.ts";
import type { World } from "../world.ts";

/**
 * Camouflage from the other side: organic fans like and repost a popular author's new post
 * within seconds, which looks like a ring but is not one. Called when a hot post appears.
 */
export function fanBurst(w: World, p: number, author: number): void {
	if (!w.fans.length) return;
	const k = 3 + w.rng.int(6);
	for (let n = 0; n < k; n++) {
		const f = w.fans[w.rng.int(w.fans.length)] as number;
		if (f === author) continue;
		w.queue.add(w.now + w.rng.between(2_000, 40_000), () =>
			w.rng.chance(0.5) ? repost(w, f, p, author) : like(w, f, p, author),
		);
	}
	w.campaigns.push({ kind: "fan-burst", group: -1, target: w.postId(p), ts: Math.floor(w.now), accounts: k });
}
