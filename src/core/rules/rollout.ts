/**
 * A rule's rollout bucket for an entity, 0..9999: FNV-1a of `rule:id`. Deterministic (the
 * same entity is in or out on every event, every worker, every replay) and salted by the rule,
 * so two rules at 10% do not pick the same 10% of accounts.
 * @example inRollout("new_spam_rule", "u42", 10) // same answer every time
 */
export function rolloutBucket(rule: string, id: string): number {
	let h = 0x811c9dc5;
	const s = `${rule}:${id}`;
	for (let i = 0; i < s.length; i++) {
		h ^= s.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	// Finalise (murmur3 fmix32) so nearby ids spread over all buckets.
	h ^= h >>> 16;
	h = Math.imul(h, 0x85ebca6b);
	h ^= h >>> 13;
	h = Math.imul(h, 0xc2b2ae35);
	h ^= h >>> 16;
	return (h >>> 0) % 10_000;
}

export function inRollout(rule: string, id: string, percent: number): boolean {
	return rolloutBucket(rule, id) < Math.round(percent * 100);
}
