import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type BetterSqlite3 from "better-sqlite3";

// Plain JS run with `eval`, so the worker needs no TypeScript loader (a worker does not inherit
// the main thread's).
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma("busy_timeout = 5000");
const frames = new Int32Array(workerData.logFrames);
const timer = setInterval(() => {
	const [r] = db.pragma("wal_checkpoint(PASSIVE)");
	if (r) Atomics.store(frames, 0, r.log);
}, workerData.intervalMs);
parentPort.on("message", () => {
	clearInterval(timer);
	db.close();
	parentPort.close();
});
`;

/**
 * How often the background thread checkpoints. Small and often beats big and rare: each
 * checkpoint's copy and fsync slow the commits beside it (measured at 2,000 commits a second:
 * every 250 ms, p99 9-15 ms; every 50 ms, 5-7 ms).
 */
const CHECKPOINT_EVERY_MS = 50;

/** SQLite's default, restored on the main connection if the worker fails. */
const AUTOCHECKPOINT_PAGES = 1000;

/**
 * Moves WAL checkpoints (copying the log into the database file, with its fsyncs) off the
 * event loop: a worker thread with its own connection runs a PASSIVE checkpoint every
 * `intervalMs`, which never blocks the writer, and the main connection stops checkpointing
 * inside its commits. Should the worker fail, the main connection checkpoints again itself.
 */
export class BackgroundCheckpointer {
	/**
	 * One Int32: the frames in the log as of the last checkpoint, for the writer thread (which
	 * finishes the log once it is long: see `FINISH_LOG_AT_FRAMES`).
	 */
	readonly logFrames = new SharedArrayBuffer(4);
	private readonly worker: Worker;
	private readonly exited: Promise<void>;

	constructor(main: BetterSqlite3.Database, path: string, intervalMs = CHECKPOINT_EVERY_MS) {
		const driver = createRequire(import.meta.url).resolve("better-sqlite3");
		// No execArgv: the main thread's `--import tsx` would load a loader this plain JS does not need.
		this.worker = new Worker(WORKER_SOURCE, {
			eval: true,
			workerData: { driver, path, intervalMs, logFrames: this.logFrames },
			execArgv: [],
		});
		this.worker.unref();
		main.pragma("wal_autocheckpoint = 0");
		const fallBack = () => {
			if (main.open) main.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
		};
		this.worker.on("error", fallBack);
		this.exited = new Promise((resolve) => this.worker.once("exit", () => resolve()));
		this.exited.then(fallBack);
	}

	/** Stops the worker and waits for it to close its connection. */
	async stop(): Promise<void> {
		this.worker.ref(); // unref'd while running, so it never keeps a process alive; not while we wait
		this.worker.postMessage("stop");
		await this.exited;
	}
}
