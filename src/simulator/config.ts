/** The adversary populations, each with labelled ground truth. */
export const THREATS = ["spam", "harassment", "amplification", "evasion", "misinfo"] as const;
export type Threat = (typeof THREATS)[number];

/** Role codes kept per account in a Uint8Array. */
export const ROLE = { organic: 0, spam: 1, harassment: 2, amplification: 3, evasion: 4, misinfo: 5 } as const;
export const THREAT_OF_ROLE: readonly (Threat | undefined)[] = [
	undefined,
	"spam",
	"harassment",
	"amplification",
	"evasion",
	"misinfo",
];

export interface SimOptions {
	seed: number;
	/** Accounts at the start (1k to 1M); returning ban evaders are added on top. */
	accounts: number;
	/** First event time, ms since the epoch. */
	start: number;
	/** Simulated time to cover, ms. */
	durationMs: number;
	/** Share of the accounts in each adversary population. */
	shares: Record<Threat, number>;
	/** Share of an adversary's own actions that are ordinary, organic behaviour. */
	camouflage: number;
	/** Share of organic accounts that look a little like adversaries (fans reposting within seconds). */
	lookalikes: number;
	/** Prefix of every id (accounts, posts, events), so that runs do not collide on one server. */
	prefix: string;
	/**
	 * How ban evaders learn they were banned: `scripted` (the platform bans them `banAfterMs` after
	 * their first bad act: what a file or an unattended run shows) or `feedback` (only when
	 * Bulwark's actions, read back through the API, suspend them).
	 */
	evasion: "scripted" | "feedback";
	banAfterMs: number;
}

/** Fixed default epoch: 2027-01-15T00:00:00Z, so that default runs are reproducible. */
export const DEFAULT_START = Date.UTC(2027, 0, 15);

export const DEFAULT_OPTIONS: SimOptions = {
	seed: 1,
	accounts: 10_000,
	start: DEFAULT_START,
	durationMs: 3_600_000,
	shares: { spam: 0.02, harassment: 0.01, amplification: 0.02, evasion: 0.005, misinfo: 0.005 },
	camouflage: 0.3,
	lookalikes: 0.01,
	prefix: "",
	evasion: "scripted",
	banAfterMs: 20 * 60_000,
};

/** Fills defaults and checks ranges; throws with a message a person can act on. */
export function resolveOptions(partial: SimInput): SimOptions {
	const o: SimOptions = { ...DEFAULT_OPTIONS, ...partial, shares: { ...DEFAULT_OPTIONS.shares, ...partial.shares } };
	if (!Number.isInteger(o.accounts) || o.accounts < 10 || o.accounts > 2_000_000)
		throw new Error("accounts must be a whole number from 10 to 2,000,000");
	if (!(o.durationMs > 0)) throw new Error("duration must be > 0");
	const total = Object.values(o.shares).reduce((a, b) => a + b, 0);
	for (const [k, v] of Object.entries(o.shares))
		if (!(v >= 0 && v <= 1)) throw new Error(`share of ${k} must be between 0 and 1`);
	if (total > 0.5) throw new Error(`adversary shares add up to ${total}: keep them at most 0.5`);
	if (!(o.camouflage >= 0 && o.camouflage < 1)) throw new Error("camouflage must be in [0, 1)");
	return o;
}

/** What callers give: any option, shares one by one. */
export type SimInput = Partial<Omit<SimOptions, "shares">> & { shares?: Partial<Record<Threat, number>> };
