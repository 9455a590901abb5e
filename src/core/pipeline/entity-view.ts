import type { ActionRecord } from "../enforcement/index.ts";
import type { FeatureCatalog, WindowStore, WindowValue } from "../features/index.ts";
import type { Clock, EntityRef } from "../shared/index.ts";
import { entityKey } from "../shared/index.ts";
import type { EntityRecord, LabelRecord, RecordReader, StoredEvent } from "./ports.ts";

/** Everything known about one entity: what the API's entity route and `bulwark entity` show. */
export interface EntityView {
	entity: EntityRecord | null;
	labels: (LabelRecord & { active: boolean })[];
	actions: ActionRecord[];
	features: Record<string, WindowValue>;
	/** The time the features are read at: `at`, else the entity's last activity, else now. */
	asOf: number;
	events: StoredEvent[];
}

export interface EntityViewDeps {
	reader: RecordReader;
	features: FeatureCatalog;
	windows: WindowStore;
	clock: Clock;
}

/** Builds the view, or undefined when the entity was never seen and has no labels or actions. */
export async function entityView(deps: EntityViewDeps, ref: EntityRef, at?: number): Promise<EntityView | undefined> {
	const key = entityKey(ref);
	const [entity, labels, actions, events] = await Promise.all([
		deps.reader.getEntity(ref),
		deps.reader.listLabels(key, { includeEnded: true }),
		deps.reader.listActions({ entity: key, limit: 50 }),
		deps.reader.recentEvents(ref, 20),
	]);
	if (!entity && !labels.length && !actions.length) return undefined;
	const now = deps.clock.now();
	const asOf = at ?? entity?.lastSeen ?? now;
	const specs = deps.features.forEntity(ref.kind);
	const values = await deps.windows.read(specs.map((s) => deps.features.query(s.name, ref.id, asOf)));
	const features: Record<string, WindowValue> = {};
	specs.forEach((s, i) => {
		features[s.name] = values[i] as WindowValue;
	});
	return {
		entity: entity ?? null,
		labels: labels.map((l) => ({ ...l, active: l.removedAt === null && (l.expiresAt === null || l.expiresAt > now) })),
		actions,
		features,
		asOf,
		events,
	};
}
