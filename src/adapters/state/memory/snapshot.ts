import { createHash, randomBytes } from "node:crypto";
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writevSync } from "node:fs";
import { dirname } from "node:path";
import { deserialize, serialize } from "node:v8";
import type { EntityState } from "../../../core/enforcement/state.ts";
import { JOINED, SERIALIZED, type TableDump } from "./dump-cursor.ts";
import type { EntityTable } from "./entities.ts";
import { WindowTables, type WindowTablesData } from "./windows.ts";

/**
 * Snapshot file format, version 1:
 *
 * | bytes | content                                              |
 * |-------|------------------------------------------------------|
 * | 8     | magic `BWKSTATE`                                     |
 * | 4     | format version, u32 little-endian                    |
 * | 4     | flags, 0                                             |
 * | 8     | payload length, u64 little-endian                    |
 * | 32    | SHA-256 of the payload                               |
 * | …     | payload: `node:v8` serialisation of {@link Payload}  |
 *
 * The payload is plain data (typed arrays for window columns), never class instances, so a new
 * build reads an old file through its version number alone.
 */
export const SNAPSHOT_VERSION = 1;
const MAGIC = Buffer.from("BWKSTATE", "latin1");
const HEADER = 8 + 4 + 4 + 8 + 32;

interface Payload {
	seq: number;
	/** Wall-clock ms when written, for operators. */
	writtenAt: number;
	windows: WindowTablesData;
	entities: EntityState[];
}

export interface DecodedSnapshot {
	seq: number;
	windows: WindowTables;
	entities: EntityState[];
}

/** A snapshot that cannot be used: `file` names where it came from, `reason` why. */
export class SnapshotError extends Error {
	constructor(
		readonly file: string,
		readonly reason: string,
	) {
		super(`state snapshot ${file}: ${reason}`);
		this.name = "SnapshotError";
	}
}

/**
 * A payload made on the store's thread for another thread to serialize: the windows' columns
 * (typed arrays the dump made, each owning its memory) move rather than being copied, arrays of
 * strings (the keys) travel as a few long strings and their lengths, and arrays of other values
 * (`last` values, entity states) as `v8.serialize`d chunks made step by step, so handing it over
 * costs a few copies of flat memory. The payload's own `v8.serialize` (40-60 ms at 10 MB,
 * measured) runs on the snapshot thread (see `encodePackedPayload`).
 */
export interface PackedPayload {
	tree: unknown;
	transfer: ArrayBuffer[];
}

/** The payload bytes of a packed payload: exactly what `encodePayload` makes of the same data. */
export function encodePackedPayload(tree: unknown): Buffer {
	return serialize(unpack(tree));
}

/**
 * A payload made a few keys at a time (see `WindowTables.beginDump`): `step` until it returns
 * true, each call holding the event loop for about `budget` keys, then `packed` for the thread.
 * The payload is the state as it was when this was called, however it changed meanwhile.
 */
export interface PayloadDump {
	step(budget: number): boolean;
	packed(): PackedPayload;
	cancel(): void;
}

export function beginPayloadDump(windows: WindowTables, entities: EntityTable, seq: number): PayloadDump {
	const parts: TableDump[] = [windows.beginDump(), entities.beginDump()];
	const writtenAt = Date.now();
	let at = 0;
	return {
		step(budget) {
			while (at < parts.length && (parts[at] as TableDump).step(budget)) {
				at++;
				budget = 0;
			}
			return at >= parts.length;
		},
		packed() {
			const tree = { seq, writtenAt, windows: parts[0]?.finish(), entities: parts[1]?.finish() };
			const transfer: ArrayBuffer[] = [];
			collectBuffers(tree, transfer);
			return { tree, transfer };
		},
		cancel() {
			for (const p of parts) p.cancel();
		},
	};
}

/** The buffers of the typed arrays in `v` that own all of their memory (they can move). */
function collectBuffers(v: unknown, transfer: ArrayBuffer[]): void {
	if (v === null || typeof v !== "object") return;
	if (ArrayBuffer.isView(v)) {
		const b = v.buffer;
		if (b instanceof ArrayBuffer && v.byteOffset === 0 && v.byteLength === b.byteLength && !transfer.includes(b))
			transfer.push(b);
		return;
	}
	for (const x of Array.isArray(v) ? v : Object.values(v)) collectBuffers(x, transfer);
}

function unpack(v: unknown): unknown {
	if (v === null || typeof v !== "object" || ArrayBuffer.isView(v)) return v;
	if (Array.isArray(v)) return v.map(unpack);
	const o = v as Record<string, unknown>;
	const chunks = o[SERIALIZED];
	if (Array.isArray(chunks)) return chunks.flatMap((c: Uint8Array) => deserialize(c) as unknown[]);
	const joined = Array.isArray(o[JOINED]) ? (o[JOINED] as string[]).join("") : o[JOINED];
	if (typeof joined === "string" && o.lens instanceof Uint32Array) {
		const out: string[] = new Array(o.lens.length);
		let at = 0;
		for (let i = 0; i < o.lens.length; i++) {
			const n = o.lens[i] as number;
			out[i] = joined.slice(at, at + n);
			at += n;
		}
		return out;
	}
	const out: Record<string, unknown> = {};
	for (const [k, x] of Object.entries(o)) out[k] = unpack(x);
	return out;
}

/** Header and payload, kept apart so a file write need not copy a large payload. */
export function encodeSnapshot(windows: WindowTables, entities: readonly EntityState[], seq: number): Buffer[] {
	const body = encodePayload(windows, entities, seq);
	return [snapshotHeader(body), body];
}

/**
 * The payload alone: the part that must be made on the thread that owns the store, at the
 * moment the snapshot stands for. The header (a hash of it) and the file can be done elsewhere.
 */
export function encodePayload(windows: WindowTables, entities: readonly EntityState[], seq: number): Buffer {
	const payload: Payload = { seq, writtenAt: Date.now(), windows: windows.dump(), entities: [...entities] };
	return serialize(payload);
}

/** The header for a payload: magic, version, length and its SHA-256. */
export function snapshotHeader(body: Uint8Array): Buffer {
	const head = Buffer.alloc(HEADER);
	MAGIC.copy(head, 0);
	head.writeUInt32LE(SNAPSHOT_VERSION, 8);
	head.writeUInt32LE(0, 12);
	head.writeBigUInt64LE(BigInt(body.length), 16);
	createHash("sha256").update(body).digest().copy(head, 24);
	return head;
}

/** Checks and decodes a snapshot; throws {@link SnapshotError} naming `source` and the reason. */
export function decodeSnapshot(buf: Uint8Array, source: string): DecodedSnapshot {
	const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
	const fail = (reason: string): never => {
		throw new SnapshotError(source, reason);
	};
	if (b.length < HEADER || !b.subarray(0, 8).equals(MAGIC))
		fail("not a Bulwark state snapshot (missing BWKSTATE header)");
	const version = b.readUInt32LE(8);
	if (version !== SNAPSHOT_VERSION)
		fail(`unsupported format version ${version} (this build reads version ${SNAPSHOT_VERSION})`);
	const length = Number(b.readBigUInt64LE(16));
	if (b.length - HEADER !== length)
		fail(`truncated or padded: payload is ${b.length - HEADER} bytes, header says ${length}`);
	const body = b.subarray(HEADER);
	if (!createHash("sha256").update(body).digest().equals(b.subarray(24, HEADER)))
		fail("checksum mismatch (corrupt file)");
	let payload: unknown;
	try {
		payload = deserialize(body);
	} catch (e) {
		fail(`payload does not deserialise: ${(e as Error).message}`);
	}
	const p = payload as Payload;
	if (!isPayload(p)) fail("payload has an unexpected structure");
	try {
		return { seq: p.seq, windows: WindowTables.load(p.windows), entities: p.entities };
	} catch (e) {
		return fail(`payload is inconsistent: ${(e as Error).message}`);
	}
}

/**
 * Writes atomically: a temporary file beside `file`, fsync, rename over `file`, fsync the
 * directory. Synchronous, like the serialisation before it: the store cannot change meanwhile.
 */
export function writeFileAtomic(file: string, parts: readonly Buffer[]): void {
	const dir = dirname(file);
	mkdirSync(dir, { recursive: true });
	const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
	try {
		const fd = openSync(tmp, "w");
		try {
			const total = parts.reduce((n, p) => n + p.length, 0);
			for (let written = 0; written < total; ) written += writevSync(fd, unwritten(parts, written));
			fsyncSync(fd);
		} finally {
			closeSync(fd);
		}
		renameSync(tmp, file);
	} catch (e) {
		rmSync(tmp, { force: true });
		throw e;
	}
	try {
		const d = openSync(dir, "r");
		try {
			fsyncSync(d);
		} finally {
			closeSync(d);
		}
	} catch {
		// Some platforms cannot fsync a directory; the rename itself has happened.
	}
}

/** The file's bytes, or undefined when it does not exist; other read failures throw {@link SnapshotError}. */
export function readFileIfExists(file: string): Buffer | undefined {
	try {
		return readFileSync(file);
	} catch (e) {
		const code = (e as NodeJS.ErrnoException).code;
		if (code === "ENOENT") return undefined;
		throw new SnapshotError(file, `cannot be read (${code ?? (e as Error).message})`);
	}
}

/** The parts with their first `skip` bytes removed (a short write continues where it stopped). */
function unwritten(parts: readonly Buffer[], skip: number): Buffer[] {
	const out: Buffer[] = [];
	for (const p of parts) {
		if (skip >= p.length) {
			skip -= p.length;
			continue;
		}
		out.push(skip > 0 ? p.subarray(skip) : p);
		skip = 0;
	}
	return out;
}

function isPayload(p: Payload): boolean {
	if (typeof p !== "object" || p === null || typeof p.seq !== "number" || !Array.isArray(p.entities)) return false;
	const w = p.windows;
	if (typeof w !== "object" || w === null || typeof w.droppedLate !== "number") return false;
	if (!Array.isArray(w.nums) || !Array.isArray(w.distincts) || !Array.isArray(w.lasts)) return false;
	const object = (d: unknown): d is Record<string, unknown> => typeof d === "object" && d !== null;
	const shaped = (d: unknown) => object(d) && typeof d.windowMs === "number";
	return (
		w.nums.every(
			(d) =>
				shaped(d) &&
				Array.isArray(d.keys) &&
				d.heads instanceof Float64Array &&
				(d.vals instanceof Uint32Array || d.vals instanceof Float64Array),
		) &&
		w.distincts.every(
			(d) =>
				shaped(d) &&
				object(d.compact) &&
				Array.isArray(d.compact.keys) &&
				d.compact.lens instanceof Uint32Array &&
				d.compact.entries instanceof Float64Array &&
				object(d.sketched) &&
				Array.isArray(d.sketched.keys) &&
				d.sketched.newest instanceof Float64Array &&
				d.sketched.lens instanceof Uint32Array &&
				d.sketched.bytes instanceof Uint8Array,
		) &&
		w.lasts.every(
			(d) =>
				shaped(d) &&
				Array.isArray(d.keys) &&
				d.lens instanceof Uint32Array &&
				d.ts instanceof Float64Array &&
				Array.isArray(d.values),
		) &&
		p.entities.every((s) => object(s) && typeof s.key === "string" && Array.isArray(s.labels))
	);
}
