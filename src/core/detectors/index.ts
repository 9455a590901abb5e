export * from "./behaviour.ts";
export * from "./bot.ts";
export * from "./text.ts";
export * from "./types.ts";
export * from "./unwanted.ts";
export * from "./velocity.ts";
