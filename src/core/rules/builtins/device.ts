import { entityOf } from "./entities.ts";

export const device = entityOf("device", 'device("d-123")');
