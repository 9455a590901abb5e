import { P, T } from "../types.ts";
import type { Builtin } from "./registry.ts";

export const hasLabel: Builtin = {
	name: "has_label",
	signature: { params: [P.entity("entity"), P.text("label")], returns: T.bool },
	cost: 4,
	reads: "state",
	summary: "whether the entity has the label in force at the event's time",
	example: 'has_label(event.context.deviceId, "used_by_harasser")',
	impl([id, label], rt, site) {
		const s = rt.entity(site.kinds[0] as never, String(id));
		if (!s) return false;
		const at = rt.at;
		for (const l of s.labels) if (l.label === label && (l.expiresAt === null || l.expiresAt > at)) return true;
		return false;
	},
};
