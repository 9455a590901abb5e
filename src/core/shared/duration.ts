const UNITS: Record<string, number> = {
	ms: 1,
	s: 1_000,
	m: 60_000,
	h: 3_600_000,
	d: 86_400_000,
	w: 604_800_000,
};

const PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;

/**
 * Parses a duration written the house way (`500ms`, `10m`, `7d`) into milliseconds.
 * @example parseDuration("10m") // 600000
 */
export function parseDuration(text: string): number {
	const m = PATTERN.exec(text.trim());
	if (!m) throw new Error(`invalid duration "${text}" (use a number and a unit: ms, s, m, h, d, w; e.g. 10m)`);
	return Math.round(Number(m[1]) * (UNITS[m[2] as string] as number));
}

/** Formats milliseconds as the largest whole unit that divides it (`600000` -> `10m`). */
export function formatDuration(ms: number): string {
	for (const unit of ["w", "d", "h", "m", "s"] as const) {
		const size = UNITS[unit] as number;
		if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
	}
	return `${ms}ms`;
}
