import { parentPort } from "node:worker_threads";
import { encodePackedPayload, snapshotHeader, writeFileAtomic } from "./snapshot.ts";

/** Main thread to snapshot thread: a payload to hash and write atomically to `file`. */
export interface SnapshotJob {
	id: number;
	file: string;
	/** The payload's bytes, or the payload packed by `packPayload` for this thread to serialize. */
	body?: Uint8Array;
	packed?: unknown;
}

/** The answer: `error` when the file could not be written (the previous one stays). */
export interface SnapshotDone {
	id: number;
	error?: string;
}

// Hashing, writing and syncing a snapshot of tens of MB took 35-60 ms of the event loop's
// ~120 ms per snapshot (measured at 200k events); here they run beside it.
parentPort?.on("message", (job: SnapshotJob) => {
	let done: SnapshotDone;
	try {
		const body =
			job.body !== undefined
				? Buffer.from(job.body.buffer, job.body.byteOffset, job.body.byteLength)
				: encodePackedPayload(job.packed);
		writeFileAtomic(job.file, [snapshotHeader(body), body]);
		done = { id: job.id };
	} catch (err) {
		done = { id: job.id, error: err instanceof Error ? err.message : String(err) };
	}
	parentPort?.postMessage(done);
});
