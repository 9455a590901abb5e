import type { BulwarkEvent } from "../core/events/index.ts";
import { follow } from "./actions.ts";
import { amplificationAction } from "./adversaries/amplification.ts";
import { evasionAction } from "./adversaries/evasion.ts";
import { harassmentAction } from "./adversaries/harassment.ts";
import { fanBurst } from "./adversaries/lookalikes.ts";
import { misinfoAction } from "./adversaries/misinfo.ts";
import { spamAction } from "./adversaries/spam.ts";
import { ROLE } from "./config.ts";
import { bioOf, displayNameOf, emailOf, handleOf, SHARE } from "./identity.ts";
import { organicAction } from "./organic.ts";
import type { World } from "./world.ts";

type Act = (w: World, i: number) => BulwarkEvent | null;
const ADVERSARY: (Act | undefined)[] = [
	undefined,
	spamAction,
	harassmentAction,
	amplificationAction,
	evasionAction,
	misinfoAction,
];
const HOUR = 3_600_000;

/** The follow row an account's onboarding walks: its own, or for a returning evader the owner's or a stranger's. */
function followRow(w: World, i: number): number {
	if (i < w.n) return i;
	return (w.share[i] as number) & SHARE.followees ? (w.owner[i] as number) : (i * 2_654_435_761) % w.n;
}

/**
 * Account i acts at the current time: it is created, logs in, walks its initial follows
 * (onboarding), then acts by its role; then its next action is scheduled. Returns the event
 * (or null when the chosen action had nothing to act on).
 */
export function step(w: World, i: number): BulwarkEvent | null {
	if (!w.alive[i]) return null;
	const role = w.role[i] as number;
	const phase = w.phase[i] as number;
	if (phase === 0) {
		w.phase[i] = 1;
		w.schedule(i, w.now + w.rng.between(1_000, 30_000));
		return w.event("account.created", i, {
			handle: handleOf(w, i),
			displayName: displayNameOf(w, i),
			bio: bioOf(w, i),
			email: emailOf(w, i),
		});
	}
	if (phase === 1) {
		w.phase[i] = 2;
		w.schedule(i, w.now + w.rng.between(2_000, 20_000));
		return w.event("session.login", i, { success: true });
	}
	if (phase === 2) {
		const row = followRow(w, i);
		const { offsets, targets } = w.graph;
		const from = offsets[row] as number;
		const k = w.cursor[i] as number;
		if (from + k < (offsets[row + 1] as number)) {
			w.cursor[i] = k + 1;
			const farm = role === ROLE.amplification;
			w.schedule(i, w.now + (farm ? w.rng.between(1_000, 4_000) : w.rng.between(10_000, 60_000)));
			const t = targets[from + k] as number;
			if (t === i || !w.alive[t]) return null;
			for (let q = from; q < from + k; q++) if (targets[q] === t) return null;
			if (farm && (w.group[t] === w.group[i] || ((w.flags[t] as number) & 4) !== 0)) w.markBad(i);
			return follow(w, i, t);
		}
		w.phase[i] = 3;
	}
	const act = ADVERSARY[role];
	const organic = !act || w.rng.chance(w.opts.camouflage);
	const e = organic ? organicAction(w, i) : act(w, i);
	const perHour = (w.rate[i] as number) * (role === ROLE.spam ? 1 : w.diurnal(i, w.now));
	w.schedule(i, w.now + w.rng.exp(HOUR / perHour));
	if (
		organic &&
		e?.type === "post.created" &&
		role === ROLE.organic &&
		(w.graph.indeg[i] as number) >= w.hotThreshold &&
		!("replyTo" in e.data)
	)
		fanBurst(w, w.lastPost[i] as number, i);
	return e;
}
