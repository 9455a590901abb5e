import type { EntityState } from "../../../core/enforcement/state.ts";
import { DumpCursor, SerializedBuilder, type TableDump } from "./dump-cursor.ts";

/**
 * Entity states by key. States are copied on the way in and on the way out, so a caller can
 * edit what `get` returned (or what it passed to `put`) without touching the store, as with Redis.
 */
export class EntityTable {
	readonly states = new Map<string, EntityState>();
	/** The snapshot in progress (see {@link beginDump}). */
	private dumping: DumpCursor<EntityState, EntityState> | undefined;

	get(keys: readonly string[]): Map<string, EntityState> {
		const out = new Map<string, EntityState>();
		for (const key of keys) {
			const s = this.states.get(key);
			if (s) out.set(key, copyState(s));
		}
		return out;
	}

	put(states: readonly EntityState[]): void {
		for (const s of states) {
			if (this.dumping !== undefined) {
				const was = this.states.get(s.key);
				if (was !== undefined) this.dumping.touch(s.key, was);
			}
			this.states.set(s.key, copyState(s));
		}
	}

	/**
	 * The states as they are now, serialized a few at a time while `put` goes on (a replaced
	 * state is never changed, so the cursor keeps the old object). No sweep until the last step.
	 */
	beginDump(): TableDump {
		const out = new SerializedBuilder<EntityState>();
		const emit = (_key: string, s: EntityState) => out.push(s);
		const cursor = new DumpCursor<EntityState, EntityState>(this.states, (s) => s);
		this.dumping = cursor;
		return {
			step: (budget) => {
				cursor.step(budget, emit, emit);
				out.endChunk();
				if (cursor.done && this.dumping === cursor) this.dumping = undefined;
				return cursor.done;
			},
			finish: () => out.node(),
			cancel: () => {
				if (this.dumping === cursor) this.dumping = undefined;
			},
		};
	}

	/**
	 * Drops labels expired at `nowTs`, then states left empty: active, no labels, no open cases.
	 * A suspension whose `suspendedUntil` passed is kept: lifting it is the enforcer's decision.
	 * Nothing while a dump runs (it would change states in place).
	 */
	sweep(nowTs: number): { entities: number; labels: number } {
		if (this.dumping !== undefined) return { entities: 0, labels: 0 };
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
