export * from "./bloom.ts";
export * from "./clock.ts";
export * from "./duration.ts";
export * from "./entity.ts";
export * from "./errors.ts";
export * from "./ids.ts";
export * from "./rng.ts";
