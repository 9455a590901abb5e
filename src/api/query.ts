import { ENTITY_KINDS, isEntityKind, type Problem, ValidationError } from "../core/shared/index.ts";

/**
 * Reads query parameters and collects every problem (pointer `/<name>`) before failing once.
 * Unknown parameters are problems too, so a typo (`?limt=5`) is not silently ignored.
 * @example
 * const q = new QueryReader(req.query, ["limit", "before"]);
 * const limit = q.int("limit", { min: 1, max: 1000, fallback: 100 });
 * q.done(); // throws ValidationError listing every problem
 */
export class QueryReader {
	readonly problems: Problem[] = [];
	private readonly q: Record<string, unknown>;

	constructor(query: unknown, allowed: readonly string[]) {
		this.q = (query ?? {}) as Record<string, unknown>;
		for (const name of Object.keys(this.q)) {
			if (!allowed.includes(name))
				this.problems.push({
					pointer: `/${name}`,
					message: `is not a parameter of this route (known: ${allowed.join(", ") || "none"})`,
					code: "unknown_field",
				});
		}
	}

	str(name: string, maxLength = 256): string | undefined {
		const v = this.q[name];
		if (v === undefined) return undefined;
		if (typeof v !== "string") return this.fail(name, "must be given once", "type");
		if (v === "" || v.length > maxLength) return this.fail(name, `must be 1 to ${maxLength} characters`, "length");
		return v;
	}

	int(name: string, range: { min: number; max: number; fallback?: number }): number | undefined {
		const s = this.str(name, 20);
		if (s === undefined) return range.fallback;
		const n = Number(s);
		if (!/^-?\d+$/.test(s) || !Number.isSafeInteger(n) || n < range.min || n > range.max)
			return this.fail(name, `must be a whole number from ${range.min} to ${range.max}`, "range") ?? range.fallback;
		return n;
	}

	oneOf<T extends string>(name: string, values: readonly T[]): T | undefined {
		const s = this.str(name);
		if (s === undefined) return undefined;
		if (!(values as readonly string[]).includes(s))
			return this.fail(name, `must be one of ${values.join(", ")}`, "enum");
		return s as T;
	}

	/** An entity key, `kind:id`, or a managed list's audit key, `list:NAME`. */
	entity(name: string): string | undefined {
		const s = this.str(name, 200);
		if (s === undefined) return undefined;
		const i = s.indexOf(":");
		const kind = s.slice(0, i);
		if (i <= 0 || i === s.length - 1 || !(isEntityKind(kind) || kind === "list"))
			return this.fail(name, `must be KIND:ID with KIND one of ${ENTITY_KINDS.join(", ")}, or list:NAME`, "entity");
		return s;
	}

	/** Throws a ValidationError with every problem found, if any. */
	done(): void {
		if (this.problems.length) throw new ValidationError("invalid query parameters", this.problems);
	}

	private fail(name: string, message: string, code: string): undefined {
		this.problems.push({ pointer: `/${name}`, message, code });
		return undefined;
	}
}

/** Page limits for the listing routes. */
export const PAGE = { fallback: 100, min: 1, max: 1000 } as const;

/**
 * One page of a newest-first listing, asked for with one extra row so `next` is exact:
 * null when there is nothing older.
 */
export async function pageOf<T>(
	limit: number,
	fetch: (limit: number) => Promise<T[]>,
	cursor: (row: T) => string,
): Promise<{ rows: T[]; next: string | null }> {
	const rows = await fetch(limit + 1);
	if (rows.length <= limit) return { rows, next: null };
	const page = rows.slice(0, limit);
	return { rows: page, next: cursor(page[page.length - 1] as T) };
}
