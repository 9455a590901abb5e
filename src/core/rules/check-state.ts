import type { EventType } from "../events/types.ts";
import type { FeatureSpec } from "../features/spec.ts";
import type { EntityKind } from "../shared/entity.ts";
import type { Expr, FeatureDecl, LetDecl, ListDecl, ParsedFile, RuleDecl } from "./ast.ts";
import type { Builtin } from "./builtins/registry.ts";
import { Diagnostics } from "./diagnostics.ts";
import type { RulesEnv } from "./env.ts";
import type { Field } from "./fields.ts";
import type { Span } from "./source.ts";
import type { ListKind, Type } from "./types.ts";

/** What a name, field, index or call in an expression turned out to be. */
export type Ref =
	| { r: "field"; path: readonly string[]; field: Field & { type: Type } }
	| { r: "has"; path: readonly string[] }
	| { r: "let"; name: string }
	| { r: "list"; name: string; kind: ListKind }
	| { r: "feature"; name: string; entity: EntityKind }
	| { r: "builtin"; builtin: Builtin };

export interface NodeInfo {
	type: Type;
	ref?: Ref;
}

/**
 * Where an expression is checked: which event types it may read (null: any event, so only
 * the envelope), whether it may read more than the event (rules may; a feature's filter, key
 * and value may read the event and lists only, as the window store evaluates them), and for
 * unused lets, whether a field need only exist on some type.
 */
export interface Ctx {
	types: readonly EventType[] | null;
	mode: "rule" | "feature";
	lenient?: boolean;
	/** For messages: "rule `spam_burst`", "feature `posts_10m`". */
	where: string;
}

export function ctxKey(c: Ctx): string {
	return `${c.mode}|${c.lenient ? "l" : ""}|${c.types ? c.types.join(",") : "*"}`;
}

/** A declared name and where (features, lists and lets share one namespace). */
export type Named =
	| { kind: "feature"; decl: FeatureDecl }
	| { kind: "external"; spec: FeatureSpec }
	| { kind: "list"; decl: ListDecl }
	| { kind: "let"; decl: LetDecl };

/** Everything the checker builds up; what compile reads from a checked program. */
export class CheckState {
	readonly diags = new Diagnostics();
	readonly names = new Map<string, Named>();
	readonly rules = new Map<string, RuleDecl>();
	readonly info = new Map<Expr, NodeInfo>();
	readonly letTypes = new Map<string, Map<string, Type>>();
	readonly letFirst = new Map<string, { type: Type; where: string }>();
	readonly letStack: string[] = [];
	readonly usedLets = new Set<string>();
	readonly usedLists = new Set<string>();
	readonly featureEntity = new Map<string, EntityKind>();

	constructor(
		readonly env: RulesEnv,
		readonly files: readonly ParsedFile[],
	) {}

	set(e: Expr, type: Type, ref?: Ref): Type {
		this.info.set(e, ref ? { type, ref } : { type });
		return type;
	}

	where(span: Span): string {
		return `${span.file}:${span.line}`;
	}
}
