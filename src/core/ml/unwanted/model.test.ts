import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { rng as mulberry32 } from "../../shared/rng.ts";
import {
	DEFAULT_PRIORS,
	type Interaction,
	LEARNED_INPUTS,
	learnedInputs,
	PRIOR_INPUTS,
	priorInputs,
} from "./inputs.ts";
import { decodeUnwantedModel, encodeUnwantedModel, UnwantedModel } from "./model.ts";
import { evaluateUnwanted, fitDenseLogistic, type InteractionRow, trainUnwanted } from "./train.ts";

const base: Interaction = {
	abuse: 0.5,
	hate: 0.5,
	targeted: 0.5,
	targetFollowsAuthor: false,
	targetEngagedAuthor: 0,
	authorFollowsTarget: false,
	authorContactedTarget: 0,
	otherRepliers15m: 0,
	repliers24h: 0,
	authorReports24h: 0,
	authorLabels: 0,
	authorAgeDays: undefined,
};
const ones = Object.fromEntries(LEARNED_INPUTS.map((k) => [k, 1])) as Record<(typeof LEARNED_INPUTS)[number], number>;

describe("unwanted inputs", () => {
	it("turns an interaction into named numbers: log-odds, logs of counts, 0/1 priors", () => {
		const a = learnedInputs({ ...base, abuse: 0.9, hate: 0.1, targeted: 0.5, otherRepliers15m: Math.E - 1 });
		assert.equal(a.length, LEARNED_INPUTS.length);
		assert.ok(Math.abs((a[0] as number) - Math.log(9)) < 1e-9, "abuse log-odds");
		assert.ok(Math.abs((a[1] as number) + Math.log(9)) < 1e-9, "hate log-odds");
		assert.ok(Math.abs((a[2] as number) - 0.45) < 1e-12, "targeted_abuse = P(abuse)·P(targeted)");
		assert.ok(Math.abs((a[LEARNED_INPUTS.indexOf("pile_on")] as number) - 1) < 1e-12);
		// Certain probabilities and garbage stay finite.
		for (const v of learnedInputs({ ...base, abuse: 1, hate: 0, targeted: Number.NaN, authorReports24h: -3 }))
			assert.ok(Number.isFinite(v));
		assert.deepEqual([...priorInputs(base)], [0, 0, 0, 0]);
		const p = priorInputs({
			...base,
			targetEngagedAuthor: 2,
			authorFollowsTarget: true,
			authorLabels: 9,
			authorAgeDays: 3.5,
		});
		assert.deepEqual([...p], [1, 1, 3, 0.5]);
		assert.equal(priorInputs({ ...base, targetFollowsAuthor: true })[0], 1, "a follow is a relationship");
		assert.equal(priorInputs({ ...base, authorAgeDays: 30 })[3], 0, "no bonus after 7 days");
	});
});

describe("unwanted model", () => {
	const meta = encodeUnwantedModel({ learned: ones, bias: -2, threshold: 0.5 });
	const m = new UnwantedModel(meta);

	it("scores log-odds through a sigmoid; the priors push the documented way", () => {
		const x = { ...base, abuse: 0.9 };
		assert.ok(m.score(x) > 0 && m.score(x) < 1);
		assert.ok(Math.abs(m.score(x) - 1 / (1 + Math.exp(-m.margin(x)))) < 1e-12);
		assert.ok(m.score({ ...x, targetFollowsAuthor: true }) < m.score(x), "known to the target: lower");
		assert.ok(m.score({ ...x, authorFollowsTarget: true }) < m.score(x), "follows the target: a little lower");
		assert.ok(m.score({ ...x, authorLabels: 2 }) > m.score(x), "labelled author: higher");
		assert.ok(m.score({ ...x, authorAgeDays: 0.5 }) > m.score({ ...x, authorAgeDays: 6 }), "newer: higher");
		assert.ok(DEFAULT_PRIORS.target_knows_author < 0 && DEFAULT_PRIORS.new_account > 0);
	});

	it("explains with the inputs that moved the log-odds most, either way", () => {
		const e = m.explain({ ...base, abuse: 0.99, targetFollowsAuthor: true, otherRepliers15m: 1 }, 2);
		assert.deepEqual(
			e.map((c) => c.input),
			["abuse", "target_knows_author"],
		);
		assert.ok((e[0] as { logOdds: number }).logOdds > 0 && (e[1] as { logOdds: number }).logOdds < 0);
		assert.ok(
			m.explain(base, 20).every((c) => c.logOdds !== 0),
			"inputs that did nothing are left out",
		);
	});

	it("round-trips through model.json and refuses a damaged or incomplete one, naming the file", () => {
		const json = JSON.stringify(meta);
		const back = decodeUnwantedModel(json, "models/unwanted");
		assert.equal(back.score(base), m.score(base));
		assert.deepEqual(Object.keys(meta.learned), [...LEARNED_INPUTS]);
		assert.deepEqual(Object.keys(meta.priors), [...PRIOR_INPUTS]);
		const edited = JSON.stringify({ ...meta, learned: { ...meta.learned, abuse: 3 } });
		assert.throws(
			() => decodeUnwantedModel(edited, "models/unwanted"),
			/models\/unwanted\/model\.json: sha256 .*\(damaged\)/,
		);
		const { pile_on: _, ...missing } = meta.learned;
		assert.throws(() => decodeUnwantedModel(JSON.stringify({ ...meta, learned: missing }), "m"), /"pile_on" missing/);
		assert.throws(() => decodeUnwantedModel("{", "m"), /m\/model\.json: not JSON/);
		assert.throws(() => decodeUnwantedModel(JSON.stringify({ ...meta, format: 9 }), "m"), /format 9/);
		assert.throws(() => decodeUnwantedModel(JSON.stringify({ ...meta, threshold: 2 }), "m"), /threshold/);
	});
});

describe("unwanted training", () => {
	it("Newton's logistic regression recovers the weights that made the labels", () => {
		const rnd = mulberry32(3);
		const w = [1.5, -2, 0.5];
		const x: Float64Array[] = [];
		const y: number[] = [];
		for (let i = 0; i < 20_000; i++) {
			const xi = Float64Array.of(rnd() * 4 - 2, rnd() * 2, rnd() < 0.3 ? 1 : 0);
			const z = -0.5 + w.reduce((s, wj, j) => s + wj * (xi[j] as number), 0);
			x.push(xi);
			y.push(rnd() < 1 / (1 + Math.exp(-z)) ? 1 : 0);
		}
		const fit = fitDenseLogistic(x, y, 0);
		w.forEach((wj, j) => {
			assert.ok(Math.abs((fit.w[j] as number) - wj) < 0.1, `w${j} ${fit.w[j]} vs ${wj}`);
		});
		assert.ok(Math.abs(fit.b + 0.5) < 0.1, `bias ${fit.b}`);
		assert.ok(fit.iterations < 20);
		// A masked input keeps weight 0; a strong penalty shrinks the others.
		const masked = fitDenseLogistic(x, y, 0, undefined, [1, 0, 1]);
		assert.equal(masked.w[1], 0);
		const shrunk = fitDenseLogistic(x, y, 10);
		assert.ok(Math.abs(shrunk.w[0] as number) < 0.2);
	});

	it("learns that abusive text and a pile-on mean unwanted, and chooses its threshold", () => {
		const rnd = mulberry32(9);
		const rows: InteractionRow[] = [];
		for (let i = 0; i < 4_000; i++) {
			const bad = rnd() < 0.3;
			const abuse = bad ? 0.5 + rnd() * 0.5 : rnd() * 0.7;
			rows.push({
				input: {
					...base,
					abuse,
					hate: rnd(),
					targeted: rnd(),
					otherRepliers15m: bad ? Math.floor(rnd() * 10) : Math.floor(rnd() * 3),
				},
				label: bad ? 1 : 0,
				tag: bad ? "harassment" : "organic",
			});
		}
		const t = trainUnwanted(rows);
		assert.ok(t.params.learned.abuse > 0.5 && t.params.learned.pile_on > 0.2, JSON.stringify(t.params.learned));
		assert.deepEqual(t.params.priors, DEFAULT_PRIORS, "priors kept as given");
		assert.ok(t.report.train.auc !== null && t.report.train.auc > 0.9);
		assert.equal(t.report.positives, rows.filter((r) => r.label === 1).length);
		const m = new UnwantedModel(encodeUnwantedModel(t.params));
		const ev = evaluateUnwanted(m, rows);
		assert.equal(ev.threshold, t.params.threshold);
		assert.deepEqual(Object.keys(ev.recallByTag), ["harassment"]);
		assert.ok((ev.recallByTag.harassment?.recall ?? 0) > 0.8);
		const strict = trainUnwanted(rows, { targetPrecision: 0.99 });
		assert.ok(strict.params.threshold >= t.params.threshold);
		const textOnly = trainUnwanted(rows, { only: ["abuse"] });
		assert.equal(textOnly.params.learned.pile_on, 0);
		assert.throws(() => trainUnwanted([]), /no interactions/);
	});
});
