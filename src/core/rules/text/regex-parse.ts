/**
 * The regular-expression subset rules may use, parsed into a tree for the linear-time matcher
 * in regex.ts: literals, `.`, classes `[a-z]` `[^...]`, `\d \w \s` (and negations), anchors
 * `^ $ \b \B`, groups `(...)` `(?:...)`, alternation, quantifiers `* + ? {n} {n,} {n,m}` (lazy
 * forms accepted; they match the same texts). No backreferences or lookaround: those are what
 * make backtracking engines blow up, and RE2 refuses them for the same reason.
 */
export type RNode =
	| { k: "char"; test: (c: number) => boolean; lit?: string }
	| { k: "assert"; what: "bol" | "eol" | "word" | "nonword" }
	| { k: "cat"; items: RNode[] }
	| { k: "alt"; items: RNode[] }
	| { k: "rep"; item: RNode; min: number; max: number };

export class RegexSyntaxError extends Error {}

/** Largest bounded repeat count (`a{1000}`); larger counts are refused. */
export const MAX_REPEAT = 1000;

const isDigit = (c: number) => c >= 48 && c <= 57;
export const isWordChar = (c: number) =>
	(c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const SPACES = new Set([9, 10, 11, 12, 13, 32, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff]);
const isSpace = (c: number) => SPACES.has(c) || (c >= 0x2000 && c <= 0x200a);
const isLineEnd = (c: number) => c === 10 || c === 13 || c === 0x2028 || c === 0x2029;

const CLASS_ESC: Record<string, (c: number) => boolean> = {
	d: isDigit,
	D: (c) => !isDigit(c),
	w: isWordChar,
	W: (c) => !isWordChar(c),
	s: isSpace,
	S: (c) => !isSpace(c),
};
const CHAR_ESC: Record<string, number> = { n: 10, t: 9, r: 13, f: 12, v: 11, "0": 0 };

function caseFold(test: (c: number) => boolean): (c: number) => boolean {
	return (c) => {
		if (test(c)) return true;
		const s = String.fromCharCode(c);
		const u = s.toUpperCase();
		const l = s.toLowerCase();
		return (u.length === 1 && test(u.charCodeAt(0))) || (l.length === 1 && test(l.charCodeAt(0)));
	};
}

/**
 * Parses `pattern` with `flags` (any of `i`, `m`, `s`). With `i` the matcher lower-cases the
 * text, so literals are lower-cased here and classes test both cases.
 */
export function parseRegex(pattern: string, flags: { i: boolean; s: boolean }): RNode {
	let i = 0;
	const peek = () => pattern[i];
	const fail = (msg: string, at = i): never => {
		throw new RegexSyntaxError(`${msg} at position ${at + 1}`);
	};

	const literal = (ch: string): RNode => {
		const c = flags.i ? ch.toLowerCase() : ch;
		if (c.length !== 1) {
			// An astral character (an emoji) is two UTF-16 units, matched in turn; a quantifier
			// after it repeats the whole character.
			const items: RNode[] = c.split("").map((x) => {
				const code = x.charCodeAt(0);
				return { k: "char", test: (y: number) => y === code, lit: x };
			});
			return { k: "cat", items };
		}
		const code = c.charCodeAt(0);
		return { k: "char", test: (x) => x === code, lit: c };
	};

	const readEscape = (inClass: boolean): { test: (c: number) => boolean; lit?: string } | RNode => {
		const at = i - 1;
		const e = pattern[i++];
		if (e === undefined) return fail("pattern ends with `\\`", at);
		if (e in CLASS_ESC) return { test: CLASS_ESC[e] as (c: number) => boolean };
		if (e in CHAR_ESC) {
			const code = CHAR_ESC[e] as number;
			return { test: (x) => x === code, lit: String.fromCharCode(code) };
		}
		if (!inClass && (e === "b" || e === "B")) return { k: "assert", what: e === "b" ? "word" : "nonword" };
		if (/[1-9]/.test(e) || e === "k") return fail("backreferences are not supported", at);
		if (e === "x" || e === "u") {
			const m = e === "x" ? /^[0-9a-fA-F]{2}/.exec(pattern.slice(i)) : /^[0-9a-fA-F]{4}/.exec(pattern.slice(i));
			if (!m) return fail(`invalid \\${e} escape`, at);
			i += m[0].length;
			const code = Number.parseInt(m[0], 16);
			return { test: (x) => x === code, lit: String.fromCharCode(code) };
		}
		if (e === "p" || e === "P") return fail("\\p{...} classes are not supported", at);
		if (/[a-zA-Z]/.test(e)) return fail(`unknown escape \\${e}`, at);
		return { test: (x) => x === e.charCodeAt(0), lit: e };
	};

	const classAtom = (): { test: (c: number) => boolean; code?: number } => {
		const ch = pattern[i];
		if (ch === "\\") {
			i++;
			const r = readEscape(true) as { test: (c: number) => boolean; lit?: string };
			return r.lit !== undefined ? { test: r.test, code: r.lit.charCodeAt(0) } : { test: r.test };
		}
		const cp = pattern.codePointAt(i) as number;
		if (cp > 0xffff) return fail("characters outside the Basic Multilingual Plane cannot be in a class");
		i++;
		return { test: (x) => x === cp, code: cp };
	};

	const charClass = (): RNode => {
		i++;
		const neg = peek() === "^";
		if (neg) i++;
		const parts: ((c: number) => boolean)[] = [];
		let first = true;
		while (peek() !== "]" || first) {
			if (i >= pattern.length) fail("unterminated character class");
			first = false;
			const a = classAtom();
			if (peek() === "-" && pattern[i + 1] !== "]" && i + 1 < pattern.length) {
				i++;
				const b = classAtom();
				if (a.code === undefined || b.code === undefined) fail("a range needs single characters at both ends");
				const lo = a.code as number;
				const hi = b.code as number;
				if (lo > hi) fail("range out of order");
				parts.push((x) => x >= lo && x <= hi);
			} else parts.push(a.test);
		}
		i++;
		const any = (x: number) => parts.some((p) => p(x));
		const test = flags.i ? caseFold(any) : any;
		return { k: "char", test: neg ? (x) => !test(x) : test };
	};

	const atom = (): RNode => {
		const ch = peek() as string;
		if (ch === "(") {
			i++;
			if (peek() === "?") {
				const next = pattern[i + 1];
				if (next === ":") i += 2;
				else if (next === "<" && /[A-Za-z]/.test(pattern[i + 2] ?? "")) {
					const close = pattern.indexOf(">", i);
					if (close < 0) fail("unterminated group name");
					i = close + 1;
				} else fail("lookaround and other (?...) groups are not supported");
			}
			const inner = alt();
			if (peek() !== ")") fail("missing `)`");
			i++;
			return inner;
		}
		if (ch === "[") return charClass();
		if (ch === ".") {
			i++;
			return { k: "char", test: flags.s ? () => true : (x) => !isLineEnd(x) };
		}
		if (ch === "^") {
			i++;
			return { k: "assert", what: "bol" };
		}
		if (ch === "$") {
			i++;
			return { k: "assert", what: "eol" };
		}
		if (ch === "\\") {
			i++;
			const r = readEscape(false);
			if ("k" in r) return r;
			if (r.lit !== undefined) return literal(r.lit);
			return { k: "char", test: flags.i ? caseFold(r.test) : r.test };
		}
		if (ch === ")") fail("unmatched `)`");
		if (ch === "*" || ch === "+" || ch === "?") fail(`nothing to repeat before \`${ch}\``);
		const cp = pattern.codePointAt(i) as number;
		const s = String.fromCodePoint(cp);
		i += s.length;
		return literal(s);
	};

	const quantified = (): RNode => {
		let node = atom();
		for (;;) {
			const ch = peek();
			let min: number;
			let max: number;
			if (ch === "*") [min, max] = [0, Number.POSITIVE_INFINITY];
			else if (ch === "+") [min, max] = [1, Number.POSITIVE_INFINITY];
			else if (ch === "?") [min, max] = [0, 1];
			else if (ch === "{") {
				const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
				if (!m) return node;
				min = Number(m[1]);
				max = m[2] === undefined ? min : m[3] === "" ? Number.POSITIVE_INFINITY : Number(m[3]);
				if (max < min) fail("repeat range out of order");
				if (min > MAX_REPEAT || (Number.isFinite(max) && max > MAX_REPEAT)) fail(`repeat counts above ${MAX_REPEAT}`);
				i += m[0].length - 1;
			} else return node;
			i++;
			if (peek() === "?") i++;
			if (node.k === "assert") fail("an anchor cannot be repeated");
			node = { k: "rep", item: node, min, max };
		}
	};

	const concat = (): RNode => {
		const items: RNode[] = [];
		while (i < pattern.length && peek() !== "|" && peek() !== ")") items.push(quantified());
		return items.length === 1 ? (items[0] as RNode) : { k: "cat", items };
	};

	function alt(): RNode {
		const items = [concat()];
		while (peek() === "|") {
			i++;
			items.push(concat());
		}
		return items.length === 1 ? (items[0] as RNode) : { k: "alt", items };
	}

	const root = alt();
	if (i < pattern.length) fail("unmatched `)`");
	return root;
}

/** The longest text every match must contain (for a fast `includes` test before matching). */
export function requiredLiteral(n: RNode): string {
	switch (n.k) {
		case "char":
			return n.lit ?? "";
		case "rep":
			return n.min >= 1 ? requiredLiteral(n.item) : "";
		case "cat": {
			let best = "";
			let run = "";
			for (const item of n.items) {
				if (item.k === "char" && item.lit !== undefined) {
					run += item.lit;
					continue;
				}
				if (run.length > best.length) best = run;
				run = "";
				const inner = requiredLiteral(item);
				if (inner.length > best.length) best = inner;
			}
			return run.length > best.length ? run : best;
		}
		default:
			return "";
	}
}
