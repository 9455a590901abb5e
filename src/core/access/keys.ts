import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** An API key as stored: never the key itself, only its SHA-256. */
export interface ApiKey {
	id: string;
	name: string;
	/** The first characters of the key, to tell keys apart in listings. */
	prefix: string;
	hash: string;
	createdAt: number;
	revokedAt: number | null;
}

export interface ApiKeyStore {
	findByHash(hash: string): Promise<ApiKey | undefined>;
	insert(key: ApiKey): Promise<void>;
	list(): Promise<ApiKey[]>;
	revoke(id: string, at: number): Promise<boolean>;
}

/** A new random key: `bwk_` and 32 random bytes in base64url (256 bits). */
export function generateKey(): string {
	return `bwk_${randomBytes(32).toString("base64url")}`;
}

/**
 * Keys are random and long, so one SHA-256 is enough (no slow hash needed: there is nothing
 * to brute-force); passwords, when the console has them, use scrypt.
 */
export function hashKey(key: string): string {
	return createHash("sha256").update(key).digest("hex");
}

export function keyPrefix(key: string): string {
	return key.slice(0, 10);
}

export function sameHash(a: string, b: string): boolean {
	const x = Buffer.from(a, "hex");
	const y = Buffer.from(b, "hex");
	return x.length === y.length && timingSafeEqual(x, y);
}
