/** Renders rows as an aligned text table with a header rule; numbers align right. */
export function table(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
	const cells = rows.map((r) => r.map((c) => fmt(c)));
	const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? "").length)));
	const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === "number"));
	const line = (r: readonly string[]) =>
		r
			.map((c, i) => (numeric[i] ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number)))
			.join("  ")
			.trimEnd();
	return [line(headers), widths.map((w) => "─".repeat(w)).join("  "), ...cells.map(line)].join("\n");
}

function fmt(v: unknown): string {
	if (v === null || v === undefined) return "";
	if (typeof v === "number") return Number.isInteger(v) ? v.toLocaleString("en-US") : v.toFixed(2);
	if (typeof v === "string") return v;
	return JSON.stringify(v);
}

export function isoTime(ms: number | null | undefined): string {
	return ms === null || ms === undefined ? "" : new Date(ms).toISOString().replace(".000Z", "Z");
}
