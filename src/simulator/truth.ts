import { ROLE, THREAT_OF_ROLE, type Threat } from "./config.ts";
import { SHARE, SHARE_NAMES } from "./identity.ts";
import type { Campaign, World } from "./world.ts";

export interface TruthAccount {
	threat: Threat;
	/** `bot`, `harasser`, `ring`, `farm`, `evader`, `spreader`. */
	role: string;
	/** Botnet, mob, ring, farm, owner or cell id. */
	group: number;
	/** For ban evaders: the owner's first account (all of one owner's accounts share it). */
	owner: string | null;
	/** For returning evaders: what they share with the owner's first account. */
	shares?: string[];
	/** First bad act (simulated ms); null when it only behaved organically during the run. */
	firstBadTs: number | null;
}

/**
 * Who is what in a run: the adversary accounts, their bad posts, the customers of follower
 * farms and the organic look-alikes. Accounts not listed but with the run's prefix are organic.
 */
export interface Truth {
	version: 1;
	seed: number;
	prefix: string;
	start: number;
	end: number;
	/** Accounts that existed in the run (initial plus returning evaders). */
	totalAccounts: number;
	organicAccounts: number;
	accounts: Record<string, TruthAccount>;
	/** Bad posts: post id -> threat, author, time. */
	posts: Record<string, { threat: Threat; author: string; ts: number }>;
	/** Organic accounts a follower farm boosts (neither threat nor collateral in the scorecard). */
	beneficiaries: string[];
	/** Organic accounts that look a little like adversaries. */
	lookalikes: Record<string, "power-user" | "fan">;
	campaigns: Campaign[];
}

const ROLE_NAME = ["organic", "bot", "harasser", "ring", "evader", "spreader"];

export function buildTruth(sim: { world: World; end: number }): Truth {
	const w = sim.world;
	const accounts: Record<string, TruthAccount> = {};
	const beneficiaries: string[] = [];
	const lookalikes: Truth["lookalikes"] = {};
	let organic = 0;
	let total = 0;
	for (let i = 0; i < w.nextFree; i++) {
		if (i >= w.n && w.phase[i] === 0) continue; // a returning evader due after the end
		total++;
		const id = w.accountId(i);
		const r = w.role[i] as number;
		if (r === ROLE.organic) {
			organic++;
			const f = w.flags[i] as number;
			if (f & 4) beneficiaries.push(id);
			if (f & 2) lookalikes[id] = "fan";
			else if (f & 1) lookalikes[id] = "power-user";
			continue;
		}
		const g = w.group[i] as number;
		const fb = w.firstBad[i] as number;
		const a: TruthAccount = {
			threat: THREAT_OF_ROLE[r] as Threat,
			role: r === ROLE.amplification && w.groupKind[g] === 1 ? "farm" : (ROLE_NAME[r] as string),
			group: g,
			owner: r === ROLE.evasion ? w.accountId(w.owner[i] as number) : null,
			firstBadTs: Number.isNaN(fb) ? null : fb,
		};
		if (i !== w.owner[i]) a.shares = SHARE_NAMES.filter((k) => (w.share[i] as number) & SHARE[k]);
		accounts[id] = a;
	}
	const posts: Truth["posts"] = {};
	for (const p of w.badPosts) posts[w.postId(p.post)] = { threat: p.threat, author: w.accountId(p.author), ts: p.ts };
	return {
		version: 1,
		seed: w.opts.seed,
		prefix: w.opts.prefix,
		start: w.opts.start,
		end: sim.end,
		totalAccounts: total,
		organicAccounts: organic,
		accounts,
		posts,
		beneficiaries,
		lookalikes,
		campaigns: w.campaigns,
	};
}
