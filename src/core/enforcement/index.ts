export * from "./enforce.ts";
export * from "./records.ts";
export * from "./state.ts";
