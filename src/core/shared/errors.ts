/** A problem with one place in an input, located by a JSON pointer (RFC 6901). */
export interface Problem {
	pointer: string;
	message: string;
	code?: string;
}

/** Base of the few error kinds the API maps to HTTP in one presenter. */
export abstract class BulwarkError extends Error {
	abstract readonly kind: "validation" | "not_found" | "conflict" | "unauthorized" | "too_large" | "rate_limited";
}

/** Input that breaks the contract; `problems` lists every problem found, not only the first. */
export class ValidationError extends BulwarkError {
	readonly kind = "validation" as const;
	constructor(
		message: string,
		readonly problems: Problem[] = [],
		readonly deadLetterId?: string,
	) {
		super(message);
		this.name = "ValidationError";
	}
}

export class NotFoundError extends BulwarkError {
	readonly kind = "not_found" as const;
	constructor(
		message: string,
		readonly pointer?: string,
	) {
		super(message);
		this.name = "NotFoundError";
	}
}

export class ConflictError extends BulwarkError {
	readonly kind = "conflict" as const;
	constructor(message: string) {
		super(message);
		this.name = "ConflictError";
	}
}

export class UnauthorizedError extends BulwarkError {
	readonly kind = "unauthorized" as const;
	constructor(message = "a valid API key is required (Authorization: Bearer <key>)") {
		super(message);
		this.name = "UnauthorizedError";
	}
}

export class PayloadTooLargeError extends BulwarkError {
	readonly kind = "too_large" as const;
	constructor(
		message: string,
		readonly limitBytes: number,
		readonly deadLetterId?: string,
	) {
		super(message);
		this.name = "PayloadTooLargeError";
	}
}

export class RateLimitedError extends BulwarkError {
	readonly kind = "rate_limited" as const;
	constructor(
		message: string,
		readonly retryAfterSeconds: number,
	) {
		super(message);
		this.name = "RateLimitedError";
	}
}
