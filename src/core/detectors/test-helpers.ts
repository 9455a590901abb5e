/** Shared helpers of the detector tests. */
import type { BulwarkEvent } from "../events/index.ts";
import type { FeatureSpec, LastItem, WindowValue } from "../features/index.ts";

/**
 * The values of `specs` computed straight from the events so far, keyed `feature|id` (no window
 * expires in a test; `distinct` is not computed).
 * @example windowsOf([created, post], BOT_FEATURES).get("bot_posts_365d|a1") // 1
 */
export function windowsOf(events: readonly BulwarkEvent[], specs: readonly FeatureSpec[]): Map<string, WindowValue> {
	const values = new Map<string, WindowValue>();
	for (const e of events)
		for (const s of specs) {
			if (!s.on.includes(e.type) || (s.where && !s.where(e))) continue;
			const id = s.key(e);
			if (id === undefined) continue;
			const key = `${s.name}|${id}`;
			const a = s.agg;
			if (a.kind === "count") values.set(key, ((values.get(key) as number) ?? 0) + 1);
			else if (a.kind === "sum") values.set(key, ((values.get(key) as number) ?? 0) + (a.of(e) ?? 0));
			else if (a.kind === "last") {
				const v = a.of(e);
				if (v !== undefined)
					values.set(key, [{ ts: e.ts, value: v }, ...((values.get(key) as LastItem[]) ?? [])].slice(0, a.n));
			}
		}
	return values;
}
