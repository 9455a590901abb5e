export * from "./config.ts";
export * from "./score.ts";
export * from "./stream.ts";
export type { TextGen } from "./text.ts";
export { builtinText } from "./text.ts";
export * from "./truth.ts";
