import { parentPort } from "node:worker_threads";
import { snapshotHeader, writeFileAtomic } from "./snapshot.ts";

/** Main thread to snapshot thread: a payload to hash and write atomically to `file`. */
export interface SnapshotJob {
	id: number;
	file: string;
	body: Uint8Array;
}

/** The answer: `error` when the file could not be written (the previous one stays). */
export interface SnapshotDone {
	id: number;
	error?: string;
}

// Hashing, writing and syncing a snapshot of tens of MB took 35-60 ms of the event loop's
// ~120 ms per snapshot (measured at 200k events); here they run beside it.
parentPort?.on("message", (job: SnapshotJob) => {
	const body = Buffer.from(job.body.buffer, job.body.byteOffset, job.body.byteLength);
	let done: SnapshotDone;
	try {
		writeFileAtomic(job.file, [snapshotHeader(body), body]);
		done = { id: job.id };
	} catch (err) {
		done = { id: job.id, error: err instanceof Error ? err.message : String(err) };
	}
	parentPort?.postMessage(done);
});
