import type { EntityKind } from "../../shared/entity.ts";
import { P, T } from "../types.ts";
import type { Builtin } from "./registry.ts";

/** `account(text)` and its kin: a text read as an entity id, e.g. a report's subject. */
export function entityOf(kind: EntityKind, example: string): Builtin {
	return {
		name: kind,
		signature: { params: [P.text("id")], returns: T.entity(kind) },
		cost: 1,
		summary: `the text as ${kind === "ip" || kind === "account" ? "an" : "a"} ${kind} entity`,
		example,
		impl: ([id]) => String(id),
	};
}
