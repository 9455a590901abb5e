import { CONTRACT_VERSION, EVENT_TYPES, type EventType } from "./types.ts";

/** Limits that keep one event small; documented in the README's event contract. */
export const LIMITS = {
	idLength: 128,
	textLength: 10_000,
	shortText: 512,
	listItems: 100,
	maxTs: 4_102_444_800_000, // 2100-01-01
} as const;

const id = { type: "string", minLength: 1, maxLength: LIMITS.idLength } as const;
const shortText = { type: "string", maxLength: LIMITS.shortText } as const;
const list = (items: object) => ({ type: "array", maxItems: LIMITS.listItems, items }) as const;
const postRef = {
	type: "object",
	required: ["postId", "authorId"],
	additionalProperties: false,
	properties: { postId: id, authorId: id },
} as const;

/** JSON Schema (draft 2020-12 subset) of each event type's `data`. */
export const DATA_SCHEMAS: Record<EventType, object> = {
	"account.created": {
		type: "object",
		required: ["handle"],
		additionalProperties: false,
		properties: {
			handle: { type: "string", minLength: 1, maxLength: 64 },
			displayName: shortText,
			bio: { type: "string", maxLength: 2_000 },
			email: shortText,
			phone: { type: "string", maxLength: 32 },
			profileImageHash: shortText,
		},
	},
	"account.updated": {
		type: "object",
		required: ["changes"],
		additionalProperties: false,
		properties: { changes: { type: "object", maxProperties: 32 } },
	},
	"session.login": {
		type: "object",
		required: ["success"],
		additionalProperties: false,
		properties: { success: { type: "boolean" } },
	},
	"post.created": {
		type: "object",
		required: ["postId", "text"],
		additionalProperties: false,
		properties: {
			postId: id,
			text: { type: "string", maxLength: LIMITS.textLength },
			lang: { type: "string", maxLength: 16 },
			replyTo: postRef,
			quoteOf: postRef,
			mentions: list(id),
			urls: list({ type: "string", maxLength: 2_048 }),
			hashtags: list({ type: "string", maxLength: 140 }),
			mediaHashes: list(shortText),
		},
	},
	"post.deleted": {
		type: "object",
		required: ["postId"],
		additionalProperties: false,
		properties: { postId: id },
	},
	"post.liked": postRef,
	"post.reposted": postRef,
	"post.viewed": {
		type: "object",
		required: ["postId", "count"],
		additionalProperties: false,
		properties: { postId: id, count: { type: "integer", minimum: 1, maximum: 1_000_000_000 } },
	},
	"account.followed": {
		type: "object",
		required: ["targetId"],
		additionalProperties: false,
		properties: { targetId: id },
	},
	"account.unfollowed": {
		type: "object",
		required: ["targetId"],
		additionalProperties: false,
		properties: { targetId: id },
	},
	"report.filed": {
		type: "object",
		required: ["subject", "reason"],
		additionalProperties: false,
		properties: {
			subject: {
				type: "object",
				required: ["kind", "id"],
				additionalProperties: false,
				properties: { kind: { enum: ["account", "post"] }, id },
			},
			reason: { type: "string", minLength: 1, maxLength: 64 },
			text: { type: "string", maxLength: LIMITS.textLength },
		},
	},
};

/** The envelope, checked before `data` so that an unknown type gets one clear problem. */
export const ENVELOPE_SCHEMA = {
	type: "object",
	required: ["id", "type", "ts", "actor", "data"],
	additionalProperties: false,
	properties: {
		id,
		type: { type: "string", maxLength: 64 },
		ts: { type: "integer", minimum: 0, maximum: LIMITS.maxTs },
		actor: id,
		data: { type: "object" },
		v: { const: CONTRACT_VERSION },
		context: {
			type: "object",
			additionalProperties: false,
			properties: {
				ip: { type: "string", maxLength: 64 },
				deviceId: id,
				userAgent: { type: "string", maxLength: 1_024 },
				country: { type: "string", minLength: 2, maxLength: 2 },
			},
		},
	},
} as const;

/** One JSON Schema for the whole contract: the envelope with `data` chosen by `type`. */
export function eventJsonSchema(): object {
	const { data: _data, type: _type, ...rest } = ENVELOPE_SCHEMA.properties;
	return {
		$schema: "https://json-schema.org/draft/2020-12/schema",
		$id: `https://bulwark.dev/schemas/event/v${CONTRACT_VERSION}.json`,
		title: `Bulwark event (contract v${CONTRACT_VERSION})`,
		oneOf: EVENT_TYPES.map((t) => ({
			type: "object",
			title: t,
			required: ENVELOPE_SCHEMA.required,
			additionalProperties: false,
			properties: { ...rest, type: { const: t }, data: DATA_SCHEMAS[t] },
		})),
	};
}
