import { P, T } from "../types.ts";
import { Err } from "../values.ts";
import type { Builtin } from "./registry.ts";

export const labelAge: Builtin = {
	name: "label_age",
	signature: { params: [P.entity("entity"), P.text("label")], returns: T.duration },
	cost: 4,
	reads: "state",
	summary: "how long the label has been in force; errored when the entity does not have it (guard with has_label)",
	example: 'has_label(event.actor, "spam") and label_age(event.actor, "spam") < 1h',
	impl([id, label], rt, site) {
		const kind = site.kinds[0] as string;
		const s = rt.entity(site.kinds[0] as never, String(id));
		const l = s?.labels.find((x) => x.label === label && (x.expiresAt === null || x.expiresAt > rt.at));
		return l ? Math.max(0, rt.at - l.createdAt) : new Err(`${kind}:${String(id)} has no label ${String(label)}`);
	},
};
