import { EFFECT_VERBS, type EffectNode, type EffectVerb, type Expr, type Ident } from "./ast.ts";
import type { Cursor } from "./cursor.ts";
import { parseExpr, parsePostfix } from "./parse-expr.ts";
import { join } from "./source.ts";

export { EFFECT_VERBS };

/** What follows each verb (besides the optional target) and which modifiers it takes. */
const SHAPE: Record<EffectVerb, { text?: string; surfaces?: true; queue?: true; mods: string[] }> = {
	label: { text: "the label, as a string", mods: ["for", "reason"] },
	unlabel: { text: "the label, as a string", mods: ["reason"] },
	limit: { surfaces: true, mods: ["for", "reason"] },
	nudge: { text: "the message, as a string", mods: ["reason"] },
	challenge: { text: 'the challenge: "captcha", "phone" or "email"', mods: ["reason"] },
	block: { mods: ["reason"] },
	suspend: { mods: ["for", "reason"] },
	unsuspend: { mods: ["reason"] },
	review: { queue: true, mods: ["severity", "reason"] },
};

/** Whether the next tokens start an effect's target (a name or a parenthesised expression). */
function atTarget(c: Cursor): boolean {
	const t = c.peek();
	return t.kind === "ident" || (t.kind === "punct" && t.text === "(");
}

/**
 * Reads one effect line, e.g. `label event.data.replyTo.authorId "pile_on_target" for 1d`,
 * `review in "spam" severity 0.8`, `limit in search, recommendations for 1h`.
 */
export function parseEffect(c: Cursor): EffectNode {
	const verbTok = c.next();
	const verb = verbTok.text as EffectVerb;
	const shape = SHAPE[verb];
	const node: EffectNode = { verb, verbSpan: verbTok.span, span: verbTok.span };
	let target: Expr | undefined;
	if (atTarget(c)) target = parsePostfix(c);
	if (target) node.target = target;
	if (shape.text) node.text = c.expectString(`${shape.text} after \`${verb}\``);
	if (shape.surfaces) {
		c.expectKw("in", ` after \`limit\` (e.g. \`limit in search, recommendations\`)`);
		const surfaces: Ident[] = [];
		do {
			const t = c.peek();
			if (t.kind !== "ident") c.fail("a surface (search, recommendations, replies, notifications, trends)");
			c.next();
			surfaces.push({ name: t.text, span: t.span });
		} while (c.eatPunct(","));
		node.surfaces = surfaces;
	}
	if (shape.queue) {
		c.expectKw("in", ` after \`review\` (e.g. \`review in "spam"\`)`);
		node.text = c.expectString('the review queue, as a string (e.g. "spam")');
	}
	for (;;) {
		const t = c.peek();
		if (t.kind !== "keyword" || !["for", "reason", "severity"].includes(t.text)) break;
		if (!shape.mods.includes(t.text))
			c.fail(
				`the next effect or clause`,
				`\`${t.text}\` does not apply to \`${verb}\`${shape.mods.length ? `; it takes ${shape.mods.map((m) => `\`${m}\``).join(", ")}` : ""}`,
			);
		c.next();
		if (t.text === "for") {
			if (node.ttl) c.fail("one `for` per effect");
			const d = c.peek();
			if (d.kind !== "duration") c.fail("a duration after `for` (e.g. 7d)");
			c.next();
			node.ttl = { ms: d.value as number, text: d.text, span: d.span };
		} else if (t.text === "reason") {
			if (node.reason) c.fail("one `reason` per effect");
			node.reason = c.expectString("the reason, as a string");
		} else {
			if (node.severity) c.fail("one `severity` per effect");
			node.severity = parseExpr(c);
		}
	}
	node.span = join(verbTok.span, c.last().span);
	return node;
}
