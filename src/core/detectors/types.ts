import type { EntityState } from "../enforcement/state.ts";
import type { BulwarkEvent, EventType } from "../events/index.ts";
import type { FeatureRequest, WindowValue } from "../features/index.ts";
import type { EntityRef } from "../shared/index.ts";

/**
 * What a detector found: a named observation about one entity with a score in [0, 1] and the
 * evidence behind it (recorded in the decision trace for reviewers).
 */
export interface Signal {
	detector: string;
	name: string;
	entity: EntityRef;
	score: number;
	reason: string;
	evidence: Record<string, number | string>;
}

export interface DetectorContext {
	/** A feature value fetched for this event, or undefined when it was not requested or errored. */
	feature(name: string, id: string): WindowValue | undefined;
	entity(ref: EntityRef): EntityState | undefined;
}

/** A detector reads features and entity state for an event and emits signals. */
export interface Detector {
	name: string;
	on: readonly EventType[];
	/** Feature values it will read for this event; fetched for all detectors in one call. */
	needs(e: BulwarkEvent): FeatureRequest[];
	/**
	 * Feature values it reads only once it has seen those of `needs` (a schedule a count decides):
	 * asked after the event's window update and fetched in a second read, only when some detector
	 * returns any, so the events it skips pay nothing for them.
	 */
	more?(e: BulwarkEvent, ctx: DetectorContext): FeatureRequest[];
	detect(e: BulwarkEvent, ctx: DetectorContext): Signal[];
}
