import { isSuspended as suspendedAt } from "../../enforcement/state.ts";
import { P, T } from "../types.ts";
import type { Builtin } from "./registry.ts";

export const isSuspended: Builtin = {
	name: "is_suspended",
	signature: { params: [P.entity("entity")], returns: T.bool },
	cost: 4,
	reads: "state",
	summary: "whether the entity is suspended at the event's time",
	example: "is_suspended(event.actor)",
	impl: ([id], rt, site) => suspendedAt(rt.entity(site.kinds[0] as never, String(id)), rt.at),
};
