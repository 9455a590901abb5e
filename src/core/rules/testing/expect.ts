import { verdictOf } from "../../decisions/verdict.ts";
import type { EntityState } from "../../enforcement/state.ts";
import type { BulwarkEvent } from "../../events/index.ts";
import type { RuleHit, RulesResult } from "../evaluate.ts";
import type { Expect } from "./spec.ts";

const show = (v: unknown) => JSON.stringify(v);

function explainMiss(hit: RuleHit | undefined): string {
	if (!hit) return "it does not apply to this event type";
	if (hit.outcome === "errored") return `it errored: ${hit.error}`;
	if (hit.outcome !== "no_match") return `it was ${hit.outcome.replace("_", " ")}`;
	const seen = Object.entries(hit.seen);
	if (!seen.length) return "its event-only conditions were false";
	return `it did not match, having seen ${seen.map(([k, v]) => `${k} = ${show(v)}`).join(", ")}`;
}

function effectMatches(actual: Record<string, unknown>, want: Record<string, unknown>): boolean {
	for (const [k, v] of Object.entries(want)) {
		const a = actual[k];
		if (k === "entity" && typeof v === "string") {
			const e = a as { kind: string; id: string };
			if (`${e.kind}:${e.id}` !== v) return false;
		} else if (show(a) !== show(v)) return false;
	}
	return true;
}

/** What is wrong with one event's outcome, as sentences (empty when all is as expected). */
export function checkExpect(
	x: Expect,
	event: BulwarkEvent,
	result: RulesResult,
	labelsOf: (key: string) => EntityState | undefined,
): string[] {
	const out: string[] = [];
	const byRule = new Map(result.hits.map((h) => [h.rule, h]));
	const outcome = (rule: string) => byRule.get(rule)?.outcome;
	for (const r of x.fired ?? [])
		if (outcome(r) !== "fired") out.push(`expected rule \`${r}\` to fire; ${explainMiss(byRule.get(r))}`);
	for (const r of x.notFired ?? [])
		if (outcome(r) === "fired") {
			const seen = Object.entries(byRule.get(r)?.seen ?? {});
			out.push(
				`expected rule \`${r}\` not to fire, but it did${seen.length ? `, having seen ${seen.map(([k, v]) => `${k} = ${show(v)}`).join(", ")}` : ""}`,
			);
		}
	const want = (list: string[] | undefined, o: string, word: string) => {
		for (const r of list ?? [])
			if (outcome(r) !== o) out.push(`expected rule \`${r}\` to be ${word}; ${explainMiss(byRule.get(r))}`);
	};
	want(x.shadow, "shadow", "a shadow hit");
	want(x.heldBack, "held_back", "held back by its rollout");
	want(x.errored, "errored", "errored");
	if (x.verdict) {
		const v = verdictOf(result.effects, `account:${event.actor}`);
		if (v !== x.verdict) out.push(`expected verdict ${x.verdict}, got ${v}`);
	}
	for (const w of x.effects ?? [])
		if (!result.effects.some((e) => effectMatches(e as unknown as Record<string, unknown>, w)))
			out.push(
				`expected an effect like ${show(w)}; effects: ${show(result.effects.map((e) => `${e.kind} ${e.entity.kind}:${e.entity.id}`))}`,
			);
	if (x.noEffects && result.effects.length)
		out.push(
			`expected no effects, got ${show(result.effects.map((e) => `${e.kind} ${e.entity.kind}:${e.entity.id}`))}`,
		);
	const labelsNow = (key: string) =>
		(labelsOf(key)?.labels ?? []).filter((l) => l.expiresAt === null || l.expiresAt > event.ts).map((l) => l.label);
	for (const [key, labels] of Object.entries(x.labels ?? {})) {
		const have = labelsNow(key);
		for (const l of labels) if (!have.includes(l)) out.push(`expected ${key} to have label ${l}; it has ${show(have)}`);
	}
	for (const [key, labels] of Object.entries(x.notLabels ?? {})) {
		const have = labelsNow(key);
		for (const l of labels) if (have.includes(l)) out.push(`expected ${key} not to have label ${l}`);
	}
	for (const [rule, values] of Object.entries(x.seen ?? {})) {
		const seen = byRule.get(rule)?.seen ?? {};
		for (const [k, v] of Object.entries(values))
			if (show(seen[k]) !== show(v))
				out.push(`expected rule \`${rule}\` to see ${k} = ${show(v)}, it saw ${show(seen[k])}`);
	}
	return out;
}
