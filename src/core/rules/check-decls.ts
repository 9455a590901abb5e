import { SURFACES } from "../decisions/effects.ts";
import type { EventType } from "../events/types.ts";
import { EVENT_TYPES } from "../events/types.ts";
import type { EffectNode, FeatureDecl, Ident, ListDecl, RuleDecl } from "./ast.ts";
import { checkExpr } from "./check-expr.ts";
import type { CheckState, Ctx } from "./check-state.ts";
import { isEventType } from "./fields.ts";
import { newList } from "./lists/memory.ts";
import { didYouMean } from "./suggest.ts";
import { LIST_KINDS, type ListKind, type Type, typeName } from "./types.ts";

const DAY = 86_400_000;
/** Longest window a feature may declare. */
export const MAX_WINDOW_MS = 30 * DAY;
export const MAX_BUCKETS = 1_000;
/** The default bucket count: resolution is window/12 under a day, window/24 from a day. */
export const defaultBuckets = (windowMs: number): number => (windowMs >= DAY ? 24 : 12);

const NAME_RE = /^[A-Za-z0-9_.:-]+$/;
const CHALLENGES = ["captcha", "phone", "email"];
const ACCOUNT_ONLY = new Set(["nudge", "challenge", "block", "suspend", "unsuspend"]);

/** Valid, distinct event types of an `on` list; unknown ones reported with a suggestion. */
export function checkTypes(s: CheckState, on: readonly Ident[]): EventType[] {
	const out: EventType[] = [];
	for (const t of on) {
		if (!isEventType(t.name)) {
			s.diags.add(
				"R2002",
				t.span,
				`unknown event type \`${t.name}\``,
				didYouMean(t.name, EVENT_TYPES) ?? `event types: ${EVENT_TYPES.join(", ")}`,
			);
			continue;
		}
		if (!out.includes(t.name)) out.push(t.name);
	}
	return out;
}

function expectBool(s: CheckState, t: Type, span: Parameters<CheckState["diags"]["add"]>[1], what: string): void {
	if (t.t !== "error" && t.t !== "bool")
		s.diags.add("R3004", span, `${what} must be a condition (bool), found ${typeName(t)}`);
}

export function checkFeature(s: CheckState, f: FeatureDecl): void {
	const name = f.name.name;
	const types = checkTypes(s, f.on);
	const ctx: Ctx = { types: types.length ? types : null, mode: "feature", where: `feature \`${name}\`` };
	if (f.value) {
		const t = checkExpr(s, f.value, ctx);
		if (f.agg.kind === "sum" && t.t !== "error" && t.t !== "number")
			s.diags.add("R3001", f.value.span, `\`sum\` adds numbers, found ${typeName(t)}`);
		if (f.agg.kind === "distinct" && (t.t === "list" || t.t === "named_list"))
			s.diags.add("R3001", f.value.span, `\`distinct\` counts single values, found ${typeName(t)}`);
	}
	if (f.where) expectBool(s, checkExpr(s, f.where, ctx), f.where.span, "`where`");
	const key = checkExpr(s, f.by, ctx);
	if (key.t === "entity") s.featureEntity.set(name, key.kind);
	else if (key.t !== "error")
		s.diags.add(
			"R3012",
			f.by.span,
			`a feature is kept per entity, but \`by\` is ${typeName(key)}`,
			"use an entity field (event.actor, event.context.ip) or account(...), post(...), ip(...), device(...)",
		);
	// NaN: the lexer already reported an invalid duration.
	if (!Number.isNaN(f.over.ms) && (!(f.over.ms > 0) || f.over.ms > MAX_WINDOW_MS))
		s.diags.add("R3011", f.over.span, `window \`${f.over.text}\` is out of range`, "from 1s to 30d");
	if (f.buckets) {
		const b = f.buckets.value;
		if (!Number.isInteger(b) || b < 1 || b > MAX_BUCKETS || f.over.ms / b < 1)
			s.diags.add("R3011", f.buckets.span, `${b} buckets is out of range`, `a whole number from 1 to ${MAX_BUCKETS}`);
	}
}

export function checkList(s: CheckState, l: ListDecl): void {
	const kind = l.listKind.name;
	if (!(LIST_KINDS as readonly string[]).includes(kind)) {
		s.diags.add(
			"R2010",
			l.listKind.span,
			`unknown list kind \`${kind}\``,
			didYouMean(kind, LIST_KINDS) ?? `kinds: ${LIST_KINDS.join(", ")}`,
		);
		return;
	}
	if (!l.entries) return;
	const probe = newList(kind as ListKind);
	for (const e of l.entries) {
		const n = probe.normalize(e.value);
		if (!n.ok) s.diags.add("R3016", e.span, `invalid ${kind} entry: ${n.message}`);
	}
}

export function checkRule(s: CheckState, r: RuleDecl): void {
	const name = r.name.name;
	const types = r.on ? checkTypes(s, r.on) : null;
	if (r.on && !types?.length) return;
	const ctx: Ctx = { types, mode: "rule", where: `rule \`${name}\`` };
	for (const w of r.when) expectBool(s, checkExpr(s, w, ctx), w.span, "`when`");
	for (const e of r.effects) checkEffect(s, e, ctx);
	if (r.rollout) {
		const p = r.rollout.percent;
		if (!(p > 0 && p <= 100))
			s.diags.add("R3011", r.rollout.span, `rollout ${p}% is out of range`, "from more than 0% to 100%");
		if (r.rollout.by) {
			const t = checkExpr(s, r.rollout.by, ctx);
			if (t.t !== "entity" && t.t !== "error")
				s.diags.add(
					"R3012",
					r.rollout.by.span,
					`a rollout is by entity, but this is ${typeName(t)}`,
					"e.g. rollout 10% by event.actor",
				);
		}
		if (r.shadow)
			s.diags.add(
				"R4003",
				r.rollout.span,
				`rule \`${name}\` is in shadow, so its rollout changes nothing`,
				"remove `shadow` to apply it to the rollout's share",
			);
	}
	if (r.reason && !r.reason.value.trim()) s.diags.add("R3011", r.reason.span, "an empty reason");
	if (!r.effects.length && !r.recovered)
		s.diags.add(
			"R4001",
			r.name.span,
			`rule \`${name}\` has no effects: it only records hits`,
			'add e.g. `then label "suspect" for 1d`, or mark it `shadow`',
		);
}

function checkEffect(s: CheckState, e: EffectNode, ctx: Ctx): void {
	if (e.target) {
		const t = checkExpr(s, e.target, ctx);
		if (t.t !== "error") {
			if (t.t !== "entity")
				s.diags.add(
					"R3005",
					e.target.span,
					`\`${e.verb}\` acts on an entity, found ${typeName(t)}`,
					"e.g. event.actor, event.data.postId",
				);
			else if (ACCOUNT_ONLY.has(e.verb) && t.kind !== "account")
				s.diags.add("R3005", e.target.span, `\`${e.verb}\` applies to accounts, not to ${t.kind}s`);
		}
	}
	const text = e.text;
	if (text) {
		if ((e.verb === "label" || e.verb === "unlabel" || e.verb === "review") && !NAME_RE.test(text.value))
			s.diags.add(
				"R3011",
				text.span,
				`\`${text.value}\` is not a valid ${e.verb === "review" ? "queue" : "label"} name`,
				"letters, digits and _ . : -",
			);
		if (e.verb === "challenge" && !CHALLENGES.includes(text.value))
			s.diags.add(
				"R2012",
				text.span,
				`unknown challenge \`${text.value}\``,
				didYouMean(text.value, CHALLENGES) ?? `challenges: ${CHALLENGES.join(", ")}`,
			);
		if (e.verb === "nudge" && !text.value.trim()) s.diags.add("R3011", text.span, "an empty nudge message");
	}
	for (const sf of e.surfaces ?? [])
		if (!(SURFACES as readonly string[]).includes(sf.name))
			s.diags.add(
				"R2011",
				sf.span,
				`unknown surface \`${sf.name}\``,
				didYouMean(sf.name, SURFACES) ?? `surfaces: ${SURFACES.join(", ")}`,
			);
	if (e.severity) {
		const t = checkExpr(s, e.severity, ctx);
		if (t.t !== "error" && t.t !== "number")
			s.diags.add("R3002", e.severity.span, `severity must be a number, found ${typeName(t)}`);
		if (e.severity.kind === "num" && !(e.severity.value >= 0 && e.severity.value <= 1))
			s.diags.add("R3011", e.severity.span, `severity ${e.severity.value} is out of range`, "from 0 to 1");
	}
	if (e.ttl && !Number.isNaN(e.ttl.ms) && !(e.ttl.ms > 0))
		s.diags.add("R3011", e.ttl.span, `\`for ${e.ttl.text}\` is not a positive duration`);
	if (e.reason && !e.reason.value.trim()) s.diags.add("R3011", e.reason.span, "an empty reason");
}
