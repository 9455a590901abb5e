import { isWordChar, parseRegex, RegexSyntaxError, type RNode, requiredLiteral } from "./regex-parse.ts";
import { TEXT_LIMIT } from "./words.ts";

/** Largest compiled program (states); a pattern that expands past it is refused. */
export const MAX_PROGRAM = 4_000;
/** Work allowed per match (thread steps); past it the match is `over budget`. */
export const STEP_BUDGET = 2_000_000;

const CHAR = 0;
const SPLIT = 1;
const JMP = 2;
const ASSERT = 3;
const MATCH = 4;

/** A compiled pattern: match() runs in time linear in the text (times the program size). */
export interface Regex {
	readonly source: string;
	/** true or false, or "budget" when the step budget ran out first. */
	match(text: string): boolean | "budget";
}

/**
 * Compiles a pattern for the linear-time matcher (a Thompson NFA simulated one character at a
 * time, as RE2 and Go's regexp do): no input can make it backtrack. Throws RegexSyntaxError
 * with a message for a person when the pattern is invalid or uses what is not supported.
 * @example compileRegex("free\\s+(iphone|ps5)", "i").match("FREE  iPhone!!") // true
 */
export function compileRegex(pattern: string, flagText = ""): Regex {
	if (!/^[ims]*$/.test(flagText)) throw new RegexSyntaxError(`unsupported flags "${flagText}" (use i, m, s)`);
	const flags = { i: flagText.includes("i"), m: flagText.includes("m"), s: flagText.includes("s") };
	const tree = parseRegex(pattern, flags);
	const prog = new Program();
	prog.emit(tree);
	prog.add(MATCH, 0, 0);
	if (prog.op.length > MAX_PROGRAM)
		throw new RegexSyntaxError(`the pattern expands to ${prog.op.length} states (at most ${MAX_PROGRAM})`);
	const lit = requiredLiteral(tree);
	const anchored = !flags.m && startsAnchored(tree);
	const vm = new Vm(prog, flags.m);
	return {
		source: pattern,
		match(input: string): boolean | "budget" {
			const cut = input.length > TEXT_LIMIT;
			let text = cut ? input.slice(0, TEXT_LIMIT) : input;
			if (flags.i) text = text.toLowerCase();
			if (lit && !text.includes(lit)) return false;
			return vm.run(text, anchored, cut);
		},
	};
}

function startsAnchored(n: RNode): boolean {
	if (n.k === "assert") return n.what === "bol";
	if (n.k === "cat") return !!n.items[0] && startsAnchored(n.items[0]);
	return false;
}

class Program {
	readonly op: number[] = [];
	readonly x: number[] = [];
	readonly y: number[] = [];
	readonly test: ((c: number) => boolean)[] = [];
	readonly what: string[] = [];

	add(op: number, x: number, y: number): number {
		this.op.push(op);
		this.x.push(x);
		this.y.push(y);
		this.test.push(NO_TEST);
		this.what.push("");
		if (this.op.length > MAX_PROGRAM * 4) throw new RegexSyntaxError("the pattern is too large");
		return this.op.length - 1;
	}

	emit(n: RNode): void {
		switch (n.k) {
			case "char": {
				const pc = this.add(CHAR, 0, 0);
				this.test[pc] = n.test;
				return;
			}
			case "assert": {
				const pc = this.add(ASSERT, 0, 0);
				this.what[pc] = n.what;
				return;
			}
			case "cat":
				for (const item of n.items) this.emit(item);
				return;
			case "alt": {
				const jumps: number[] = [];
				n.items.forEach((item, k) => {
					if (k === n.items.length - 1) {
						this.emit(item);
						return;
					}
					const split = this.add(SPLIT, 0, 0);
					this.x[split] = split + 1;
					this.emit(item);
					jumps.push(this.add(JMP, 0, 0));
					this.y[split] = this.op.length;
				});
				for (const j of jumps) this.x[j] = this.op.length;
				return;
			}
			case "rep": {
				for (let k = 0; k < n.min; k++) this.emit(n.item);
				if (!Number.isFinite(n.max)) {
					const split = this.add(SPLIT, 0, 0);
					this.x[split] = split + 1;
					this.emit(n.item);
					this.add(JMP, split, 0);
					this.y[split] = this.op.length;
					return;
				}
				const splits: number[] = [];
				for (let k = n.min; k < n.max; k++) {
					const split = this.add(SPLIT, 0, 0);
					this.x[split] = split + 1;
					splits.push(split);
					this.emit(n.item);
				}
				for (const s of splits) this.y[s] = this.op.length;
			}
		}
	}
}

const NO_TEST = () => false;
const isLineEnd = (c: number) => c === 10 || c === 13 || c === 0x2028 || c === 0x2029;

/** The simulation: two thread lists, a generation mark per state, no recursion. */
class Vm {
	private readonly mark: Int32Array;
	private gen = 0;
	private cut = false;
	private cur: Int32Array;
	private nxt: Int32Array;
	private readonly stack: Int32Array;

	constructor(
		private readonly p: Program,
		private readonly multiline: boolean,
	) {
		const n = p.op.length;
		this.mark = new Int32Array(n);
		this.cur = new Int32Array(n);
		this.nxt = new Int32Array(n);
		this.stack = new Int32Array(n * 2 + 2);
	}

	/** `cut`: the text was cut at TEXT_LIMIT, so its end is not the end of the input (`$` does not hold there). */
	run(text: string, anchored: boolean, cut: boolean): boolean | "budget" {
		this.cut = cut;
		const n = text.length;
		let steps = 0;
		this.gen++;
		let curN = this.addThread(this.cur, 0, 0, text);
		if (curN < 0) return true;
		for (let pos = 0; pos < n; pos++) {
			const c = text.charCodeAt(pos);
			this.gen++;
			let nxtN = 0;
			for (let k = 0; k < curN; k++) {
				const pc = this.cur[k] as number;
				if (this.p.op[pc] === CHAR && (this.p.test[pc] as (c: number) => boolean)(c)) {
					const r = this.addThreadAt(this.nxt, nxtN, pc + 1, pos + 1, text);
					if (r < 0) return true;
					nxtN = r;
				}
			}
			if (!anchored) {
				const r = this.addThreadAt(this.nxt, nxtN, 0, pos + 1, text);
				if (r < 0) return true;
				nxtN = r;
			}
			steps += curN + 1;
			if (steps > STEP_BUDGET) return "budget";
			[this.cur, this.nxt] = [this.nxt, this.cur];
			curN = nxtN;
			if (anchored && curN === 0) return false;
		}
		return false;
	}

	private addThread(list: Int32Array, pc: number, pos: number, text: string): number {
		return this.addThreadAt(list, 0, pc, pos, text);
	}

	/** Adds pc's epsilon closure at `pos` to `list` from index `at`; -1 when MATCH is reached. */
	private addThreadAt(list: Int32Array, at: number, start: number, pos: number, text: string): number {
		const { op, x, y } = this.p;
		let sp = 0;
		let n = at;
		this.stack[sp++] = start;
		while (sp > 0) {
			const pc = this.stack[--sp] as number;
			if (this.mark[pc] === this.gen) continue;
			this.mark[pc] = this.gen;
			switch (op[pc]) {
				case MATCH:
					return -1;
				case JMP:
					this.stack[sp++] = x[pc] as number;
					break;
				case SPLIT:
					this.stack[sp++] = y[pc] as number;
					this.stack[sp++] = x[pc] as number;
					break;
				case ASSERT:
					if (this.holds(this.p.what[pc] as string, pos, text)) this.stack[sp++] = pc + 1;
					break;
				default:
					list[n++] = pc;
			}
		}
		return n;
	}

	private holds(what: string, pos: number, text: string): boolean {
		const n = text.length;
		switch (what) {
			case "bol":
				return pos === 0 || (this.multiline && isLineEnd(text.charCodeAt(pos - 1)));
			case "eol":
				return (pos === n && !this.cut) || (this.multiline && isLineEnd(text.charCodeAt(pos)));
			default: {
				const before = pos > 0 && isWordChar(text.charCodeAt(pos - 1));
				const after = pos < n && isWordChar(text.charCodeAt(pos));
				return what === "word" ? before !== after : before === after;
			}
		}
	}
}

export { RegexSyntaxError };
