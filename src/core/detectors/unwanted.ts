import { activeLabels } from "../enforcement/index.ts";
import type { BulwarkEvent, EventType } from "../events/index.ts";
import type { FeatureRequest, LastItem } from "../features/index.ts";
import { pairKey } from "../features/interactions.ts";
import type { TextClassifier } from "../ml/text/model-port.ts";
import type { Interaction } from "../ml/unwanted/inputs.ts";
import { isStranger } from "../ml/unwanted/inputs.ts";
import { textSignalName } from "./text.ts";
import type { Detector, DetectorContext, Signal } from "./types.ts";

/** The `unwanted` model as the detector uses it (the shipped UnwantedModel is one). */
export interface InteractionScorer {
	readonly name: string;
	readonly threshold: number;
	score(x: Interaction): number;
	explain?(x: Interaction, k?: number): readonly { readonly input: string; readonly logOdds: number }[];
}

export interface UnwantedDetectorOptions {
	model: InteractionScorer;
	/** The text models whose scores it reads (share them with the text detectors: see TextModelSet). */
	text: { readonly abuse: TextClassifier; readonly hate: TextClassifier; readonly targeted: TextClassifier };
	/** Accounts a post is judged against at most: the replied-to author, then mentions (default 3). */
	maxTargets?: number;
	/** Contributing inputs a flagged interaction's signal carries (default 3). */
	explain?: number;
}

const DAY = 86_400_000;
const ON: readonly EventType[] = ["post.created"];
const NONE: FeatureRequest[] = [];

/**
 * The accounts a post is addressed to: the author it replies to first, then its mentions, without
 * the author itself or repeats, at most `max`.
 */
export function interactionTargets(e: BulwarkEvent, max = 3): string[] {
	if (e.type !== "post.created") return [];
	const out: string[] = [];
	const add = (id: string | undefined) => {
		if (id !== undefined && id !== e.actor && !out.includes(id) && out.length < max) out.push(id);
	};
	add(e.data.replyTo?.authorId);
	for (const m of e.data.mentions ?? []) add(m);
	return out;
}

/** The window values the context of `e` needs (one fetch, with every other detector's). */
export function interactionRequests(e: BulwarkEvent, targets: readonly string[]): FeatureRequest[] {
	if (!targets.length) return NONE;
	const a = e.actor;
	const out: FeatureRequest[] = [
		{ feature: "reports_received_24h", id: a },
		{ feature: "created_at", id: a },
	];
	for (const t of targets) {
		out.push(
			{ feature: "follows_pair", id: pairKey(t, a) },
			{ feature: "follows_pair", id: pairKey(a, t) },
			{ feature: "engaged_pair_30d", id: pairKey(t, a) },
			{ feature: "engaged_pair_30d", id: pairKey(a, t) },
			{ feature: "repliers_15m", id: t },
			{ feature: "repliers_24h", id: t },
		);
	}
	return out;
}

/**
 * The context of the interaction `e.actor -> target` from the fetched values and the author's
 * entity state, with the text scores given. Throws when a value it needs was not fetched (its
 * lookup failed): a score made up from missing context would call every reply a stranger's.
 */
export function readInteraction(
	e: BulwarkEvent,
	target: string,
	ctx: DetectorContext,
	text: { abuse: number; hate: number; targeted: number },
): Interaction {
	const a = e.actor;
	const num = (feature: string, id: string): number => {
		const v = ctx.feature(feature, id);
		if (typeof v !== "number") throw new Error(`context missing: ${feature} (its lookup failed)`);
		return v;
	};
	const created = ctx.feature("created_at", a);
	if (!Array.isArray(created)) throw new Error("context missing: created_at (its lookup failed)");
	const createdTs = (created as LastItem[])[0]?.value;
	// This post is already counted (the window ops of an event land before its reads).
	const primary = e.type === "post.created" ? (e.data.replyTo?.authorId ?? e.data.mentions?.[0]) : undefined;
	const self = primary === target ? 1 : 0;
	const state = ctx.entity({ kind: "account", id: a });
	const toAuthor = pairKey(target, a);
	const toTarget = pairKey(a, target);
	return {
		abuse: text.abuse,
		hate: text.hate,
		targeted: text.targeted,
		targetFollowsAuthor: num("follows_pair", toAuthor) > 0,
		targetEngagedAuthor: num("engaged_pair_30d", toAuthor),
		authorFollowsTarget: num("follows_pair", toTarget) > 0,
		authorContactedTarget: Math.max(0, num("engaged_pair_30d", toTarget) - self),
		otherRepliers15m: Math.max(0, num("repliers_15m", target) - self),
		repliers24h: num("repliers_24h", target),
		authorReports24h: num("reports_received_24h", a),
		authorLabels: state ? activeLabels(state, e.ts).length : 0,
		authorAgeDays: typeof createdTs === "number" ? Math.max(0, (e.ts - createdTs) / DAY) : undefined,
	};
}

/**
 * Unwanted interactions: a reply or mention judged by the `unwanted` model from its text scores
 * (`abuse`, `hate`, `targeted`) and its context in the stream: whether the target follows or
 * engaged with the author, how many others replied to the target in 15 minutes (a pile-on), the
 * author's earlier contact, reports, labels and account age. One signal `text.unwanted` per
 * reply or mention (the post as entity), scored against its most exposed target; a flagged one
 * carries the inputs that weighed most. Give it the same classifiers as the text detectors
 * (TextModelSet's, which remember the last text) and a text is scored once per model.
 * @example
 * unwantedDetector({ model: loadUnwantedModel("models/unwanted"), text: { abuse, hate, targeted } })
 * // on a reply: [{ name: "text.unwanted", score: 0.94, evidence: { target: "u7", stranger: 1, otherRepliers15m: 6, top1: "targeted_abuse (+1.45)", ... } }]
 */
export function unwantedDetector(o: UnwantedDetectorOptions): Detector {
	const name = textSignalName(o.model.name);
	const max = o.maxTargets ?? 3;
	const k = o.explain ?? 3;
	return {
		name,
		on: ON,
		needs: (e) => interactionRequests(e, interactionTargets(e, max)),
		detect(e: BulwarkEvent, ctx: DetectorContext): Signal[] {
			if (e.type !== "post.created") return [];
			const targets = interactionTargets(e, max);
			if (!targets.length) return [];
			const text = e.data.text;
			const scores = {
				abuse: o.text.abuse.score(text),
				hate: o.text.hate.score(text),
				targeted: o.text.targeted.score(text),
			};
			let best: { target: string; x: Interaction; score: number } | undefined;
			for (const t of targets) {
				const x = readInteraction(e, t, ctx, scores);
				const score = o.model.score(x);
				if (!Number.isFinite(score)) throw new Error(`score is ${score}`);
				if (!best || score > best.score) best = { target: t, x, score };
			}
			const { target, x, score } = best as { target: string; x: Interaction; score: number };
			const flagged = score >= o.model.threshold;
			const stranger = isStranger(x);
			const evidence: Record<string, number | string> = {
				threshold: round(o.model.threshold),
				flagged: flagged ? 1 : 0,
				target,
				stranger: stranger ? 1 : 0,
				otherRepliers15m: x.otherRepliers15m,
				authorReports24h: x.authorReports24h,
				authorLabels: x.authorLabels,
			};
			if (x.authorAgeDays !== undefined) evidence.authorAgeDays = round(x.authorAgeDays);
			if (flagged && o.model.explain && k > 0) {
				let i = 0;
				for (const c of o.model.explain(x, k)) {
					if (++i > k) break;
					evidence[`top${i}`] = `${c.input} (${c.logOdds >= 0 ? "+" : ""}${round(c.logOdds)})`;
				}
			}
			const who = stranger ? "a stranger to them" : "known to them";
			return [
				{
					detector: name,
					name,
					entity: { kind: "post", id: e.data.postId },
					score: round(score),
					reason: `${o.model.name} model: ${round(score)} ${flagged ? ">=" : "<"} threshold ${round(o.model.threshold)} (to ${target}, ${who}; ${x.otherRepliers15m} other${x.otherRepliers15m === 1 ? "" : "s"} replied in 15m)`,
					evidence,
				},
			];
		},
	};
}

const round = (x: number): number => Math.round(x * 1000) / 1000;
