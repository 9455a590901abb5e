import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { describe, it } from "node:test";
import { type BodyRead, readLimited, TOO_LARGE_PREFIX_BYTES } from "./body.ts";

function read(chunks: Buffer[], limit: number, declared = 0): Promise<BodyRead> {
	return new Promise((resolve, reject) =>
		readLimited(Readable.from(chunks), limit, declared, (err, r) => (err ? reject(err) : resolve(r as BodyRead))),
	);
}

describe("readLimited", () => {
	it("joins chunks up to the limit, multi-byte characters split across chunks included", async () => {
		const text = "héllo wörld";
		const bytes = Buffer.from(text);
		assert.deepEqual(await read([bytes.subarray(0, 2), bytes.subarray(2)], bytes.length), { ok: true, text });
		assert.deepEqual(await read([], 10), { ok: true, text: "" });
	});

	it("counts every byte past the limit but keeps only the first 64 KiB", async () => {
		const chunk = Buffer.alloc(50_000, 0x61);
		const r = await read([chunk, chunk, chunk], 10_000);
		assert.equal(r.ok, false);
		if (r.ok) return;
		assert.equal(r.bytes, 150_000);
		assert.equal(r.prefix.length, TOO_LARGE_PREFIX_BYTES);
	});

	it("stores only the prefix when the declared length is already over", async () => {
		const r = await read([Buffer.from("abcdef")], 3, 6);
		assert.deepEqual(r, { ok: false, bytes: 6, prefix: "abcdef" });
	});
});
