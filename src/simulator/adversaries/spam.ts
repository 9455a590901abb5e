import type { BulwarkEvent } from "../../core/events/index.ts";
import { post } from "../actions.ts";
import { SPAM_DOMAINS, SPAM_TAGS } from "../words.ts";
import type { World } from "../world.ts";

/**
 * A spam bot: link and hashtag spam from its botnet's current template family and domain, or
 * reply spam under popular posts. When Bulwark actions the botnet, it rotates to the next family
 * (`groupTemplate`, bumped by feedback).
 */
export function spamAction(w: World, i: number): BulwarkEvent | null {
	const g = w.group[i] as number;
	const version = (w.groupTemplate[g] ?? 0) + g;
	const url = `https://${SPAM_DOMAINS[version % SPAM_DOMAINS.length]}/${w.rng.u32().toString(36)}`;
	const text = w.text.spam(w.rng, version, url);
	const hashtags = [w.rng.pick(SPAM_TAGS), w.rng.pick(SPAM_TAGS), w.rng.pick(SPAM_TAGS)];
	const h = w.pickHot();
	if (h >= 0 && w.rng.chance(0.4)) {
		const a = w.hotAuthor[h] as number;
		return post(
			w,
			i,
			text,
			{ urls: [url], hashtags, replyTo: w.hotPost[h] as number, replyAuthor: a, mentions: [a] },
			true,
		);
	}
	return post(w, i, text, { urls: [url], hashtags }, true);
}
