export * from "./decision.ts";
export * from "./effects.ts";
export * from "./policy.ts";
export * from "./verdict.ts";
