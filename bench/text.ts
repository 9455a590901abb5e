// Text model inference, in-process, one core: texts/s and p50/p99 µs per text of `score()` for
// each shipped linear model on the TweetEval offensive validation texts (../shared/data, or a
// generated set when that folder is absent), against two baselines in the same run:
// `baseline-slow` (the reference path the models were trained with: regex normaliser and the
// sparse vector) and `normalize-only` (the fast normaliser alone). Also load time and artifact size,
// one pass of a fresh copy of the first model (`first pass`: its token cache starts empty), the
// three models the unwanted detector reads scored together (one TextModelSet, as served) and
// apart, and the unwanted detector's own work per reply once its window values are fetched.

import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import type { BulwarkEvent } from "../src/core/events/index.ts";
import { machine } from "./lib/machine.ts";
import { type Args, type Benchmark, type BenchResult, numArg, progress, type Result } from "./lib/types.ts";

const BASELINE = "baseline-slow";
const TARGET = 50_000;
const MODELS = ["abuse", "spam", "hate", "targeted"];

function generated(n: number): string[] {
	const words = ["you", "are", "an", "idiot", "@USER", "lol", "😡", "free", "WIN", "c4sh", "sh1t", "great", "game"];
	const out: string[] = [];
	let seed = 1;
	for (let i = 0; i < n; i++) {
		let s = "";
		const len = 5 + (i % 25);
		for (let k = 0; k < len; k++) {
			seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
			s += `${words[seed % words.length]} `;
		}
		out.push(s);
	}
	return out;
}

/** Per-text latencies (µs) over `rounds` passes, after one warm-up pass. */
function measure(
	texts: readonly string[],
	rounds: number,
	f: (t: string) => number,
): { perS: number; lat: Float64Array } {
	let sink = 0;
	for (const t of texts) sink += f(t);
	const lat = new Float64Array(texts.length * rounds);
	let k = 0;
	const t0 = performance.now();
	for (let r = 0; r < rounds; r++)
		for (const t of texts) {
			const a = performance.now();
			sink += f(t);
			lat[k++] = (performance.now() - a) * 1000;
		}
	const total = (performance.now() - t0) / 1000;
	if (Number.isNaN(sink)) throw new Error("unreachable");
	return { perS: lat.length / total, lat: lat.sort() };
}

/** One timed pass with no warm-up on this input (the code is already compiled by then). */
function measureOnce(texts: readonly string[], f: (t: string) => number): { perS: number; lat: Float64Array } {
	let sink = 0;
	const lat = new Float64Array(texts.length);
	const t0 = performance.now();
	for (let k = 0; k < texts.length; k++) {
		const a = performance.now();
		sink += f(texts[k] as string);
		lat[k] = (performance.now() - a) * 1000;
	}
	const total = (performance.now() - t0) / 1000;
	if (Number.isNaN(sink)) throw new Error("unreachable");
	return { perS: lat.length / total, lat: lat.sort() };
}

const pct = (s: Float64Array, p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] as number;

async function run(args: Args): Promise<BenchResult> {
	const { loadTextData, trainingDataDir, packageRoot } = await import("../src/core/ml/text/data.ts");
	const { loadTextModel } = await import("../src/core/ml/text/model.ts");
	const { normalizeTokens } = await import("../src/core/ml/text/normalize.ts");
	const rounds = Math.round(numArg(args, "rounds", 5));
	const file = join(trainingDataDir(), "text", "tweeteval", "offensive", "val_text.txt");
	const texts = existsSync(file) ? loadTextData(file).rows.map((r) => r.text) : generated(1324);
	progress(`${texts.length} texts (${existsSync(file) ? file : "generated"}), ${rounds} rounds`);
	const results: Result[] = [];
	const add = (subject: string, m: { perS: number; lat: Float64Array }) => {
		results.push({ subject, metric: "throughput", value: m.perS, unit: "texts/s" });
		results.push({ subject, metric: "p50", value: pct(m.lat, 0.5), unit: "µs" });
		results.push({ subject, metric: "p99", value: pct(m.lat, 0.99), unit: "µs" });
	};
	let first = true;
	for (const name of MODELS) {
		const dir = join(packageRoot(), "models", name);
		if (!existsSync(join(dir, "model.json"))) continue;
		const l0 = performance.now();
		const m = loadTextModel(dir);
		const loadMs = performance.now() - l0;
		progress(`scoring with ${name}`);
		add(
			name,
			measure(texts, rounds, (t) => m.score(t)),
		);
		results.push({ subject: name, metric: "load", value: loadMs, unit: "ms" });
		const bytes = statSync(join(dir, "weights.bin")).size + statSync(join(dir, "model.json")).size;
		results.push({ subject: name, metric: "artifact", value: bytes / 1024 ** 2, unit: "MiB" });
		if (first) {
			first = false;
			// A fresh copy of the model sees the texts for the first time: its token cache fills as
			// it goes, as at the start of a stream, instead of hitting on every word as above.
			const cold = loadTextModel(dir);
			add(
				`${name} (first pass)`,
				measureOnce(texts, (t) => cold.score(t)),
			);
			add(
				`${BASELINE} (${name})`,
				measure(texts, Math.max(1, Math.round(rounds / 2)), (t) => m.scoreReference(t)),
			);
			add(
				"normalize-only",
				measure(texts, rounds, (t) => normalizeTokens(t).length),
			);
		}
	}
	// The three models served together as the event path serves them (one TextModelSet: each text
	// normalised and counted once), and the unwanted detector's work per reply once its window
	// values are fetched: those three scores, its inputs from a fixed context, the logistic and
	// the signal with its explanation (the window reads are the event path's: see ingest).
	const udir = join(packageRoot(), "models", "unwanted");
	const three = ["abuse", "hate", "targeted"];
	if (existsSync(join(udir, "model.json")) && three.every((n) => existsSync(join(packageRoot(), "models", n)))) {
		const { TextModelSet } = await import("../src/core/ml/text/model.ts");
		const { loadUnwantedModel } = await import("../src/core/ml/unwanted/model.ts");
		const { unwantedDetector, interactionRequests } = await import("../src/core/detectors/unwanted.ts");
		// One set per feature setting, as the app serves them (models on other normalisations apart).
		const fresh = () => {
			const ms = three.map((n) => loadTextModel(join(packageRoot(), "models", n)));
			const keys = ms.map((m) => JSON.stringify(m.meta.features));
			return ms.map((_, k) => {
				const group = ms.flatMap((_m, i) => (keys[i] === keys[k] ? [i] : []));
				return { group, k: group.indexOf(k), set: new TextModelSet(group.map((i) => ms[i] as (typeof ms)[number])) };
			});
		};
		const sets = (parts: ReturnType<typeof fresh>) => {
			// Models sharing a setting share one set object.
			const byGroup = new Map<string, InstanceType<typeof TextModelSet>>();
			return parts.map((p) => {
				const key = p.group.join(",");
				const set = byGroup.get(key) ?? p.set;
				byGroup.set(key, set);
				return set.classifier(p.k);
			});
		};
		const together = sets(fresh());
		const nSets = new Set(fresh().map((p) => p.group.join(","))).size;
		progress("scoring with abuse, hate and targeted together");
		add(
			nSets === 1 ? "abuse+hate+targeted (one set)" : `abuse+hate+targeted (${nSets} sets)`,
			measure(texts, rounds, (t) => together.reduce((s, c) => s + c.score(t), 0)),
		);
		const apart = three.map((n) => loadTextModel(join(packageRoot(), "models", n)));
		add(
			"abuse+hate+targeted (apart)",
			measure(texts, rounds, (t) => apart.reduce((s, m) => s + m.score(t), 0)),
		);
		const served = sets(fresh());
		const d = unwantedDetector({
			model: loadUnwantedModel(udir),
			text: {
				abuse: served[0] as (typeof served)[number],
				hate: served[1] as (typeof served)[number],
				targeted: served[2] as (typeof served)[number],
			},
		});
		const reply = (text: string): BulwarkEvent => ({
			id: "e",
			type: "post.created",
			ts: 0,
			actor: "a",
			data: { postId: "p", text, mentions: ["t"] },
		});
		const values = new Map(interactionRequests(reply(""), ["t"]).map((r) => [`${r.feature} ${r.id}`, 1]));
		const ctx = {
			feature: (f: string, id: string) => (f === "created_at" ? [] : values.get(`${f} ${id}`)),
			entity: () => undefined,
		};
		progress("scoring with unwanted");
		add(
			"unwanted (its 3 text models + context)",
			measure(texts, rounds, (t) => d.detect(reply(t), ctx).length),
		);
	}
	return { name: "text", machine: machine(), baseline: BASELINE, results };
}

const bench: Benchmark = {
	name: "text",
	description: "text model inference texts/s per core and p50/p99 µs per text (--rounds N)",
	run,
	targets: (r) =>
		MODELS.filter((m) => r.some((x) => x.subject === m)).map((m) => {
			const v = r.find((x) => x.subject === m && x.metric === "throughput")?.value ?? 0;
			const p99 = r.find((x) => x.subject === m && x.metric === "p99")?.value ?? 0;
			return {
				text: `${m}: ≥ ${TARGET.toLocaleString("en-US")} texts/s/core (${Math.round(v).toLocaleString("en-US")}, p99 ${p99.toFixed(1)} µs)`,
				met: v >= TARGET,
			};
		}),
};
export default bench;
