import type { EventType } from "../events/types.ts";
import { EVENT_TYPES } from "../events/types.ts";
import type { Expr } from "./ast.ts";
import type { CheckState, Ctx } from "./check-state.ts";
import { DATA, ENVELOPE, type Field } from "./fields.ts";
import { didYouMean } from "./suggest.ts";
import { sameType, type Type } from "./types.ts";

export type Leaf = Field & { type: Type };

/** `event.data.replyTo.authorId` as ["data", "replyTo", "authorId"], or undefined when not rooted in `event`. */
export function eventPath(e: Expr): { path: string[]; spans: Expr[] } | undefined {
	const path: string[] = [];
	const spans: Expr[] = [];
	let cur = e;
	while (cur.kind === "member") {
		path.unshift(cur.name);
		spans.unshift(cur);
		cur = cur.object;
	}
	return cur.kind === "name" && cur.name === "event" ? { path, spans } : undefined;
}

function walk(
	fields: Record<string, Field>,
	path: readonly string[],
): { leaf?: Field; optional: boolean; missingAt?: number; names?: string[] } {
	let optional = false;
	let cur: Record<string, Field> = fields;
	for (let k = 0; k < path.length; k++) {
		const f = cur[path[k] as string];
		if (!f) return { optional, missingAt: k, names: Object.keys(cur) };
		optional ||= !!f.optional;
		if (k === path.length - 1) return { leaf: f, optional };
		if (!("object" in f)) return { optional, missingAt: k + 1, names: [] };
		cur = f.object;
	}
	return { optional };
}

/**
 * Resolves an event field for a context and reports what is wrong with it (unknown field,
 * `event.data` without `on`, a field some of the rule's event types lack). Returns the leaf
 * and whether any step is optional.
 */
export function resolveField(
	s: CheckState,
	e: Expr,
	path: readonly string[],
	steps: readonly Expr[],
	ctx: Ctx,
	allowObject = false,
): { leaf: Field; optional: boolean } | undefined {
	const stepSpan = (k: number) => {
		const n = steps[Math.min(k, steps.length - 1)];
		return n && n.kind === "member" ? n.nameSpan : e.span;
	};
	const [head, ...rest] = path;
	if (head !== "data") {
		const r = walk(ENVELOPE, path);
		if (r.missingAt !== undefined) {
			const name = path[r.missingAt] as string;
			const known = r.missingAt === 0 ? [...Object.keys(ENVELOPE), "data"] : (r.names ?? []);
			s.diags.add(
				"R2006",
				stepSpan(r.missingAt),
				`unknown field \`${name}\` of \`event${path
					.slice(0, r.missingAt)
					.map((p) => `.${p}`)
					.join("")}\``,
				didYouMean(name, known) ?? (known.length ? `fields: ${known.join(", ")}` : undefined),
			);
			return undefined;
		}
		return checkLeaf(s, e, path, r.leaf, r.optional, allowObject);
	}
	if (!rest.length) {
		s.diags.add("R3019", e.span, "`event.data` is not a value; read one of its fields", "e.g. event.data.text");
		return undefined;
	}
	if (!ctx.types) {
		s.diags.add(
			"R3014",
			e.span,
			`\`event.${path.join(".")}\` depends on the event type, and ${ctx.where} does not say which events it is \`on\``,
			"add e.g. `on post.created` to the rule",
		);
		return undefined;
	}
	const found: { type: EventType; leaf: Field; optional: boolean }[] = [];
	const lacking: EventType[] = [];
	let deepest: { at: number; names: string[] } | undefined;
	for (const t of ctx.types) {
		const r = walk(DATA[t], rest);
		if (r.leaf) found.push({ type: t, leaf: r.leaf, optional: r.optional });
		else {
			lacking.push(t);
			if (r.missingAt !== undefined && (!deepest || r.missingAt > deepest.at))
				deepest = { at: r.missingAt, names: r.names ?? [] };
		}
	}
	if (!found.length) {
		const at = deepest?.at ?? 0;
		const name = rest[at] as string;
		const everywhere = EVENT_TYPES.filter((t) => walk(DATA[t], rest).leaf);
		s.diags.add(
			"R2006",
			stepSpan(at + 1),
			`unknown field \`${name}\` on ${ctx.types.join(", ")}`,
			didYouMean(name, deepest?.names ?? []) ??
				(everywhere.length ? `it is on ${everywhere.join(", ")}` : `fields: ${(deepest?.names ?? []).join(", ")}`),
		);
		return undefined;
	}
	if (lacking.length && !ctx.lenient) {
		s.diags.add(
			"R3015",
			e.span,
			`\`event.${path.join(".")}\` is not on ${lacking.join(", ")}, which ${ctx.where} is also on`,
			"split the rule by event type, or read a field every type has",
		);
		return undefined;
	}
	const first = found[0] as (typeof found)[number];
	const firstType = "type" in first.leaf ? first.leaf.type : undefined;
	for (const f of found.slice(1)) {
		const t = "type" in f.leaf ? f.leaf.type : undefined;
		if (!firstType || !t || !sameType(firstType, t)) {
			s.diags.add(
				"R3015",
				e.span,
				`\`event.${path.join(".")}\` has a different type on ${first.type} and on ${f.type}`,
				"split the rule by event type",
			);
			return undefined;
		}
	}
	return checkLeaf(
		s,
		e,
		path,
		first.leaf,
		found.some((f) => f.optional),
		allowObject,
	);
}

function checkLeaf(
	s: CheckState,
	e: Expr,
	path: readonly string[],
	leaf: Field | undefined,
	optional: boolean,
	allowObject: boolean,
): { leaf: Field; optional: boolean } | undefined {
	if (leaf && allowObject) return { leaf, optional };
	if (!leaf || !("type" in leaf)) {
		const fields = leaf && "object" in leaf ? Object.keys(leaf.object) : [];
		s.diags.add(
			"R3019",
			e.span,
			`\`event.${path.join(".")}\` is an object, not a value`,
			fields.length ? `read one of its fields: ${fields.join(", ")}` : undefined,
		);
		return undefined;
	}
	return { leaf, optional };
}
