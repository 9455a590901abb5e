import type { EntityState } from "../enforcement/state.ts";
import type { BulwarkEvent } from "../events/index.ts";
import type { EntityKind } from "../shared/entity.ts";
import type { ListView } from "./lists/ports.ts";
import type { Err } from "./values.ts";

/**
 * What a builtin can see while it runs: the event, its time, lists by name, and (in the
 * second pass, once fetched) entity states and detector signals.
 */
export interface Runtime {
	readonly event: BulwarkEvent;
	/** The event's time: list expiry and label ages are measured against it. */
	readonly at: number;
	list(name: string): ListView | Err;
	entity(kind: EntityKind, id: string): EntityState | undefined;
	/** The highest score of this event's signals with that name; 0 when none fired. */
	signalScore(name: string): number;
}

/** Per call site, fixed at compile time: what `prepare` made of literal arguments, and argument entity kinds. */
export interface CallSite {
	prepared: unknown;
	kinds: readonly (EntityKind | undefined)[];
}
