export { SNAPSHOT_VERSION, SnapshotError } from "./snapshot.ts";
export { SnapshotWriter } from "./snapshot-writer.ts";
export { type MemoryStateStats, MemoryStateStore, type SweepResult } from "./store.ts";
