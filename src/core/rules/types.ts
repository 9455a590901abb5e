import type { EntityKind } from "../shared/entity.ts";

/** The kinds of named list; each decides how a value is matched (see lists/). */
export const LIST_KINDS = ["domains", "ip_ranges", "hashes", "keywords", "strings"] as const;
export type ListKind = (typeof LIST_KINDS)[number];

/**
 * A value's static type. Entities are typed by kind (`account`, `post`, `ip`, `device`) and
 * are their id at run time; `error` marks an expression that already failed to check, so one
 * mistake is reported once.
 */
export type Type =
	| { t: "bool" }
	| { t: "number" }
	| { t: "string" }
	| { t: "duration" }
	| { t: "entity"; kind: EntityKind }
	| { t: "list"; of: Type }
	| { t: "named_list"; kind: ListKind }
	| { t: "error" };

export const T = {
	bool: { t: "bool" } as Type,
	number: { t: "number" } as Type,
	string: { t: "string" } as Type,
	duration: { t: "duration" } as Type,
	error: { t: "error" } as Type,
	entity: (kind: EntityKind): Type => ({ t: "entity", kind }),
	list: (of: Type): Type => ({ t: "list", of }),
	namedList: (kind: ListKind): Type => ({ t: "named_list", kind }),
};

/** How a type reads in messages: `number`, `account`, `list<string>`, `keywords list`. */
export function typeName(x: Type): string {
	switch (x.t) {
		case "entity":
			return x.kind;
		case "list":
			return `list<${typeName(x.of)}>`;
		case "named_list":
			return `${x.kind} list`;
		default:
			return x.t;
	}
}

export function sameType(a: Type, b: Type): boolean {
	if (a.t !== b.t) return false;
	if (a.t === "entity") return a.kind === (b as { kind: EntityKind }).kind;
	if (a.t === "list") return sameType(a.of, (b as { of: Type }).of);
	if (a.t === "named_list") return a.kind === (b as { kind: ListKind }).kind;
	return true;
}

/** Strings and entity ids compare with each other (an entity is its id). */
export function isText(x: Type): boolean {
	return x.t === "string" || x.t === "entity";
}

/** Whether `==` may compare values of these types. */
export function comparable(a: Type, b: Type): boolean {
	if (a.t === "error" || b.t === "error") return true;
	if (isText(a) && isText(b)) return a.t === "string" || b.t === "string" || sameType(a, b);
	return (a.t === "bool" || a.t === "number" || a.t === "duration") && sameType(a, b);
}

/**
 * One parameter of a builtin: what it accepts, how that reads in a message, and whether the
 * argument must be a literal (a regex pattern, a signal name), checked and prepared once.
 */
export interface Param {
	name: string;
	accepts: (x: Type) => boolean;
	describe: string;
	literal?: boolean;
	optional?: boolean;
	/** This argument names an entity whose state is read (fetched before evaluation). */
	entity?: boolean;
	/** This argument is a named list. */
	namedList?: boolean;
}

/** Parameter constructors for builtin signatures. */
export const P = {
	text: (name: string, extra: Partial<Param> = {}): Param => ({ name, accepts: isText, describe: "string", ...extra }),
	number: (name: string, extra: Partial<Param> = {}): Param => ({
		name,
		accepts: (x) => x.t === "number",
		describe: "number",
		...extra,
	}),
	entity: (name: string): Param => ({ name, accepts: (x) => x.t === "entity", describe: "entity", entity: true }),
	textList: (name: string): Param => ({
		name,
		accepts: (x) => x.t === "list" && isText(x.of),
		describe: "list<string>",
	}),
	textOrList: (name: string): Param => ({
		name,
		accepts: (x) => isText(x) || x.t === "list",
		describe: "string or list",
	}),
	namedList: (name: string, kinds: readonly ListKind[] = LIST_KINDS): Param => ({
		name,
		accepts: (x) => x.t === "named_list" && kinds.includes(x.kind),
		describe: kinds.length === LIST_KINDS.length ? "named list" : `${kinds.join(" or ")} list`,
		namedList: true,
	}),
};
