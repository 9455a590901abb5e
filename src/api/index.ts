export type { ApiDeps, ApiOptions } from "./deps.ts";
export { openApiDocument } from "./openapi.ts";
export { type ProblemBody, presentError } from "./problem.ts";
export { buildServer } from "./server.ts";
