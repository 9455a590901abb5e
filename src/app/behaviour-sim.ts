/**
 * Labelled behaviour rows for the `behaviour` model, from simulated traffic (the shared account
 * sets have profiles but no timelines). Each run is fed through the behaviour detector's own
 * windows (`BEHAVIOUR_FEATURES`, in-memory state) and read at the detector's own schedule with its
 * own `readBehaviour`, so training sees exactly what serving computes; each row is labelled from
 * the run's ground truth: 1 for the simulator's automated accounts (spam bots, amplification
 * rings and follower farms), 0 for everyone else (organic accounts, their look-alike fans and
 * power users, and the human-driven harassers, ban evaders and misinformation spreaders).
 *
 * @example
 * const rows = await simulatedBehaviour({ seeds: [1, 2], accounts: 10_000, durationMs: 86_400_000 });
 */
import { MemoryStateStore } from "../adapters/state/memory/index.ts";
import { BEHAVIOUR_FEATURES, behaviourSchedule, readBehaviour } from "../core/detectors/index.ts";
import type { BulwarkEvent } from "../core/events/index.ts";
import { FeatureCatalog, type WindowValue } from "../core/features/index.ts";
import { ACTIVITY_EVENTS, BEHAVIOUR_FEATURE_COUNT } from "../core/ml/accounts/behaviour.ts";
import type { BehaviourRows } from "../core/ml/accounts/behaviour-model.ts";
import { Simulation } from "../simulator/index.ts";

/** Ground-truth roles that are automated (the positive class). */
export const AUTOMATED_ROLES: ReadonlySet<string> = new Set(["bot", "ring", "farm"]);

export interface SimBehaviourOptions {
	seeds: readonly number[];
	accounts: number;
	durationMs: number;
}

/** The rows of every scheduled scoring point of every account in the runs of `seeds`. */
export async function simulatedBehaviour(
	o: SimBehaviourOptions,
	progress: (m: string) => void = () => {},
): Promise<BehaviourRows> {
	const d = BEHAVIOUR_FEATURE_COUNT;
	let x = new Float64Array(1024 * d);
	const y: number[] = [];
	const account: string[] = [];
	const role: string[] = [];
	const catalog = new FeatureCatalog(BEHAVIOUR_FEATURES);
	const activity = new Set(ACTIVITY_EVENTS);
	for (const seed of o.seeds) {
		// A prefix per seed keeps accounts of different runs apart.
		const sim = new Simulation({ seed, accounts: o.accounts, durationMs: o.durationMs, prefix: `s${seed}-` });
		const store = new MemoryStateStore();
		const rows: { id: string; at: number }[] = [];
		let events = 0;
		for (const e of sim.events() as Iterable<BulwarkEvent>) {
			events++;
			const ops = catalog.opsFor(e);
			if (!activity.has(e.type)) {
				if (ops.length) await store.update(ops, []);
				continue;
			}
			const [n] = await store.update(ops, [catalog.query("bhv_activity_365d", e.actor, e.ts)]);
			if (typeof n !== "number" || !behaviourSchedule(n)) continue;
			const [ring] = await store.read([catalog.query("bhv_recent", e.actor, e.ts)]);
			const values: Record<string, WindowValue | undefined> = { bhv_activity_365d: n, bhv_recent: ring };
			const f = readBehaviour({ feature: (name) => values[name] }, e.actor) as Float64Array;
			const i = account.length + rows.length;
			if ((i + 1) * d > x.length) {
				const bigger = new Float64Array(x.length * 2);
				bigger.set(x);
				x = bigger;
			}
			x.set(f, i * d);
			rows.push({ id: e.actor, at: i });
		}
		const truth = sim.truth();
		let pos = 0;
		for (const r of rows) {
			const t = truth.accounts[r.id];
			const label = t !== undefined && AUTOMATED_ROLES.has(t.role) ? 1 : 0;
			pos += label;
			y.push(label);
			account.push(r.id);
			role.push(t?.role ?? (truth.lookalikes[r.id] ? `organic ${truth.lookalikes[r.id]}` : "organic"));
		}
		progress(`seed ${seed}: ${events} events, ${rows.length} scoring points (${pos} of automated accounts)`);
	}
	return { x: x.slice(0, account.length * d), y: Uint8Array.from(y), n: account.length, account, role };
}
