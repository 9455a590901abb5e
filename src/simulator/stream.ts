import type { BulwarkEvent } from "../core/events/index.ts";
import { evaderReturns } from "./adversaries/evasion.ts";
import { ROLE, resolveOptions, type SimInput, type SimOptions } from "./config.ts";
import { populate } from "./population.ts";
import { step } from "./step.ts";
import { builtinText, type TextGen } from "./text.ts";
import { buildTruth, type Truth } from "./truth.ts";
import { World } from "./world.ts";

/** An action Bulwark took, as read back through the API (the fields feedback needs). */
export interface ObservedAction {
	entity: string;
	kind: string;
}

export interface FeedbackResult {
	/** Evaders banned by Bulwark (each returns later with a new account). */
	evadersBanned: number;
	/** Botnets that rotated to a new spam template. */
	templatesRotated: number;
	/** Adversary accounts that stopped because Bulwark suspended them. */
	suspended: number;
}

/**
 * A simulated platform: a lazy, time-ordered stream of valid events with ground truth. Pure:
 * no I/O, no wall clock, no Math.random; one seed gives one stream (without feedback).
 * @example
 * const sim = new Simulation({ seed: 7, accounts: 1_000, durationMs: 3_600_000 });
 * for (const e of sim.events()) send(e);
 * writeFileSync("truth.json", JSON.stringify(sim.truth()));
 */
export class Simulation {
	readonly opts: SimOptions;
	readonly world: World;
	readonly end: number;
	readonly bootstrapMs: number;

	constructor(partial: SimInput, text: TextGen = builtinText) {
		this.opts = resolveOptions(partial);
		const evaders = Math.round(this.opts.shares.evasion * this.opts.accounts);
		this.world = new World(this.opts, text, evaders * 5 + 16);
		this.end = this.opts.start + this.opts.durationMs;
		this.bootstrapMs = Math.min(10 * 60_000, this.opts.durationMs / 6);
		populate(this.world, this.world.rng.fork(2), this.bootstrapMs);
	}

	/** Simulated time of the last event produced. */
	get now(): number {
		return this.world.now;
	}

	/** Events in time order until the end of the simulated duration; nothing is materialised ahead. */
	*events(): Generator<BulwarkEvent> {
		const w = this.world;
		for (;;) {
			const ta = w.heap.peekTime();
			const tq = w.queue.peekTime();
			const t = Math.min(ta, tq);
			if (t >= this.end) return;
			w.now = t;
			const e = tq <= ta ? (w.queue.pop().run() as BulwarkEvent | null) : step(w, w.heap.pop());
			if (e) yield e;
		}
	}

	/**
	 * Adversaries react to what Bulwark did: a suspended evader's owner returns with a new
	 * account, a suspended adversary stops, a botnet with an actioned bot rotates its template.
	 */
	applyFeedback(actions: readonly ObservedAction[]): FeedbackResult {
		const w = this.world;
		const out: FeedbackResult = { evadersBanned: 0, templatesRotated: 0, suspended: 0 };
		const rotated = new Set<number>();
		const prefix = `account:${this.opts.prefix}u`;
		for (const a of actions) {
			if (!a.entity.startsWith(prefix)) continue;
			const i = Number.parseInt(a.entity.slice(prefix.length), 36);
			if (!(i >= 0 && i < w.nextFree) || w.role[i] === ROLE.organic) continue;
			if (w.role[i] === ROLE.spam && !rotated.has(w.group[i] as number)) {
				rotated.add(w.group[i] as number);
				w.groupTemplate[w.group[i] as number] = (w.groupTemplate[w.group[i] as number] ?? 0) + 1;
				out.templatesRotated++;
			}
			if (a.kind === "suspend" && w.ban(i)) {
				out.suspended++;
				if (w.role[i] === ROLE.evasion) {
					out.evadersBanned++;
					evaderReturns(w, i);
				}
			}
		}
		return out;
	}

	truth(): Truth {
		return buildTruth(this);
	}
}
