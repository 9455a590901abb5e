export * from "./schema.ts";
export * from "./types.ts";
export * from "./validate.ts";
