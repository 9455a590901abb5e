import type { LabelSource } from "../decisions/effects.ts";

/** A label in force on an entity. `expiresAt` null means until removed. */
export interface ActiveLabel {
	label: string;
	source: LabelSource;
	reason: string;
	createdAt: number;
	expiresAt: number | null;
	/** Who put it on: `policy:default`, `apikey:ops`, ... */
	by: string;
	actionId: string;
}

/** The hot enforcement state of one entity that every decision reads. */
export interface EntityState {
	key: string;
	status: "active" | "suspended";
	suspendedUntil: number | null;
	labels: ActiveLabel[];
	/** Queues with an open review case for this entity. */
	openCases: string[];
}

export function emptyState(key: string): EntityState {
	return { key, status: "active", suspendedUntil: null, labels: [], openCases: [] };
}

/** Labels in force at `ts` (not expired). */
export function activeLabels(s: EntityState, ts: number): ActiveLabel[] {
	return s.labels.filter((l) => l.expiresAt === null || l.expiresAt > ts);
}

export function isSuspended(s: EntityState | undefined, ts: number): boolean {
	return !!s && s.status === "suspended" && (s.suspendedUntil === null || s.suspendedUntil > ts);
}

/**
 * The port for hot entity state (status, active labels, open cases). Embedded: in memory,
 * warmed from storage at start. Cluster: Redis.
 */
export interface EntityStateStore {
	get(keys: readonly string[]): Promise<Map<string, EntityState>>;
	put(states: readonly EntityState[]): Promise<void>;
}
