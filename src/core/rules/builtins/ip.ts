import { entityOf } from "./entities.ts";

export const ip = entityOf("ip", 'ip("203.0.113.7")');
