/**
 * Seeded synthetic labelled accounts for tests: humans post, like and are followed; bots follow
 * many and do little else. Not a stand-in for the real data sets, only a shape the trees can learn.
 * @example syntheticAccounts(100, 1).filter((r) => r.label === 1).length // 50
 */
import { rng } from "../../shared/rng.ts";
import type { LabelledAccount } from "./data.ts";
import { EMPTY_PROFILE } from "./profile.ts";

const DAY = 86_400_000;

export function syntheticAccounts(n: number, seed: number): LabelledAccount[] {
	const r = rng(seed);
	const rows: LabelledAccount[] = [];
	for (let i = 0; i < n; i++) {
		const bot = i % 2 === 1;
		const age = 30 + r() * 2000;
		const statuses = Math.round(bot ? r() * 80 : 200 + r() * 20_000);
		rows.push({
			profile: {
				...EMPTY_PROFILE,
				observedAt: Date.UTC(2015, 0, 1),
				createdAt: Date.UTC(2015, 0, 1) - age * DAY,
				screenName: bot ? `user${Math.floor(r() * 1e6)}` : `ann_${i}`,
				name: bot ? "" : "Ann Example",
				description: bot && r() < 0.8 ? "" : "cats and coffee",
				statuses,
				followers: Math.round(bot ? r() * 20 : 50 + r() * 2000),
				friends: Math.round(bot ? 200 + r() * 1000 : 50 + r() * 800),
				favourites: Math.round(bot ? 0 : r() * 5000),
				listed: Math.round(bot ? 0 : r() * 20),
				defaultProfile: bot ? r() < 0.9 : r() < 0.3,
				defaultProfileImage: bot && r() < 0.3,
			},
			label: bot ? 1 : 0,
			source: bot ? "synthetic/bots" : "synthetic/humans",
			key: String(i),
			line: i + 1,
		});
	}
	return rows;
}
