import type { Effect } from "../decisions/effects.ts";
import { limitLabel } from "../decisions/effects.ts";
import { entityKey, newId } from "../shared/index.ts";
import type { ActionRecord, Mutation } from "./records.ts";
import { type ActiveLabel, activeLabels, type EntityState, emptyState, isSuspended } from "./state.ts";

export interface EnforcementContext {
	ts: number;
	/** Who acts: `policy:default`, `apikey:ops`, ... */
	who: string;
	eventId: string | null;
	/** Current hot state of the entities the effects touch; updated in place with new objects. */
	states: Map<string, EntityState>;
}

export interface EnforcementResult {
	mutations: Mutation[];
	/** Entity states that changed (new objects, ready for EntityStateStore.put). */
	changed: EntityState[];
	/** The audit rows written, one per state change. */
	actions: ActionRecord[];
}

/**
 * Applies effects to entity state idempotently: an effect that would change nothing (a label
 * already in force for at least half its TTL, a suspension already in place, an open case
 * in the same queue) writes no action. Verdict-only effects (nudge, challenge, block) change
 * no state: they are recorded in the decision.
 */
export function enforce(effects: readonly Effect[], ctx: EnforcementContext): EnforcementResult {
	const out: EnforcementResult = { mutations: [], changed: [], actions: [] };
	const changed = new Map<string, EntityState>();
	const stateOf = (key: string) => changed.get(key) ?? ctx.states.get(key) ?? emptyState(key);
	const save = (s: EntityState) => {
		changed.set(s.key, s);
		ctx.states.set(s.key, s);
	};
	const act = (kind: string, entity: string, reason: string, details: Record<string, unknown>): ActionRecord => {
		const action: ActionRecord = {
			id: newId(),
			ts: ctx.ts,
			who: ctx.who,
			kind,
			entity,
			reason,
			details,
			eventId: ctx.eventId,
		};
		out.actions.push(action);
		out.mutations.push({ kind: "action", action });
		return action;
	};

	const addLabel = (
		key: string,
		label: string,
		ttlMs: number | null,
		reason: string,
		source: ActiveLabel["source"],
	) => {
		const s = stateOf(key);
		const current = activeLabels(s, ctx.ts).find((l) => l.label === label);
		const expiresAt = ttlMs === null ? null : ctx.ts + ttlMs;
		if (current) {
			if (current.expiresAt === null) return;
			if (expiresAt !== null && ttlMs !== null && current.expiresAt >= ctx.ts + ttlMs / 2) return;
		}
		const action = act("label.add", key, reason, { label, source, expiresAt, extended: !!current });
		const next: ActiveLabel = {
			label,
			source,
			reason,
			createdAt: current?.createdAt ?? ctx.ts,
			expiresAt,
			by: ctx.who,
			actionId: action.id,
		};
		save({ ...s, labels: [...activeLabels(s, ctx.ts).filter((l) => l.label !== label), next] });
		out.mutations.push({ kind: "label.put", entity: key, label: next });
	};

	for (const e of effects) {
		const key = entityKey(e.entity);
		switch (e.kind) {
			case "label.add":
				addLabel(key, e.label, e.ttlMs, e.reason, e.source);
				break;
			case "visibility.limit":
				for (const surface of e.surfaces) addLabel(key, limitLabel(surface), e.ttlMs, e.reason, e.source);
				break;
			case "label.remove": {
				const s = stateOf(key);
				if (!activeLabels(s, ctx.ts).some((l) => l.label === e.label)) break;
				const action = act("label.remove", key, e.reason, { label: e.label, source: e.source });
				save({ ...s, labels: s.labels.filter((l) => l.label !== e.label) });
				out.mutations.push({ kind: "label.remove", entity: key, label: e.label, at: ctx.ts, actionId: action.id });
				break;
			}
			case "suspend": {
				const s = stateOf(key);
				const until = e.ttlMs === null ? null : ctx.ts + e.ttlMs;
				if (isSuspended(s, ctx.ts) && (s.suspendedUntil === null || (until !== null && s.suspendedUntil >= until)))
					break;
				act("suspend", key, e.reason, { until, source: e.source });
				save({ ...s, status: "suspended", suspendedUntil: until });
				out.mutations.push({ kind: "entity.status", entity: key, status: "suspended", until, at: ctx.ts });
				break;
			}
			case "unsuspend": {
				const s = stateOf(key);
				if (!isSuspended(s, ctx.ts)) break;
				act("unsuspend", key, e.reason, { source: e.source });
				save({ ...s, status: "active", suspendedUntil: null });
				out.mutations.push({ kind: "entity.status", entity: key, status: "active", until: null, at: ctx.ts });
				break;
			}
			case "review.open": {
				const s = stateOf(key);
				if (s.openCases.includes(e.queue)) {
					out.mutations.push({ kind: "review.bump", entity: key, queue: e.queue, severity: e.severity, at: ctx.ts });
					break;
				}
				const action = act("review.open", key, e.reason, { queue: e.queue, severity: e.severity });
				save({ ...s, openCases: [...s.openCases, e.queue] });
				out.mutations.push({
					kind: "review.open",
					reviewCase: {
						id: action.id,
						entity: key,
						queue: e.queue,
						severity: e.severity,
						reason: e.reason,
						openedAt: ctx.ts,
						eventId: ctx.eventId,
						status: "open",
					},
				});
				break;
			}
			case "nudge":
			case "challenge":
			case "block":
				break;
		}
	}
	out.changed = [...changed.values()];
	return out;
}
