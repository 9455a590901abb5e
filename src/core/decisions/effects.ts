import type { EntityRef } from "../shared/index.ts";

export const VERDICTS = ["allow", "nudge", "challenge", "deny"] as const;
export type Verdict = (typeof VERDICTS)[number];

/** Who or what put a label on: a rule (policy), a model, or a person. */
export type LabelSource = "rule" | "model" | "human";

/** Surfaces where an entity's reach can be limited. */
export const SURFACES = ["search", "recommendations", "replies", "notifications", "trends"] as const;
export type Surface = (typeof SURFACES)[number];

/**
 * What a decision asks enforcement to do. Immutable, tagged data; enforcement applies each
 * idempotently (applying the same effect twice changes nothing the second time).
 */
export type Effect =
	| { kind: "label.add"; entity: EntityRef; label: string; ttlMs: number | null; reason: string; source: LabelSource }
	| { kind: "label.remove"; entity: EntityRef; label: string; reason: string; source: LabelSource }
	| {
			kind: "visibility.limit";
			entity: EntityRef;
			surfaces: Surface[];
			ttlMs: number | null;
			reason: string;
			source: LabelSource;
	  }
	| { kind: "nudge"; entity: EntityRef; message: string; reason: string }
	| { kind: "challenge"; entity: EntityRef; challenge: "captcha" | "phone" | "email"; reason: string }
	| { kind: "block"; entity: EntityRef; reason: string }
	| { kind: "suspend"; entity: EntityRef; ttlMs: number | null; reason: string; source: LabelSource }
	| { kind: "unsuspend"; entity: EntityRef; reason: string; source: LabelSource }
	| { kind: "review.open"; entity: EntityRef; queue: string; severity: number; reason: string };

export type EffectKind = Effect["kind"];

export const EFFECT_KINDS: readonly EffectKind[] = [
	"label.add",
	"label.remove",
	"visibility.limit",
	"nudge",
	"challenge",
	"block",
	"suspend",
	"unsuspend",
	"review.open",
];

/** The label a visibility limit on one surface is kept as. */
export function limitLabel(surface: Surface): string {
	return `limit:${surface}`;
}
