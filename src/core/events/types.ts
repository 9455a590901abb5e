/** Version of the event contract this build accepts (the envelope's optional `v`). */
export const CONTRACT_VERSION = 1;

export const EVENT_TYPES = [
	"account.created",
	"account.updated",
	"session.login",
	"post.created",
	"post.deleted",
	"post.liked",
	"post.reposted",
	"post.viewed",
	"account.followed",
	"account.unfollowed",
	"report.filed",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface EventContext {
	ip?: string;
	deviceId?: string;
	userAgent?: string;
	country?: string;
}

export interface PostRef {
	postId: string;
	authorId: string;
}

export interface EventDataByType {
	"account.created": {
		handle: string;
		displayName?: string;
		bio?: string;
		email?: string;
		phone?: string;
		profileImageHash?: string;
	};
	"account.updated": { changes: Record<string, unknown> };
	"session.login": { success: boolean };
	"post.created": {
		postId: string;
		text: string;
		lang?: string;
		replyTo?: PostRef;
		quoteOf?: PostRef;
		mentions?: string[];
		urls?: string[];
		hashtags?: string[];
		mediaHashes?: string[];
	};
	"post.deleted": { postId: string };
	"post.liked": PostRef;
	"post.reposted": PostRef;
	"post.viewed": { postId: string; count: number };
	"account.followed": { targetId: string };
	"account.unfollowed": { targetId: string };
	"report.filed": { subject: { kind: "account" | "post"; id: string }; reason: string; text?: string };
}

/** One event from the platform: the envelope every type shares, with its typed `data`. */
export type BulwarkEvent<T extends EventType = EventType> = {
	[K in T]: {
		id: string;
		type: K;
		/** Milliseconds since the epoch, when the platform saw the action. */
		ts: number;
		/** The account that acted. */
		actor: string;
		data: EventDataByType[K];
		context?: EventContext;
		v?: number;
	};
}[T];
