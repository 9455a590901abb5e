import { P, T } from "../types.ts";
import type { Builtin } from "./registry.ts";

export const hasOpenCase: Builtin = {
	name: "has_open_case",
	signature: { params: [P.entity("entity"), P.text("queue")], returns: T.bool },
	cost: 4,
	reads: "state",
	summary: "whether a review case about the entity is open in the queue",
	example: 'not has_open_case(event.actor, "spam")',
	impl: ([id, queue], rt, site) => !!rt.entity(site.kinds[0] as never, String(id))?.openCases.includes(String(queue)),
};
