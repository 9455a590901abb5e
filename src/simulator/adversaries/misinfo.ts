import type { BulwarkEvent } from "../../core/events/index.ts";
import { post } from "../actions.ts";
import { ROLE } from "../config.ts";
import { claimText } from "../text.ts";
import { CLAIM_TAGS } from "../words.ts";
import type { World } from "../world.ts";
import { boost } from "./amplification.ts";

/**
 * A misinformation spreader: a near-duplicate of one of its cell's seeded false claims, often
 * with a link to a fake news site; amplification rings boost a share of them.
 */
export function misinfoAction(w: World, i: number): BulwarkEvent | null {
	const g = w.group[i] as number;
	const claim = w.rng.chance(0.7) ? g : w.rng.int(5);
	const urls = w.rng.chance(0.5) ? [`https://truth-news-${claim % 5}.info/${w.rng.u32().toString(36)}`] : undefined;
	const e = post(w, i, claimText(w.rng, claim), { urls, hashtags: [w.rng.pick(CLAIM_TAGS)] }, true);
	if (w.rng.chance(0.5)) {
		const rings: number[] = [];
		for (let r = 0; r < w.groupRole.length; r++)
			if (w.groupRole[r] === ROLE.amplification && w.groupKind[r] === 0) rings.push(r);
		if (rings.length) boost(w, w.rng.pick(rings), w.lastPost[i] as number, i);
	}
	return e;
}
