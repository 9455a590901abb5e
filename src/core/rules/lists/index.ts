export * from "./domains.ts";
export * from "./ip.ts";
export * from "./ip-ranges.ts";
export * from "./keywords.ts";
export * from "./memory.ts";
export * from "./ports.ts";
export * from "./strings.ts";
