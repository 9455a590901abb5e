// Realistic, unique events for load: a platform of `accounts` accounts where a few are much
// more active than the rest, posting (text, mentions, hashtags, sometimes a link), liking,
// following and viewing recent posts. Deterministic for a given seed.

import { rng } from "../../src/core/shared/rng.ts";

const WORDS =
	"the a to and of in is it you that was for on are with as this be at have from or one had by but not what all were we when your can said there use an each which do how their if will up other about out many then them these so some her would make like him into time has look two more write go see number no way could people my than first water been call who oil its now find long down day did get come made may part new great show game match city news music photo today love team food".split(
		" ",
	);
const TAGS = ["news", "sports", "music", "tech", "art", "travel", "food", "crypto", "giveaway", "photography"];

export interface EventSourceOptions {
	/** Makes ids unique across runs and sources: every id starts with it. */
	prefix: string;
	accounts?: number;
	seed?: number;
	/** Event time of the first event; each next one is `stepMs` later (default: an hour ago, 1 ms). */
	startTs?: number;
	stepMs?: number;
}

/**
 * A function returning the next event as one line of JSON, each with a new id and a later ts.
 * @example const next = eventSource({ prefix: "bench-1" }); next() // '{"id":"bench-1-0","type":...}'
 */
export function eventSource(opts: EventSourceOptions): () => string {
	const accounts = opts.accounts ?? 10_000;
	const rand = rng(opts.seed ?? 42);
	const step = opts.stepMs ?? 1;
	const start = opts.startTs ?? Date.now() - 3_600_000;
	const recent: { postId: string; authorId: string }[] = [];
	let n = 0;
	const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
	// A fifth of the activity comes from the busiest 1% of accounts.
	const account = () => `acct-${rand() < 0.2 ? Math.floor(rand() * (accounts / 100)) : Math.floor(rand() * accounts)}`;
	const post = (actor: string, id: string) => {
		const postId = `post-${id}`;
		recent[recent.length < 5_000 ? recent.length : Math.floor(rand() * 5_000)] = { postId, authorId: actor };
		const words = Array.from({ length: 4 + Math.floor(rand() * 20) }, () => pick(WORDS));
		const data: Record<string, unknown> = { postId, text: words.join(" "), lang: "en" };
		const mentions = Math.floor(rand() * rand() * 4);
		if (mentions) data.mentions = Array.from({ length: mentions }, account);
		const tags = Math.floor(rand() * rand() * 4);
		if (tags) data.hashtags = Array.from({ length: tags }, () => pick(TAGS));
		if (rand() < 0.1) data.urls = [`https://example.com/${Math.floor(rand() * 1e6)}`];
		return { type: "post.created", data };
	};
	return () => {
		const id = `${opts.prefix}-${n}`;
		const ts = Math.floor(start + n * step);
		n++;
		const actor = account();
		const r = rand();
		const target = recent.length ? pick(recent) : undefined;
		const body =
			r < 0.35 || !target
				? post(actor, id)
				: r < 0.65
					? { type: "post.liked", data: target }
					: r < 0.8
						? { type: "account.followed", data: { targetId: account() } }
						: { type: "post.viewed", data: { postId: target.postId, count: 1 + Math.floor(rand() * 50) } };
		return JSON.stringify({ id, type: body.type, ts, actor, data: body.data });
	};
}
