export * from "./types.ts";
export * from "./velocity.ts";
