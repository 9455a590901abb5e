import type { EntityState } from "../../../core/enforcement/state.ts";

/**
 * Entity states by key. States are copied on the way in and on the way out, so a caller can
 * edit what `get` returned (or what it passed to `put`) without touching the store, as with Redis.
 */
export class EntityTable {
	readonly states = new Map<string, EntityState>();

	get(keys: readonly string[]): Map<string, EntityState> {
		const out = new Map<string, EntityState>();
		for (const key of keys) {
			const s = this.states.get(key);
			if (s) out.set(key, copyState(s));
		}
		return out;
	}

	put(states: readonly EntityState[]): void {
		for (const s of states) this.states.set(s.key, copyState(s));
	}

	/**
	 * Drops labels expired at `nowTs`, then states left empty: active, no labels, no open cases.
	 * A suspension whose `suspendedUntil` passed is kept: lifting it is the enforcer's decision.
	 */
	sweep(nowTs: number): { entities: number; labels: number } {
		let entities = 0;
		let labels = 0;
		for (const [key, s] of this.states) {
			const live = s.labels.filter((l) => l.expiresAt === null || l.expiresAt > nowTs);
			if (live.length !== s.labels.length) {
				labels += s.labels.length - live.length;
				s.labels = live;
			}
			if (s.status === "active" && s.labels.length === 0 && s.openCases.length === 0) {
				this.states.delete(key);
				entities++;
			}
		}
		return { entities, labels };
	}
}

export function copyState(s: EntityState): EntityState {
	return { ...s, labels: s.labels.map((l) => ({ ...l })), openCases: [...s.openCases] };
}
