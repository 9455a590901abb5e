/** The kinds of entity Bulwark keeps state, labels and actions for. */
export const ENTITY_KINDS = ["account", "post", "ip", "device"] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

export interface EntityRef {
	kind: EntityKind;
	id: string;
}

/** `account:42`: the one string form of an entity used as a key everywhere. */
export function entityKey(ref: EntityRef): string {
	return `${ref.kind}:${ref.id}`;
}

export function parseEntityKey(key: string): EntityRef {
	const i = key.indexOf(":");
	const kind = key.slice(0, i);
	if (i <= 0 || !isEntityKind(kind))
		throw new Error(`invalid entity key "${key}" (expected KIND:ID, KIND one of ${ENTITY_KINDS.join(", ")})`);
	return { kind, id: key.slice(i + 1) };
}

export function isEntityKind(s: string): s is EntityKind {
	return (ENTITY_KINDS as readonly string[]).includes(s);
}

export const account = (id: string): EntityRef => ({ kind: "account", id });
export const post = (id: string): EntityRef => ({ kind: "post", id });
