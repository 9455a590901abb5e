// The writer thread's entry (loaded by `WorkerGroupCommit`): owns the one connection that writes
// the event log, so SQL execution runs beside the event loop, not on it. Keep its imports to the
// write path: everything imported here loads in the thread.
import { parentPort, workerData } from "node:worker_threads";
import BetterSqlite3 from "better-sqlite3";
import { BatchWriter } from "./batch-writer.ts";
import { configureConnection } from "./pragmas.ts";
import { type FromWriter, type ToWriter, toWireError, WriterControl } from "./wire.ts";

/** A tail this long is indexed at once, in one transaction, even while writes wait. */
const FORCE_INDEX_AT = 50_000;
/** Events indexed per transaction while no write waits (a few milliseconds' work). */
const IDLE_INDEX_CHUNK = 2_000;
/**
 * Quiet time after the last write before idle indexing starts: longer than the gaps between
 * the batches of a steady ingest, whose tail is better indexed in one bulk (a small chunk
 * writes nearly a page per row, as per-row indexes did).
 */
const IDLE_INDEX_DELAY_MS = 250;

/** What `WorkerGroupCommit` passes as `workerData`. */
export interface WriterThreadData {
	path: string;
	lastSeq: number;
	control: SharedArrayBuffer;
	/** This connection's `wal_autocheckpoint`: checkpoint inside the commit that takes the log past this many pages. */
	autocheckpointPages: number;
	/** When the writer checkpoints between two writes (see `FINISH_LOG_AT_FRAMES`); never without. */
	finishLog?: FinishLog | undefined;
}

export interface FinishLog {
	/** One Int32 the background checkpointer keeps the log's length in (frames). */
	frames: SharedArrayBuffer;
	atFrames: number;
	atLeastEveryMs: number;
}

function run(port: NonNullable<typeof parentPort>, data: WriterThreadData): void {
	const control = new WriterControl(data.control);
	// However the thread ends (an uncaught error included), a main thread blocked in flushSync wakes.
	process.on("exit", () => control.markStopped());
	const db = new BetterSqlite3(data.path, { fileMustExist: true });
	configureConnection(db);
	db.pragma(`wal_autocheckpoint = ${data.autocheckpointPages}`);
	const writer = new BatchWriter(db, data.lastSeq);
	const send = (m: FromWriter) => port.postMessage(m);

	// See `FINISH_LOG_AT_FRAMES`.
	const finish = data.finishLog;
	const logFrames = finish ? new Int32Array(finish.frames) : undefined;
	let finishedAt = performance.now();
	const finishLog = () => {
		if (!finish || !logFrames) return;
		const now = performance.now();
		if (Atomics.load(logFrames, 0) < finish.atFrames && now - finishedAt < finish.atLeastEveryMs) return;
		finishedAt = now;
		try {
			db.pragma("wal_checkpoint(PASSIVE)");
			Atomics.store(logFrames, 0, 0); // until the background thread looks again
		} catch {
			// Tried again after the next write.
		}
	};

	// The tail of events not yet in `event_entities` (big group commits leave one; see
	// `BatchWriter`): indexed in bulk once it is long, otherwise in chunks while no write waits.
	let idleTimer: NodeJS.Timeout | undefined;
	let lastWriteAt = 0;
	const indexWhileIdle = () => {
		idleTimer = undefined;
		if (!control.idle) return; // a write is waiting; the next one schedules this again
		const quiet = performance.now() - lastWriteAt;
		if (quiet >= IDLE_INDEX_DELAY_MS) {
			try {
				writer.indexTail(IDLE_INDEX_CHUNK);
			} catch {
				return; // tried again after the next write; readers scan the tail meanwhile
			}
		}
		scheduleIdleIndex(quiet >= IDLE_INDEX_DELAY_MS ? 0 : IDLE_INDEX_DELAY_MS - quiet);
	};
	const scheduleIdleIndex = (delay = IDLE_INDEX_DELAY_MS) => {
		if (idleTimer === undefined && writer.unindexed > 0) idleTimer = setTimeout(indexWhileIdle, delay);
	};

	port.on("message", (m: ToWriter) => {
		if (m.kind === "close") {
			if (idleTimer) clearTimeout(idleTimer);
			try {
				writer.indexTail();
			} finally {
				db.close();
				port.close();
			}
			return;
		}
		let failures: [number, unknown][];
		try {
			failures = writer.write(m.batches);
		} catch (err) {
			failures = m.batches.map((_, i) => [i, err]);
		}
		lastWriteAt = performance.now();
		control.markDone(m.id, writer.seq, writer.transactions);
		send({ kind: "written", id: m.id, failures: failures.map(([i, err]) => [i, toWireError(err)]) });
		try {
			if (writer.unindexed >= FORCE_INDEX_AT) writer.indexTail(FORCE_INDEX_AT);
		} catch {
			// Left for the next attempt: readers scan the tail meanwhile.
		}
		finishLog();
		scheduleIdleIndex();
	});
	send({ kind: "ready" });
}

if (parentPort) run(parentPort, workerData as WriterThreadData);
