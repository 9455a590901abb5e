import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from "fastify";
import { type ApiKeyStore, hashKey } from "../core/access/index.ts";
import { UnauthorizedError } from "../core/shared/index.ts";

declare module "fastify" {
	interface FastifyRequest {
		/** The name of the API key that authenticated the request (`env` for BULWARK_API_KEYS). */
		apiKeyName: string;
	}
}

export interface KeyCacheOptions {
	/** How long a known key is trusted without asking storage (so a revocation takes up to this long). */
	positiveTtlMs?: number;
	/** How long an unknown key is refused without asking storage again. */
	negativeTtlMs?: number;
	/** Most entries in each cache; the oldest is dropped first. */
	maxEntries?: number;
	now?: () => number;
}

interface Entry {
	name: string | null;
	until: number;
}

/**
 * Resolves key hashes to key names: keys from the environment first, then storage, with the
 * answers cached (known keys 60 s, unknown ones 5 s) so random keys cannot hammer storage.
 * Known and unknown keys are kept in separate bounded maps: a flood of bad keys cannot evict
 * the good ones.
 */
export class KeyResolver {
	private readonly good = new Map<string, Entry>();
	private readonly bad = new Map<string, Entry>();
	private readonly pending = new Map<string, Promise<string | null>>();
	private readonly positiveTtlMs: number;
	private readonly negativeTtlMs: number;
	private readonly maxEntries: number;
	private readonly now: () => number;

	constructor(
		private readonly keys: ApiKeyStore,
		private readonly envKeyHashes: ReadonlySet<string>,
		opts: KeyCacheOptions = {},
	) {
		this.positiveTtlMs = opts.positiveTtlMs ?? 60_000;
		this.negativeTtlMs = opts.negativeTtlMs ?? 5_000;
		this.maxEntries = opts.maxEntries ?? 10_000;
		this.now = opts.now ?? Date.now;
	}

	/** The key's name, null for an unknown or revoked key, undefined when storage must be asked. */
	cached(hash: string): string | null | undefined {
		if (this.envKeyHashes.has(hash)) return "env";
		const e = this.good.get(hash) ?? this.bad.get(hash);
		if (e === undefined) return undefined;
		if (e.until > this.now()) return e.name;
		this.good.delete(hash);
		this.bad.delete(hash);
		return undefined;
	}

	/** Asks storage (once for concurrent requests with the same key) and caches the answer. */
	resolve(hash: string): Promise<string | null> {
		const hit = this.cached(hash);
		if (hit !== undefined) return Promise.resolve(hit);
		let p = this.pending.get(hash);
		if (p) return p;
		p = this.keys
			.findByHash(hash)
			.then((k) => {
				const name = k && k.revokedAt === null ? k.name : null;
				const map = name === null ? this.bad : this.good;
				if (map.size >= this.maxEntries) {
					const oldest = map.keys().next();
					if (!oldest.done) map.delete(oldest.value);
				}
				map.set(hash, { name, until: this.now() + (name === null ? this.negativeTtlMs : this.positiveTtlMs) });
				return name;
			})
			.finally(() => this.pending.delete(hash));
		this.pending.set(hash, p);
		return p;
	}
}

const MAX_KEY_LENGTH = 512;
/** Distinct Authorization headers whose key hash is remembered. */
const MAX_MEMO_KEYS = 1_024;

/** The key in `Authorization: Bearer <key>`, or an error saying what is wrong with the header. */
export function bearerKey(header: string | undefined): string | UnauthorizedError {
	if (header === undefined || header === "") return new UnauthorizedError();
	const space = header.indexOf(" ");
	const key = space < 0 ? "" : header.slice(space + 1).trim();
	if (space < 0 || header.slice(0, space).toLowerCase() !== "bearer" || key === "" || /\s/.test(key)) {
		return new UnauthorizedError("the Authorization header must be `Bearer <key>`");
	}
	if (key.length > MAX_KEY_LENGTH) return new UnauthorizedError("the API key is not valid or was revoked");
	return key;
}

/**
 * The onRequest hook of every /v1 route: runs before the body is read, so unauthenticated
 * requests never reach a parser (or storage). Synchronous on a cache hit.
 */
export function authHook(resolver: KeyResolver) {
	// Hashes of the last keys seen, by header: a client sends the same key on every request, and
	// hashing it each time cost more than the rest of authentication. Bounded; never logged.
	const hashes = new Map<string, string>();
	return (req: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void => {
		const header = req.headers.authorization;
		let hash = header === undefined ? undefined : hashes.get(header);
		if (hash === undefined) {
			const key = bearerKey(header);
			if (typeof key !== "string") {
				done(key);
				return;
			}
			hash = hashKey(key);
			if (hashes.size >= MAX_MEMO_KEYS) hashes.clear();
			hashes.set(header as string, hash);
		}
		const hit = resolver.cached(hash);
		if (hit !== undefined) accept(req, hit, done);
		else resolver.resolve(hash).then((name) => accept(req, name, done), done);
	};
}

function accept(req: FastifyRequest, name: string | null, done: HookHandlerDoneFunction): void {
	if (name === null) {
		done(new UnauthorizedError("the API key is not valid or was revoked"));
		return;
	}
	req.apiKeyName = name;
	done();
}
