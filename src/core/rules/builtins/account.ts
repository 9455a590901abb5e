import { entityOf } from "./entities.ts";

export const account = entityOf("account", "account(event.data.subject.id)");
