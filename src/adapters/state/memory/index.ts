export { SNAPSHOT_VERSION, SnapshotError } from "./snapshot.ts";
export { type MemoryStateStats, MemoryStateStore, type SweepResult } from "./store.ts";
