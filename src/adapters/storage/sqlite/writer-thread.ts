// The writer thread's entry (loaded by `WorkerGroupCommit`): owns the one connection that writes
// the event log, so SQL execution runs beside the event loop, not on it. Keep its imports to the
// write path: everything imported here loads in the thread.
import { parentPort, workerData } from "node:worker_threads";
import BetterSqlite3 from "better-sqlite3";
import { BatchWriter } from "./batch-writer.ts";
import { configureConnection } from "./pragmas.ts";
import { type FromWriter, type ToWriter, toWireError, WriterControl } from "./wire.ts";

/** What `WorkerGroupCommit` passes as `workerData`. */
export interface WriterThreadData {
	path: string;
	lastSeq: number;
	control: SharedArrayBuffer;
	/** This connection's `wal_autocheckpoint`: checkpoint inside the commit that takes the log past this many pages. */
	autocheckpointPages: number;
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

	port.on("message", (m: ToWriter) => {
		if (m.kind === "close") {
			db.close();
			port.close();
			return;
		}
		let failures: [number, unknown][];
		try {
			failures = writer.write(m.batches);
		} catch (err) {
			failures = m.batches.map((_, i) => [i, err]);
		}
		control.markDone(m.id, writer.seq, writer.transactions);
		send({ kind: "written", id: m.id, failures: failures.map(([i, err]) => [i, toWireError(err)]) });
	});
	send({ kind: "ready" });
}

if (parentPort) run(parentPort, workerData as WriterThreadData);
