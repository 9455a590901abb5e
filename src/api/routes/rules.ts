import type { FastifyInstance, FastifyRequest } from "fastify";
import type { SourceFile } from "../../core/rules/index.ts";
import { NotFoundError, ValidationError } from "../../core/shared/index.ts";
import { PAGE, pageOf, QueryReader } from "../query.ts";
import type { RouteContext } from "./context.ts";

/** Largest body of `PUT /v1/rules` (the default pack is about 12 KB as JSON). */
export const RULES_BODY_LIMIT = 2 * 1024 * 1024;

const message = {
	type: "string",
	minLength: 1,
	maxLength: 2_000,
	description: "why: kept in the history and the audit log",
};
const author = {
	type: "string",
	minLength: 1,
	maxLength: 200,
	description: "who wrote it (default: the API key's name)",
};
const version = { type: "string", pattern: "^[0-9a-f]{12}$", description: "a version: 12 hex digits" };

/** The body of `PUT /v1/rules`. */
export const DEPLOY_SCHEMA = {
	type: "object",
	additionalProperties: false,
	required: ["files", "message"],
	properties: {
		files: {
			type: "array",
			minItems: 1,
			maxItems: 500,
			description: "every .rules file of the pack, paths relative to its folder",
			items: {
				type: "object",
				additionalProperties: false,
				required: ["path", "text"],
				properties: {
					path: { type: "string", minLength: 1, maxLength: 255, examples: ["spam.rules", "sub/x.rules"] },
					text: { type: "string" },
				},
			},
		},
		message,
		author,
	},
} as const;

/** The body of `POST /v1/rules/rollback`. */
export const ROLLBACK_SCHEMA = {
	type: "object",
	additionalProperties: false,
	required: ["version", "message"],
	properties: { version, message, author },
} as const;

interface Common {
	message: string;
	author?: string;
}

/**
 * The rules the server runs, deployed without a restart: `GET /v1/rules` (the running version,
 * its rules with their counts), `PUT /v1/rules` (a new version: checked, compiled, recorded,
 * swapped in between two events; one that does not compile is refused with every diagnostic),
 * `POST /v1/rules/rollback`, and the history. Audited as `apikey:<name>`.
 */
export async function ruleRoutes(app: FastifyInstance, { deps }: RouteContext): Promise<void> {
	const admin = deps.rules;

	app.get("/rules", async () => admin.status());

	app.put("/rules", { bodyLimit: RULES_BODY_LIMIT, schema: { body: DEPLOY_SCHEMA } }, async (req) => {
		const body = req.body as Common & { files: SourceFile[] };
		return admin.deploy({ files: body.files, ...who(req, body) });
	});

	app.post("/rules/rollback", { schema: { body: ROLLBACK_SCHEMA } }, async (req) => {
		const body = req.body as Common & { version: string };
		return admin.rollback({ version: body.version, ...who(req, body) });
	});

	app.get("/rules/versions", async (req) => {
		const q = new QueryReader(req.query, ["limit", "before"]);
		const limit = q.int("limit", PAGE) as number;
		const before = q.int("before", { min: 1, max: Number.MAX_SAFE_INTEGER });
		q.done();
		const { rows, next } = await pageOf(
			limit,
			(n) => admin.history({ limit: n, ...(before === undefined ? {} : { before }) }),
			(d) => String(d.seq),
		);
		return { active: admin.status().version, versions: rows, next };
	});

	app.get("/rules/versions/:version", async (req) => {
		const { version } = req.params as { version: string };
		const found = /^[0-9a-f]{12}$/.test(version) ? await admin.version(version) : undefined;
		if (!found) throw new NotFoundError(`no rules version "${version}" in the history`, "/version");
		return found;
	});
}

/** The message (trimmed, required), the author (default the key's name) and the audit's `who`. */
function who(req: FastifyRequest, body: Common): { message: string; author: string; who: string } {
	const message = body.message.trim();
	if (!message)
		throw new ValidationError("say why in the message", [
			{ pointer: "/message", message: "must not be blank", code: "required" },
		]);
	return { message, author: body.author?.trim() || req.apiKeyName, who: `apikey:${req.apiKeyName}` };
}
