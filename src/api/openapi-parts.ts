/** Pieces every part of the OpenAPI document builds with: schema refs, JSON bodies, error responses. */

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

export const json = (schema: object, description = "OK") => ({
	description,
	content: { "application/json": { schema } },
});

/** The problem+json responses by status: component name and description. */
export const ERROR_RESPONSES = {
	"400": ["BadRequest", "invalid input; `problems` lists every problem with its JSON pointer"],
	"401": ["Unauthorized", "no valid API key (Authorization: Bearer <key>)"],
	"404": ["NotFound", "no such record"],
	"409": ["Conflict", "the record is not in a state that allows this"],
	"413": ["TooLarge", "the body is over the limit (for events it is kept as a dead letter)"],
	"415": ["UnsupportedMediaType", "wrong Content-Type"],
	"429": ["TooManyRequests", "over the key's rate limit; see Retry-After"],
} as const;

/** The `responses` entries of the given error statuses. */
export const errors = (...codes: (keyof typeof ERROR_RESPONSES)[]) =>
	Object.fromEntries(codes.map((c) => [c, { $ref: `#/components/responses/${ERROR_RESPONSES[c][0]}` }]));
