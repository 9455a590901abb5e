import type { Signal } from "../detectors/types.ts";
import type { EntityState } from "../enforcement/state.ts";
import { isSuspended } from "../enforcement/state.ts";
import type { BulwarkEvent } from "../events/index.ts";
import type { EntityRef } from "../shared/index.ts";
import type { Effect } from "./effects.ts";

export interface PolicyInput {
	event: BulwarkEvent;
	signals: readonly Signal[];
	entity(ref: EntityRef): EntityState | undefined;
}

/** One line of policy: when it holds, the effects it asks for. `name` appears in the trace. */
export interface PolicyLine {
	name: string;
	when(input: PolicyInput, signal: Signal | undefined): boolean;
	effects(input: PolicyInput, signal: Signal | undefined): Effect[];
	/** Evaluated once per signal whose name matches, or once per event when absent. */
	signal?: string | RegExp;
}

export interface Policy {
	name: string;
	lines: readonly PolicyLine[];
}

export interface PolicyResult {
	effects: Effect[];
	fired: string[];
}

/** Runs every line of a policy and collects the effects of those that fire. */
export function evaluatePolicy(policy: Policy, input: PolicyInput): PolicyResult {
	const effects: Effect[] = [];
	const fired: string[] = [];
	for (const line of policy.lines) {
		if (line.signal === undefined) {
			if (line.when(input, undefined)) {
				fired.push(line.name);
				effects.push(...line.effects(input, undefined));
			}
			continue;
		}
		for (const s of input.signals) {
			const matches = typeof line.signal === "string" ? s.name === line.signal : line.signal.test(s.name);
			if (matches && line.when(input, s)) {
				fired.push(`${line.name}(${s.name})`);
				effects.push(...line.effects(input, s));
			}
		}
	}
	return { effects, fired };
}

const HOUR = 3_600_000;
const actorOf = (i: PolicyInput): EntityRef => ({ kind: "account", id: i.event.actor });

/**
 * The built-in policy until the rules engine lands: a suspended account's writes are denied;
 * velocity nudges, then labels, limits reach, challenges and opens a review case.
 */
export const DEFAULT_POLICY: Policy = {
	name: "default",
	lines: [
		{
			name: "suspended-actor-denied",
			when: (i) => isSuspended(i.entity(actorOf(i)), i.event.ts),
			effects: (i) => [{ kind: "block", entity: actorOf(i), reason: "the account is suspended" }],
		},
		{
			name: "velocity-nudge",
			signal: /^velocity\./,
			when: (_i, s) => !!s && s.score >= 0.5,
			effects: (_i, s) => [
				{
					kind: "nudge",
					entity: s!.entity,
					message: "You are doing this very fast. Slow down a little.",
					reason: s!.reason,
				},
				{ kind: "label.add", entity: s!.entity, label: "velocity", ttlMs: HOUR, reason: s!.reason, source: "rule" },
			],
		},
		{
			name: "velocity-challenge",
			signal: /^velocity\./,
			when: (_i, s) => !!s && s.score >= 0.9,
			effects: (_i, s) => [
				{ kind: "challenge", entity: s!.entity, challenge: "captcha", reason: s!.reason },
				{
					kind: "visibility.limit",
					entity: s!.entity,
					surfaces: ["search", "recommendations"],
					ttlMs: HOUR,
					reason: s!.reason,
					source: "rule",
				},
				{ kind: "review.open", entity: s!.entity, queue: "spam", severity: s!.score, reason: s!.reason },
			],
		},
	],
};
