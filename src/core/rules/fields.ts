import type { EventType } from "../events/types.ts";
import { EVENT_TYPES } from "../events/types.ts";
import { T, type Type } from "./types.ts";

/**
 * The event fields rules can read, typed per event type (the contract in events/types.ts;
 * fields.test.ts checks this table against the JSON Schema so the two cannot drift).
 * An absent optional field reads as its type's zero value (`""`, `0`, `false`, `[]`, an
 * absent entity); `has(event.data.replyTo)` tells whether it was sent.
 */
export type Field =
	| { type: Type; optional?: boolean; keys?: boolean }
	| { object: Record<string, Field>; optional?: boolean };

const req = (type: Type): Field => ({ type });
const opt = (type: Type): Field => ({ type, optional: true });
const account = T.entity("account");
const post = T.entity("post");
const postRef = (optional: boolean): Field => ({ object: { postId: req(post), authorId: req(account) }, optional });

export const ENVELOPE: Record<string, Field> = {
	id: req(T.string),
	type: req(T.string),
	ts: req(T.number),
	actor: req(account),
	context: {
		optional: true,
		object: {
			ip: opt(T.entity("ip")),
			deviceId: opt(T.entity("device")),
			userAgent: opt(T.string),
			country: opt(T.string),
		},
	},
};

export const DATA: Record<EventType, Record<string, Field>> = {
	"account.created": {
		handle: req(T.string),
		displayName: opt(T.string),
		bio: opt(T.string),
		email: opt(T.string),
		phone: opt(T.string),
		profileImageHash: opt(T.string),
	},
	/** `changes` reads as the names of the changed fields. */
	"account.updated": { changes: { type: T.list(T.string), keys: true } },
	"session.login": { success: req(T.bool) },
	"post.created": {
		postId: req(post),
		text: req(T.string),
		lang: opt(T.string),
		replyTo: postRef(true),
		quoteOf: postRef(true),
		mentions: opt(T.list(account)),
		urls: opt(T.list(T.string)),
		hashtags: opt(T.list(T.string)),
		mediaHashes: opt(T.list(T.string)),
	},
	"post.deleted": { postId: req(post) },
	"post.liked": { postId: req(post), authorId: req(account) },
	"post.reposted": { postId: req(post), authorId: req(account) },
	"post.viewed": { postId: req(post), count: req(T.number) },
	"account.followed": { targetId: req(account) },
	"account.unfollowed": { targetId: req(account) },
	"report.filed": {
		subject: { object: { kind: req(T.string), id: req(T.string) } },
		reason: req(T.string),
		text: opt(T.string),
	},
};

export function isEventType(s: string): s is EventType {
	return (EVENT_TYPES as readonly string[]).includes(s);
}

/** The zero value an absent field of this type reads as. */
export function zeroOf(x: Type): boolean | number | string | readonly never[] {
	switch (x.t) {
		case "bool":
			return false;
		case "number":
		case "duration":
			return 0;
		case "list":
			return [];
		default:
			return "";
	}
}
