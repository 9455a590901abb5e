import { RULE_DEPLOY_KINDS } from "../core/rules/index.ts";
import { errors, json, ref } from "./openapi-parts.ts";
import { DEPLOY_SCHEMA, ROLLBACK_SCHEMA } from "./routes/rules.ts";

/** The /v1/rules part of the OpenAPI document (paths and component schemas). */
const ms = { type: "integer", description: "milliseconds since the epoch" } as const;
const str = { type: "string" } as const;
const int = { type: "integer" } as const;
const nullable = (schema: object) => ({ anyOf: [schema, { type: "null" }] });
const obj = (properties: Record<string, object>, required = Object.keys(properties)) => ({
	type: "object",
	required,
	properties,
});
const deployed = (what: string) =>
	json(
		ref("RulesDeployResult"),
		`${what}; \`changed: false\` when that content was running already (nothing recorded)`,
	);

export function rulePaths(): Record<string, object> {
	return {
		"/v1/rules": {
			get: {
				summary: "The running rules version: where it came from, its rules (shadow, rollout) with their counts",
				responses: { "200": json(ref("RulesStatus")), ...errors("401") },
			},
			put: {
				summary: "Deploy a new version: checked, compiled, recorded with author and message, swapped in between events",
				description:
					"A version that does not compile is refused (400) with every diagnostic (`problems[].message` is " +
					"`file:line:col error CODE: message`, the pointer names the file) and the running version stays. " +
					"Body limit 2 MiB. Audited as `apikey:<name>` (`rules.deploy`).",
				requestBody: { required: true, content: { "application/json": { schema: DEPLOY_SCHEMA } } },
				responses: { "200": deployed("the version deployed"), ...errors("400", "401", "409", "413", "415") },
			},
		},
		"/v1/rules/rollback": {
			post: {
				summary: "Make an earlier version active again (recorded in the history as a rollback)",
				requestBody: { required: true, content: { "application/json": { schema: ROLLBACK_SCHEMA } } },
				responses: { "200": deployed("the version rolled back to"), ...errors("400", "401", "404", "409") },
			},
		},
		"/v1/rules/versions": {
			get: {
				summary: "The deploy history, newest first",
				parameters: [
					{
						name: "limit",
						in: "query",
						required: false,
						description: "rows per page (1-1000, default 100)",
						schema: { type: "integer", minimum: 1, maximum: 1000 },
					},
					{
						name: "before",
						in: "query",
						required: false,
						description: "the `next` of the previous page",
						schema: { type: "integer" },
					},
				],
				responses: {
					"200": json(
						obj({
							active: nullable(str),
							versions: { type: "array", items: ref("RuleDeploy") },
							next: nullable(str),
						}),
					),
					...errors("400", "401"),
				},
			},
		},
		"/v1/rules/versions/{version}": {
			get: {
				summary: "One version's files and its deploys",
				parameters: [
					{ name: "version", in: "path", required: true, description: "12 hex digits", schema: { type: "string" } },
				],
				responses: { "200": json(ref("RuleVersion")), ...errors("401", "404") },
			},
		},
	};
}

export function ruleSchemas(): Record<string, object> {
	const deploy = {
		seq: { ...int, description: "1, 2, 3, ...: the order of deploys" },
		version: str,
		kind: { enum: RULE_DEPLOY_KINDS },
		author: str,
		message: str,
		at: ms,
	};
	return {
		RuleDeploy: obj({ ...deploy, active: { type: "boolean", description: "the version running now" } }, [
			...Object.keys(deploy),
			"active",
		]),
		RuleVersion: obj({
			version: str,
			files: { type: "array", items: obj({ path: str, text: str }) },
			createdAt: ms,
			deploys: { type: "array", items: obj(deploy) },
		}),
		RulesStatus: obj({
			version: nullable(str),
			source: { enum: ["deploy", "folder", "none"] },
			deploy: nullable(obj(deploy)),
			dir: nullable(str),
			files: { type: "array", items: str },
			rules: {
				type: "array",
				items: obj(
					{
						name: str,
						at: str,
						on: nullable({ type: "array", items: str }),
						shadow: { type: "boolean" },
						rolloutPercent: nullable({ type: "number" }),
						description: str,
						counts: obj({ fired: int, shadow: int, heldBack: int, errored: int }),
						cost: obj(
							{
								evaluations: int,
								seconds: { type: "number", description: "estimated from one event in 64, timed rule by rule" },
								meanMicros: nullable({ type: "number" }),
							},
							["evaluations", "seconds", "meanMicros"],
						),
					},
					["name", "at", "on", "shadow", "rolloutPercent", "counts", "cost"],
				),
			},
			features: { type: "array", items: str },
			lists: { type: "array", items: obj({ name: str, kind: str, inline: { type: "boolean" } }) },
		}),
		RulesDeployResult: obj({
			changed: { type: "boolean" },
			version: str,
			previous: nullable(str),
			deploy: nullable(obj(deploy)),
			rules: int,
			warnings: { type: "array", items: str },
			compileMs: { type: "number" },
		}),
	};
}
