import type { Effect, Surface } from "../decisions/effects.ts";
import type { EntityKind } from "../shared/entity.ts";
import type { EffectNode, RuleDecl } from "./ast.ts";
import type { ExprCompiler } from "./compile-expr.ts";
import type { Frame } from "./frame.ts";
import { type Err, isStop, type PENDING, type Value } from "./values.ts";

/** One compiled effect: the Effect, an error, PENDING in the first pass, or null when its target is absent. */
export type EffectFn = (c: Frame) => Effect | Err | typeof PENDING | null;

/** The reason an effect records in the audit log: `rule_name: reason` (the rule's, or the effect's own). */
export function reasonOf(rule: RuleDecl, e?: EffectNode): string {
	const text = e?.reason?.value ?? rule.reason?.value ?? rule.doc;
	return text ? `${rule.name.name}: ${text}` : rule.name.name;
}

export function compileEffect(x: ExprCompiler, rule: RuleDecl, e: EffectNode): EffectFn {
	let kind: EntityKind = "account";
	// Handles, read when the effect runs: their `fn` is the compiled code once the pack is finished.
	let target: { fn: (c: Frame) => Value } = { fn: (c) => c.event.actor };
	if (e.target) {
		const t = x.typeOf(e.target);
		if (t.t === "entity") kind = t.kind;
		target = x.compile(e.target);
	}
	const severity = e.severity ? x.compile(e.severity) : undefined;
	const reason = reasonOf(rule, e);
	const ttlMs = e.ttl ? e.ttl.ms : null;
	const text = e.text?.value ?? "";
	const surfaces = (e.surfaces ?? []).map((s) => s.name as Surface).filter((s, i, all) => all.indexOf(s) === i);
	return (c) => {
		const id = target.fn(c);
		if (isStop(id)) return id;
		if (id === "") return null;
		const entity = { kind, id: id as string };
		switch (e.verb) {
			case "label":
				return { kind: "label.add", entity, label: text, ttlMs, reason, source: "rule" };
			case "unlabel":
				return { kind: "label.remove", entity, label: text, reason, source: "rule" };
			case "limit":
				return { kind: "visibility.limit", entity, surfaces, ttlMs, reason, source: "rule" };
			case "nudge":
				return { kind: "nudge", entity, message: text, reason };
			case "challenge":
				return { kind: "challenge", entity, challenge: text as "captcha" | "phone" | "email", reason };
			case "block":
				return { kind: "block", entity, reason };
			case "suspend":
				return { kind: "suspend", entity, ttlMs, reason, source: "rule" };
			case "unsuspend":
				return { kind: "unsuspend", entity, reason, source: "rule" };
			case "review": {
				let sev: Value = 0.5;
				if (severity) {
					sev = severity.fn(c);
					if (isStop(sev)) return sev;
				}
				const n = Number.isFinite(sev as number) ? Math.min(1, Math.max(0, sev as number)) : 0.5;
				return { kind: "review.open", entity, queue: text, severity: Math.round(n * 1000) / 1000, reason };
			}
		}
	};
}
