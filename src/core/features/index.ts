export * from "./catalog.ts";
export * from "./ports.ts";
export * from "./spec.ts";
