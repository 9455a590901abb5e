import type { DiagnosticCode } from "../codes.ts";
import type { CallSite, Runtime } from "../runtime.ts";
import type { Param, Type } from "../types.ts";
import type { Value } from "../values.ts";

/** What a builtin reads besides its arguments; decides when it can run (see evaluate.ts). */
export type Reads = "args" | "lists" | "state" | "signals";

/** What the checker knows when it validates literal arguments. */
export interface ValidateEnv {
	signals: readonly string[];
}

/**
 * A builtin function of the rules language. One file each under builtins/; `cost` orders
 * conditions (cheap first: an `event.type` test before a regex or a similarity).
 * @example
 * export const lower: Builtin = {
 *   name: "lower", signature: { params: [P.text("text")], returns: T.string }, cost: 2,
 *   summary: "lower-cases a text", example: 'lower(event.data.text) == "hi"',
 *   impl: ([s]) => String(s).toLowerCase(),
 * };
 */
export interface Builtin {
	name: string;
	signature: { params: readonly Param[]; returns: Type | ((args: readonly Type[]) => Type) };
	cost: number;
	reads?: Reads;
	summary: string;
	example: string;
	/** Checks literal arguments once, at check time; a problem is reported as a diagnostic. */
	validate?(
		literals: readonly (Value | undefined)[],
		env: ValidateEnv,
	): { code: DiagnosticCode; message: string; hint?: string } | undefined;
	/** Turns literal arguments into what every call reuses (a compiled regex, a parsed CIDR). */
	prepare?(literals: readonly (Value | undefined)[]): unknown;
	/** Arguments arrive evaluated and never errored or pending. */
	impl(args: readonly Value[], rt: Runtime, site: CallSite): Value;
}

/**
 * The builtins by name. Registering two with one name is a programming error and throws.
 * @example new BuiltinRegistry([lower, contains]).get("lower")
 */
export class BuiltinRegistry {
	private readonly byName = new Map<string, Builtin>();

	constructor(builtins: readonly Builtin[]) {
		for (const b of builtins) {
			if (this.byName.has(b.name)) throw new Error(`builtin "${b.name}" is registered twice`);
			this.byName.set(b.name, b);
		}
	}

	get(name: string): Builtin | undefined {
		return this.byName.get(name);
	}

	names(): string[] {
		return [...this.byName.keys()];
	}

	all(): Builtin[] {
		return [...this.byName.values()];
	}
}
