export * from "./text.ts";
export * from "./types.ts";
export * from "./velocity.ts";
