import type { Effect, Verdict } from "./effects.ts";

const RANK: Record<Verdict, number> = { allow: 0, nudge: 1, challenge: 2, deny: 3 };

/** The write-path verdict for an actor: the strongest of the verdict effects aimed at it. */
export function verdictOf(effects: readonly Effect[], actorKey: string): Verdict {
	let v: Verdict = "allow";
	for (const e of effects) {
		if (`${e.entity.kind}:${e.entity.id}` !== actorKey) continue;
		const w: Verdict | undefined =
			e.kind === "block" || e.kind === "suspend"
				? "deny"
				: e.kind === "challenge"
					? "challenge"
					: e.kind === "nudge"
						? "nudge"
						: undefined;
		if (w && RANK[w] > RANK[v]) v = w;
	}
	return v;
}
