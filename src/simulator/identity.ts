import { hash32, Rng } from "./prng.ts";
import { ADJ, BIO_LIST, COUNTRIES, EMAIL_DOMAINS, FIRST, LAST, NOUN, SIGNATURE_LIST, TOPICS } from "./words.ts";
import type { World } from "./world.ts";

/** What a returning ban evader shares with the owner's earlier account, one bit each. */
export const SHARE = {
	device: 1,
	subnet: 2,
	email: 4,
	handle: 8,
	bio: 16,
	followees: 32,
	targets: 64,
	writing: 128,
} as const;
export const SHARE_NAMES = Object.keys(SHARE) as (keyof typeof SHARE)[];

/** The account whose attribute `bit` account i shows: the owner's when shared, else its own. */
export function source(w: World, i: number, bit: number): number {
	return (w.share[i] as number) & bit ? (w.owner[i] as number) : i;
}

const derive = (w: World, i: number, salt: number) => new Rng(hash32(w.opts.seed, i, salt));

/** One of the account's 1-3 devices (derived, not stored). */
export function deviceOf(w: World, i: number, pickU32: number): string {
	const s = source(w, i, SHARE.device);
	const h = hash32(w.opts.seed, s, 11);
	// Most activity comes from the first (main) device.
	const k = pickU32 % 4 === 0 ? pickU32 % (1 + (h % 3)) : 0;
	return `d${(h ^ Math.imul(k, 0x9e3779b1)) >>> 0}`;
}

/** Home IP: the subnet is the community's (or the botnet's data centre), the host the account's own. */
export function ipOf(w: World, i: number): string {
	const s = source(w, i, SHARE.subnet);
	const host = 1 + (hash32(w.opts.seed, i, 13) % 254);
	const role = w.role[s] as number;
	if (role === 1 || role === 3) {
		const g = w.group[s] as number;
		return `185.${(g * 7) % 256}.${(g * 13) % 256}.${host}`;
	}
	const h = hash32(w.opts.seed, s, 14);
	const c = w.com.of[Math.min(s, w.n - 1)] as number;
	return `${23 + (c % 180)}.${(c * 31) % 256}.${h % 256}.${host}`;
}

export function countryOf(w: World, i: number): string {
	return COUNTRIES[(w.com.of[Math.min(i, w.n - 1)] as number) % COUNTRIES.length] as string;
}

/** Generation of an evader's account (0 for the first), from how far its index is past the owner's. */
function generation(w: World, i: number): number {
	return i === w.owner[i] ? 0 : 1 + (hash32(i, 3) % 9);
}

export function handleOf(w: World, i: number): string {
	const s = source(w, i, SHARE.handle);
	const r = derive(w, s, 21);
	const role = w.role[s] as number;
	let base: string;
	if (role === 1 || (role === 3 && w.groupKind[w.group[s] as number] === 1))
		base = `${r.pick(ADJ)}${r.pick(NOUN)}${100_000 + r.int(900_000)}`;
	else if (r.chance(0.5)) base = `${r.pick(FIRST)}_${r.pick(LAST)}${r.chance(0.5) ? r.int(100) : ""}`;
	else base = `${r.pick(ADJ)}${r.pick(NOUN)}${r.chance(0.4) ? r.int(1000) : ""}`;
	return s !== i ? `${base}_${generation(w, i)}` : base;
}

export function emailOf(w: World, i: number): string {
	const s = source(w, i, SHARE.email);
	const r = derive(w, s, 22);
	const stem = `${r.pick(FIRST)}.${r.pick(LAST)}`;
	const domain = r.pick(EMAIL_DOMAINS);
	return s === i ? `${stem}${hash32(i, 5) % 1000}@${domain}` : `${stem}+${generation(w, i)}@${domain}`;
}

export function bioOf(w: World, i: number): string {
	const s = source(w, i, SHARE.bio);
	const r = derive(w, s, 23);
	const role = w.role[s] as number;
	if (role === 1) return r.pick(["💰 DM for promo", "Crypto | Forex | Giveaways", "follow for follow 🔁", ""]);
	const topic = TOPICS[(w.com.of[Math.min(s, w.n - 1)] as number) % TOPICS.length] as string;
	return `${r.pick(BIO_LIST)} · ${topic} · ${r.pick(BIO_LIST)}`;
}

export function displayNameOf(w: World, i: number): string {
	const r = derive(w, source(w, i, SHARE.handle), 24);
	return `${r.pick(FIRST)} ${r.pick(LAST)}`.replace(/\b\w/g, (c) => c.toUpperCase());
}

/** An evader's writing tic: the owner's when writing is shared. */
export function signatureOf(w: World, i: number): string {
	return SIGNATURE_LIST[hash32(w.opts.seed, source(w, i, SHARE.writing), 25) % SIGNATURE_LIST.length] as string;
}

/** The k-th of an evader's three harassment targets (organic accounts), the owner's when shared. */
export function targetOf(w: World, i: number, k: number): number {
	const s = source(w, i, SHARE.targets);
	let t = hash32(w.opts.seed, s, 30 + k) % w.n;
	while (w.role[t] !== 0) t = (t + 1) % w.n;
	return t;
}
