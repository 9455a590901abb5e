import type { BulwarkEvent } from "../core/events/index.ts";
import { feedPost, follow, like, post, report, repost } from "./actions.ts";
import { THREAT_OF_ROLE } from "./config.ts";
import { TOPIC_WORDS, TOPICS } from "./words.ts";
import type { World } from "./world.ts";

const REASONS = ["spam", "harassment", "misinformation", "fake_account", "other"];
const REASON_OF: Record<string, string> = {
	spam: "spam",
	harassment: "harassment",
	amplification: "fake_account",
	evasion: "harassment",
	misinfo: "misinformation",
};

/**
 * One ordinary action by account i: post, reply, like, repost, follow, view, log in, update the
 * profile or report. Power users post links and hashtags more (they look a little like spam).
 */
export function organicAction(w: World, i: number): BulwarkEvent | null {
	const r = w.rng.float();
	const power = ((w.flags[i] as number) & 1) === 1;
	if (r < 0.16) {
		const topic = ((w.com.of[Math.min(i, w.n - 1)] as number) + (w.rng.chance(0.2) ? 1 : 0)) % TOPICS.length;
		const name = TOPICS[topic] as string;
		const hashtags = w.rng.chance(power ? 0.5 : 0.15) ? [name, w.rng.pick(TOPIC_WORDS[name] ?? [name])] : undefined;
		const urls = w.rng.chance(power ? 0.3 : 0.04)
			? [`https://${name}.example.org/${w.rng.u32().toString(36)}`]
			: undefined;
		return post(w, i, w.text.organic(w.rng, topic), { hashtags, urls }, false);
	}
	const f = feedPost(w, i);
	if (r < 0.28) {
		if (!f) return null;
		return post(w, i, w.text.reply(w.rng), { replyTo: f.p, replyAuthor: f.a, mentions: [f.a] }, false);
	}
	if (r < 0.63) return f ? like(w, i, f.p, f.a) : null;
	if (r < 0.73) return f ? repost(w, i, f.p, f.a) : null;
	if (r < 0.79) {
		// Triadic closure: follow someone a followee follows, or a popular author.
		const t = f ? f.a : w.rng.int(w.n);
		return t === i || !w.alive[t] ? null : follow(w, i, t);
	}
	if (r < 0.85) return f ? w.event("post.viewed", i, { postId: w.postId(f.p), count: 1 + w.rng.int(20) }) : null;
	if (r < 0.97) return w.event("session.login", i, { success: w.rng.chance(0.97) });
	if (r < 0.985) return w.event("account.updated", i, { changes: { displayName: `${w.rng.pick(TOPICS)} fan` } });
	return organicReport(w, i);
}

/** Reports are mostly about bad actors seen recently; about one in five is mistaken. */
function organicReport(w: World, i: number): BulwarkEvent | null {
	const n = Math.min(w.badN, 256);
	if (n && w.rng.chance(0.8)) {
		const k = w.rng.int(n);
		const threat = THREAT_OF_ROLE[w.badRingRole[k] as number] ?? "spam";
		const reason = REASON_OF[threat] ?? "other";
		return w.rng.chance(0.7)
			? report(w, i, "post", w.postId(w.badRingPost[k] as number), reason)
			: report(w, i, "account", w.accountId(w.badRingAuthor[k] as number), reason);
	}
	const f = feedPost(w, i);
	return f ? report(w, i, "post", w.postId(f.p), w.rng.pick(REASONS)) : null;
}
