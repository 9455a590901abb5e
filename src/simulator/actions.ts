import type { BulwarkEvent } from "../core/events/index.ts";
import type { World } from "./world.ts";

// Event builders shared by organic and adversarial behaviour.

export interface PostExtras {
	hashtags?: string[];
	urls?: string[];
	mentions?: number[];
	replyTo?: number;
	replyAuthor?: number;
}

/** A post (or a reply, with `replyTo`) by i; `bad` marks it in the ground truth. */
export function post(w: World, i: number, text: string, x: PostExtras, bad: boolean): BulwarkEvent {
	const p = w.newPost(i, bad);
	const data: Record<string, unknown> = { postId: w.postId(p), text, lang: "en" };
	if (x.replyTo !== undefined && x.replyAuthor !== undefined)
		data.replyTo = { postId: w.postId(x.replyTo), authorId: w.accountId(x.replyAuthor) };
	if (x.mentions?.length) data.mentions = x.mentions.map((m) => w.accountId(m));
	if (x.urls?.length) data.urls = x.urls;
	if (x.hashtags?.length) data.hashtags = x.hashtags;
	return w.event("post.created", i, data as { postId: string; text: string });
}

export function like(w: World, i: number, p: number, author: number): BulwarkEvent {
	return w.event("post.liked", i, { postId: w.postId(p), authorId: w.accountId(author) });
}

export function repost(w: World, i: number, p: number, author: number): BulwarkEvent {
	return w.event("post.reposted", i, { postId: w.postId(p), authorId: w.accountId(author) });
}

export function follow(w: World, i: number, target: number): BulwarkEvent {
	return w.event("account.followed", i, { targetId: w.accountId(target) });
}

export function report(w: World, i: number, kind: "account" | "post", id: string, reason: string): BulwarkEvent {
	return w.event("report.filed", i, { subject: { kind, id }, reason });
}

/** A post to engage with from i's feed: a followee's latest post, else a popular one. */
export function feedPost(w: World, i: number): { p: number; a: number } | undefined {
	const base = i < w.n ? i : (w.owner[i] as number);
	const from = w.graph.offsets[base] as number;
	const deg = (w.graph.offsets[base + 1] as number) - from;
	if (deg > 0 && w.rng.chance(0.7)) {
		const f = w.graph.targets[from + w.rng.int(deg)] as number;
		const p = w.lastPost[f] as number;
		if (p >= 0 && f !== i && w.alive[f]) return { p, a: f };
	}
	const h = w.pickHot();
	if (h < 0) return undefined;
	const a = w.hotAuthor[h] as number;
	return a === i ? undefined : { p: w.hotPost[h] as number, a };
}
