import { entityOf } from "./entities.ts";

export const post = entityOf("post", "post(event.data.subject.id)");
