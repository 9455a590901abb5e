import type { ActiveLabel } from "./state.ts";

/** One row of the append-only audit log: who did what to which entity, why, when. */
export interface ActionRecord {
	id: string;
	ts: number;
	/** `policy:default`, `detector:velocity`, `apikey:<name>`, `human:<user>` */
	who: string;
	kind: string;
	entity: string;
	reason: string;
	details: Record<string, unknown>;
	eventId: string | null;
}

export interface ReviewCase {
	id: string;
	entity: string;
	queue: string;
	severity: number;
	reason: string;
	openedAt: number;
	eventId: string | null;
	status: "open" | "closed";
}

/**
 * A change to durable records that enforcement asks storage to make, in the same commit as
 * the events and decisions that caused it.
 */
export type Mutation =
	| { kind: "action"; action: ActionRecord }
	| { kind: "label.put"; entity: string; label: ActiveLabel }
	| { kind: "label.remove"; entity: string; label: string; at: number; actionId: string }
	| { kind: "entity.status"; entity: string; status: "active" | "suspended"; until: number | null; at: number }
	| { kind: "review.open"; reviewCase: ReviewCase }
	| { kind: "review.bump"; entity: string; queue: string; severity: number; at: number };
