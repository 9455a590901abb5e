import type { Worker } from "node:worker_threads";
import { startSourceWorker } from "../../threads/source-worker.ts";
import type { PackedPayload } from "./snapshot.ts";
import type { SnapshotDone, SnapshotJob } from "./snapshot-thread.ts";

/**
 * Writes snapshots on a thread of its own (serialize, hash, temporary file, fsync, rename): the
 * event loop only dumps the windows, a few keys a turn. One write at a time; `busy` says whether
 * one is running.
 * @example
 * const writer = new SnapshotWriter();
 * await store.writeSnapshotInBackground("data/state.snapshot", { seq }, writer); // dumps, then writer.write
 * await writer.close();
 */
export class SnapshotWriter {
	private worker: Worker | undefined;
	private lastId = 0;
	private pending: { id: number; resolve: () => void; reject: (e: Error) => void } | undefined;

	get busy(): boolean {
		return this.pending !== undefined;
	}

	/**
	 * Resolves once `file` holds the snapshot of `packed` (see `beginPayloadDump`: serialized, hashed
	 * and written on the thread); rejects (the previous file stays) if it could not be written.
	 */
	write(file: string, packed: PackedPayload): Promise<void> {
		if (this.pending) return Promise.reject(new Error("a snapshot is already being written"));
		const worker = this.start();
		const id = ++this.lastId;
		return new Promise<void>((resolve, reject) => {
			this.pending = { id, resolve, reject };
			worker.ref();
			const job: SnapshotJob = { id, file, packed: packed.tree };
			worker.postMessage(job, packed.transfer);
		});
	}

	async close(): Promise<void> {
		const w = this.worker;
		this.worker = undefined;
		if (w) await w.terminate();
		this.settle(new Error("the snapshot writer was closed"));
	}

	private start(): Worker {
		if (this.worker) return this.worker;
		const w = startSourceWorker(import.meta.url, "./snapshot-thread", {});
		w.unref();
		w.on("message", (m: SnapshotDone) => {
			if (m.id === this.pending?.id) this.settle(m.error === undefined ? undefined : new Error(m.error));
		});
		w.on("error", (err) => this.settle(err));
		w.on("exit", () => {
			if (this.worker === w) this.worker = undefined;
			this.settle(new Error("the snapshot thread stopped"));
		});
		this.worker = w;
		return w;
	}

	private settle(err: Error | undefined): void {
		const p = this.pending;
		if (!p) return;
		this.pending = undefined;
		this.worker?.unref();
		if (err) p.reject(err);
		else p.resolve();
	}
}
