export * from "./harness.ts";
export * from "./lists.ts";
export * from "./spec.ts";
