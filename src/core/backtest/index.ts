export * from "./report.ts";
export * from "./score.ts";
export * from "./tally.ts";
export * from "./truth.ts";
