import type { Span } from "./source.ts";

/**
 * The syntax tree of a rules file. Every node carries the span it was read from, so every
 * later stage can point at the source. Nodes are plain, immutable data, tagged by `kind`.
 */
export type Expr =
	| { kind: "num"; value: number; span: Span }
	| { kind: "dur"; ms: number; text: string; span: Span }
	| { kind: "str"; value: string; span: Span }
	| { kind: "bool"; value: boolean; span: Span }
	| { kind: "name"; name: string; span: Span }
	| { kind: "member"; object: Expr; name: string; nameSpan: Span; span: Span }
	| { kind: "index"; object: Expr; index: Expr; span: Span }
	| { kind: "call"; callee: string; calleeSpan: Span; args: Expr[]; span: Span }
	| { kind: "unary"; op: "not" | "-"; operand: Expr; span: Span }
	| { kind: "binary"; op: BinaryOp; left: Expr; right: Expr; span: Span }
	| { kind: "list"; items: Expr[]; span: Span }
	/** Where the parser could not read an expression; checked as an error type, never compiled. */
	| { kind: "bad"; span: Span };

export type BinaryOp = "and" | "or" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not in" | "+" | "-" | "*" | "/";

export interface Ident {
	name: string;
	span: Span;
}

export interface StrLit {
	value: string;
	span: Span;
}

export interface DurLit {
	ms: number;
	text: string;
	span: Span;
}

export type AggKindName = "count" | "sum" | "distinct";

/** `feature NAME = count TYPES [where E] by E over D [buckets N]` (or `sum E of ...`, `distinct E of ...`). */
export interface FeatureDecl {
	kind: "feature";
	name: Ident;
	agg: { kind: AggKindName; span: Span };
	value?: Expr;
	on: Ident[];
	where?: Expr;
	by: Expr;
	over: DurLit;
	buckets?: { value: number; span: Span };
	doc?: string;
	span: Span;
}

/** `list NAME: KIND [= ["entry", ...]]`: entries in the file, or else from the list store. */
export interface ListDecl {
	kind: "list";
	name: Ident;
	listKind: Ident;
	entries?: StrLit[];
	doc?: string;
	span: Span;
}

/** `let NAME = EXPR`: a named value, computed at most once per event. */
export interface LetDecl {
	kind: "let";
	name: Ident;
	value: Expr;
	doc?: string;
	span: Span;
}

/** The verbs that may follow `then` (each also a keyword). */
export const EFFECT_VERBS = [
	"label",
	"unlabel",
	"limit",
	"nudge",
	"challenge",
	"block",
	"suspend",
	"unsuspend",
	"review",
] as const;

export type EffectVerb = (typeof EFFECT_VERBS)[number];

/** One line of a rule's `then`; which fields are set depends on the verb. */
export interface EffectNode {
	verb: EffectVerb;
	verbSpan: Span;
	/** The entity acted on; the event's actor when absent. */
	target?: Expr;
	/** label, unlabel: the label; nudge: the message; challenge: the kind; review: the queue. */
	text?: StrLit;
	surfaces?: Ident[];
	severity?: Expr;
	ttl?: DurLit;
	reason?: StrLit;
	span: Span;
}

export interface RuleDecl {
	kind: "rule";
	name: Ident;
	on?: Ident[];
	when: Expr[];
	effects: EffectNode[];
	shadow?: Span;
	rollout?: { percent: number; by?: Expr; span: Span };
	reason?: StrLit;
	doc?: string;
	/** A syntax error was skipped inside it: checks that would only repeat that error are left out. */
	recovered?: boolean;
	span: Span;
}

export type Decl = FeatureDecl | ListDecl | LetDecl | RuleDecl;

/** One parsed file: its declarations in order. */
export interface ParsedFile {
	path: string;
	text: string;
	decls: Decl[];
}
