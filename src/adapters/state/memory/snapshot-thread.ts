import { parentPort } from "node:worker_threads";
import { encodePackedPayload, snapshotHeader, writeFileAtomic } from "./snapshot.ts";

/** Main thread to snapshot thread: a payload to hash and write atomically to `file`. */
export interface SnapshotJob {
	id: number;
	file: string;
	/** The payload as `beginPayloadDump` packed it, for this thread to serialize. */
	packed: unknown;
}

/** The answer: `error` when the file could not be written (the previous one stays). */
export interface SnapshotDone {
	id: number;
	error?: string;
}

// Serializing (40-60 ms at 10 MB), hashing, writing and syncing a snapshot all ran on the event
// loop once (measured); here they run beside it, and the loop only dumps the windows.
parentPort?.on("message", (job: SnapshotJob) => {
	let done: SnapshotDone;
	try {
		const body = encodePackedPayload(job.packed);
		writeFileAtomic(job.file, [snapshotHeader(body), body]);
		done = { id: job.id };
	} catch (err) {
		done = { id: job.id, error: err instanceof Error ? err.message : String(err) };
	}
	parentPort?.postMessage(done);
});
