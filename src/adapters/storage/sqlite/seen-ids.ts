import type BetterSqlite3 from "better-sqlite3";
import { ScalableBloom } from "../../../core/shared/index.ts";

/** Ids read a page at a time while the filter is built, between event-loop turns. */
const PAGE = 10_000;

/**
 * Which event ids the log may hold, so that deduplication answers "new" for a new id without
 * reading the database (on the event path, a point read on the WAL costs more than the rest of
 * deduplication). A Bloom filter of every id committed through this storage, and of the ids
 * already in the file, read at open in pages between event-loop turns; until that read is
 * done (`ready`), every id "may" be there and the database is asked. A false "may" costs one
 * read; a false "no" cannot happen.
 */
export class SeenIds {
	private readonly bloom: ScalableBloom;
	private readonly page: BetterSqlite3.Statement<[number, number], [number, string]>;
	private ready = false;
	private timer: NodeJS.Immediate | undefined;

	constructor(sqlite: BetterSqlite3.Database, lastSeq: number) {
		const first = sqlite.prepare<[], number | null>("SELECT min(seq) FROM events").pluck().get() ?? lastSeq + 1;
		const rows = Math.max(0, lastSeq - first + 1);
		this.bloom = new ScalableBloom(Math.max(1 << 20, rows * 2));
		this.page = sqlite
			.prepare<[number, number], [number, string]>(
				`SELECT seq, id FROM events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ${PAGE}`,
			)
			.raw();
		if (rows === 0) this.ready = true;
		else this.load(first - 1, lastSeq);
	}

	/** Whether `id` may be in the log (false: certainly not, nor committed through this storage). */
	mayHave(id: string): boolean {
		return !this.ready || this.bloom.has(id);
	}

	/** Call before the id's commit is sent to the writer. */
	add(id: string): void {
		this.bloom.add(id);
	}

	/** True once the ids stored before open are all in the filter. */
	get loaded(): boolean {
		return this.ready;
	}

	stop(): void {
		if (this.timer) clearImmediate(this.timer);
		this.timer = undefined;
	}

	/** Reads ids with seq in (after, upTo], a page per turn; commits made meanwhile add their own. */
	private load(after: number, upTo: number): void {
		let last = after;
		let n = 0;
		for (const [seq, id] of this.page.iterate(last, upTo)) {
			this.bloom.add(id);
			last = seq;
			n++;
		}
		if (n < PAGE) {
			this.ready = true;
			this.timer = undefined;
		} else {
			this.timer = setImmediate(() => this.load(last, upTo));
		}
	}
}
