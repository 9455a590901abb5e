import type { BulwarkEvent, EventType } from "../events/index.ts";
import type { FeatureRequest } from "../features/index.ts";
import type { Detector, DetectorContext, Signal } from "./types.ts";

/** One watched activity: its short- and long-window features and the floor below which it never fires. */
export interface VelocityTarget {
	type: EventType;
	signal: string;
	short: string;
	long: string;
	/** Never fire below this many events in the short window, whatever the account's history. */
	floor: number;
}

export interface VelocityOptions {
	targets: VelocityTarget[];
	/** Fire when the short-window count reaches `multiplier` times the account's own rate. */
	multiplier: number;
	/** How many short windows the long window holds (24h / 5m = 288). */
	slots: number;
}

export const DEFAULT_VELOCITY: VelocityOptions = {
	targets: [
		{ type: "post.created", signal: "velocity.posts", short: "posts_5m", long: "posts_24h", floor: 20 },
		{ type: "account.followed", signal: "velocity.follows", short: "follows_5m", long: "follows_24h", floor: 40 },
	],
	multiplier: 10,
	slots: 288,
};

/**
 * Velocity: an account acting far above its own windowed rate. The threshold is the larger of
 * a fixed floor and `multiplier` times the account's rate over the rest of the long window, so
 * a prolific but steady account is judged against itself and a new account against the floor.
 * The score is 0.5 at the threshold and reaches 1 at twice the threshold.
 */
export function velocityDetector(opts: VelocityOptions = DEFAULT_VELOCITY): Detector {
	const byType = new Map(opts.targets.map((t) => [t.type, t]));
	return {
		name: "velocity",
		on: opts.targets.map((t) => t.type),
		needs(e: BulwarkEvent): FeatureRequest[] {
			const t = byType.get(e.type);
			return t
				? [
						{ feature: t.short, id: e.actor },
						{ feature: t.long, id: e.actor },
					]
				: [];
		},
		detect(e: BulwarkEvent, ctx: DetectorContext): Signal[] {
			const t = byType.get(e.type);
			if (!t) return [];
			const recent = ctx.feature(t.short, e.actor);
			const long = ctx.feature(t.long, e.actor);
			if (typeof recent !== "number" || typeof long !== "number") return [];
			const baseline = Math.max(0, long - recent) / (opts.slots - 1);
			const threshold = Math.max(t.floor, opts.multiplier * baseline);
			if (recent < threshold) return [];
			const score = Math.min(1, 0.5 + 0.5 * Math.log2(recent / threshold));
			return [
				{
					detector: "velocity",
					name: t.signal,
					entity: { kind: "account", id: e.actor },
					score: Math.round(score * 1000) / 1000,
					reason: `${recent} ${t.short} against a threshold of ${Math.round(threshold * 10) / 10}`,
					evidence: {
						recent,
						threshold: Math.round(threshold * 100) / 100,
						baselinePerWindow: Math.round(baseline * 100) / 100,
					},
				},
			];
		},
	};
}
