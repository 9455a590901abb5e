import { ROLE, THREATS, type Threat } from "./config.ts";
import type { Rng } from "./prng.ts";
import type { World } from "./world.ts";

/** Group sizes per threat: botnets, mobs, rings/farms, evader owners (one each), spreader cells. */
const GROUP_SIZE: Record<Threat, [number, number]> = {
	spam: [5, 30],
	harassment: [8, 25],
	amplification: [5, 20],
	evasion: [1, 1],
	misinfo: [3, 10],
};

/** Actions per hour: [min, max] drawn uniformly for adversaries. */
const ADVERSARY_RATE: Record<Threat, [number, number]> = {
	spam: [20, 60],
	harassment: [6, 20],
	amplification: [1, 4],
	evasion: [6, 15],
	misinfo: [4, 10],
};

/**
 * Assigns every initial account a role (exact counts from the shares, spread by a seeded
 * shuffle), groups, rates, look-alike flags and a creation time; rewires ring and farm members'
 * follows to each other and to their customers.
 */
export function populate(w: World, rng: Rng, bootstrapMs: number): void {
	const n = w.n;
	const perm = new Int32Array(n);
	for (let i = 0; i < n; i++) perm[i] = i;
	for (let i = n - 1; i > 0; i--) {
		const j = rng.int(i + 1);
		const t = perm[i] as number;
		perm[i] = perm[j] as number;
		perm[j] = t;
	}
	let at = 0;
	for (const threat of THREATS) {
		const count = Math.round(w.opts.shares[threat] * n);
		const [lo, hi] = GROUP_SIZE[threat];
		let left = 0;
		let g = -1;
		for (let k = 0; k < count; k++) {
			const i = perm[at++] as number;
			if (left === 0) {
				g = w.groupRole.length;
				w.groupRole.push(ROLE[threat]);
				w.groupKind.push(threat === "amplification" ? g % 2 : 0);
				w.groupNext.push(w.opts.start + bootstrapMs + rng.between(0, 15 * 60_000));
				w.groupTemplate.push(0);
				w.members.push([]);
				w.customers.push([]);
				left = lo + rng.int(hi - lo + 1);
			}
			left--;
			w.role[i] = ROLE[threat];
			w.group[i] = g;
			w.members[g]?.push(i);
			const [rlo, rhi] = ADVERSARY_RATE[threat];
			w.rate[i] = rng.between(rlo, rhi);
		}
	}
	// Organic: heavy-tailed rates; the busiest are power users, a few are fans.
	const fans: number[] = [];
	for (let k = at; k < n; k++) {
		const i = perm[k] as number;
		const r = Math.min(60, rng.pareto(0.3, 1.3));
		w.rate[i] = r;
		if (r > 15) w.flags[i] = (w.flags[i] as number) | 1;
		if (rng.chance(w.opts.lookalikes)) {
			w.flags[i] = (w.flags[i] as number) | 2;
			fans.push(i);
		}
	}
	w.fans = Int32Array.from(fans);
	const sorted = Int32Array.from(w.graph.indeg).sort();
	w.hotThreshold = Math.max(3, sorted[Math.floor(n * 0.99)] as number);
	wireAmplification(w, rng, perm, at);
	for (let i = 0; i < n; i++) {
		w.alive[i] = 1;
		w.heap.push(w.opts.start + rng.between(0, bootstrapMs), i);
	}
}

function wireAmplification(w: World, rng: Rng, perm: Int32Array, organicFrom: number): void {
	const { offsets, targets } = w.graph;
	for (let g = 0; g < w.members.length; g++) {
		if (w.groupRole[g] !== ROLE.amplification) continue;
		const members = w.members[g] as number[];
		let peers = members;
		if (w.groupKind[g] === 1) {
			const cs: number[] = [];
			for (let k = 0; k < 3 && organicFrom < w.n; k++) {
				const c = perm[organicFrom + rng.int(w.n - organicFrom)] as number;
				w.flags[c] = (w.flags[c] as number) | 4;
				cs.push(c);
			}
			w.customers[g] = cs;
			peers = cs;
		}
		for (const m of members) {
			const from = offsets[m] as number;
			const to = offsets[m + 1] as number;
			let k = from;
			for (const p of peers) if (p !== m && k < to) targets[k++] = p;
		}
	}
}
