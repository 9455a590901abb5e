export * from "./entity-view.ts";
export * from "./ports.ts";
export * from "./processor.ts";
export * from "./replay.ts";
export * from "./rules.ts";
