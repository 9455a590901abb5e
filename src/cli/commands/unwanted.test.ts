import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { loadUnwantedModel } from "../../core/ml/unwanted/model.ts";
import { parseSeeds, runEvalUnwanted, runTrainUnwanted } from "./unwanted.ts";

const dir = mkdtempSync(join(tmpdir(), "bulwark-train-unwanted-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a command with stdout captured (stderr progress is left alone). */
async function captured(f: () => Promise<number>): Promise<{ code: number; out: string }> {
	const write = process.stdout.write;
	let out = "";
	process.stdout.write = ((chunk: string) => {
		out += chunk;
		return true;
	}) as typeof process.stdout.write;
	try {
		return { code: await f(), out };
	} finally {
		process.stdout.write = write;
	}
}

describe("bulwark train unwanted / eval unwanted", () => {
	it("reads seed lists and ranges", () => {
		assert.deepEqual(parseSeeds("1,2,3", "--seeds"), [1, 2, 3]);
		assert.deepEqual(parseSeeds("1-4", "--seeds"), [1, 2, 3, 4]);
		assert.deepEqual(parseSeeds("1-2, 7", "--seeds"), [1, 2, 7]);
		assert.throws(() => parseSeeds("x", "--seeds"), /--seeds takes seeds like/);
		assert.throws(() => parseSeeds("4-1", "--seeds"), /bad range/);
	});

	it("trains on simulated seeds, measures on others, writes a loadable model with its card", async () => {
		const common = { accounts: "400", duration: "1h", "data-dir": join(dir, "no-data"), json: true };
		await assert.rejects(runTrainUnwanted({ ...common, seeds: "1", "eval-seeds": "1" }), /share 1/);
		const { code, out } = await captured(() =>
			runTrainUnwanted({ ...common, seeds: "1,2", "eval-seeds": "3", out: dir }),
		);
		assert.equal(code, 0);
		const s = JSON.parse(out) as { heldOut: { n: number; auc: number }; textOnly: { n: number }; evalSeeds: number[] };
		assert.deepEqual(s.evalSeeds, [3]);
		assert.ok(s.heldOut.n > 0 && s.heldOut.n === s.textOnly.n);
		const m = loadUnwantedModel(join(dir, "unwanted"));
		assert.ok(m.threshold > 0 && m.threshold < 1);
		const card = readFileSync(join(dir, "unwanted", "MODEL_CARD.md"), "utf8");
		assert.match(card, /There is no real labelled data for interactions/);
		assert.match(card, /built-in templates/, "says where the text came from");
		assert.ok(!existsSync(join(dir, `.unwanted.tmp-${process.pid}`)));
		// The text models beside the trained one, as in the package's models/.
		for (const name of ["abuse", "hate", "targeted"])
			symlinkSync(new URL(`../../../models/${name}`, import.meta.url).pathname, join(dir, name));
		const ev = await captured(() => runEvalUnwanted({ ...common, seeds: "3", "models-dir": dir }));
		const r = JSON.parse(ev.out) as { n: number; auc: number; perClass: object; abuseAlone: object };
		assert.equal(r.n, s.heldOut.n, "the same seed gives the same interactions");
		assert.equal(r.auc, s.heldOut.auc);
		assert.ok("perClass" in r && "abuseAlone" in r);
	});
});
