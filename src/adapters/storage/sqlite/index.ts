export { openSqliteStorage, type SqliteOptions } from "./open.ts";
export { SqliteStorage } from "./storage.ts";
