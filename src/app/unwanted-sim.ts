/**
 * Labelled interactions for the `unwanted` model, from simulated traffic: each run of the
 * simulator is fed through the same windowed features the event path keeps (in-memory state),
 * every reply and mention is read by the detector's own `readInteraction`, its text scored by the
 * shipped text models, and labelled from the run's ground truth (1: a harassment or ban-evasion
 * post; 0: any other reply or mention; spam, misinformation and amplification posts are left out:
 * other models judge them).
 *
 * The text of the simulated posts comes from Davidson et al. 2017 (`text/davidson2017`, which no
 * text model was trained on), split in two halves by a hash of the normalised text: the training
 * seeds draw from one half, the evaluation seeds from the other. Abusive replies are its hate and
 * offensive tweets; ordinary replies are its "neither" tweets, the simulator's own short replies,
 * and some offensive tweets as banter among ordinary accounts. Without that file the built-in
 * templates are used (and the text is then far too easy).
 *
 * @example
 * const rows = await simulatedInteractions({ seed: 1, accounts: 5_000, durationMs: 3 * 3_600_000, text, models });
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { MemoryStateStore } from "../adapters/state/memory/index.ts";
import { interactionRequests, interactionTargets, readInteraction } from "../core/detectors/index.ts";
import { DEFAULT_FEATURES, FeatureCatalog, type WindowValue } from "../core/features/index.ts";
import { INTERACTION_FEATURES } from "../core/features/interactions.ts";
import { loadTextData } from "../core/ml/text/data.ts";
import type { TextClassifier } from "../core/ml/text/model-port.ts";
import { normalize } from "../core/ml/text/normalize.ts";
import type { InteractionRow } from "../core/ml/unwanted/train.ts";
import { builtinText, Simulation, type TextGen } from "../simulator/index.ts";

export interface SimInteractionOptions {
	seed: number;
	accounts: number;
	durationMs: number;
	text: TextGen;
	models: { abuse: TextClassifier; hate: TextClassifier; targeted: TextClassifier };
	/** Share of each adversary population (the simulator's defaults otherwise). */
	shares?: { harassment?: number; evasion?: number };
}

/** Threats whose posts are the positive class. */
const UNWANTED_THREATS = new Set(["harassment", "evasion"]);

/** The labelled interactions of one simulated run (see the module comment). */
export async function simulatedInteractions(o: SimInteractionOptions): Promise<InteractionRow[]> {
	const sim = new Simulation(
		{ seed: o.seed, accounts: o.accounts, durationMs: o.durationMs, shares: o.shares ?? {} },
		o.text,
	);
	const catalog = new FeatureCatalog([...DEFAULT_FEATURES, ...INTERACTION_FEATURES]);
	const store = new MemoryStateStore();
	const pending: { postId: string; row: Omit<InteractionRow, "label"> }[] = [];
	for (const e of sim.events()) {
		const ops = catalog.opsFor(e);
		const targets = interactionTargets(e);
		if (!targets.length || e.type !== "post.created") {
			if (ops.length) await store.update(ops, []);
			continue;
		}
		const wanted = interactionRequests(e, targets);
		const values = await store.update(
			ops,
			wanted.map((r) => catalog.query(r.feature, r.id, e.ts)),
		);
		const ctx = {
			feature(name: string, id: string): WindowValue | undefined {
				const j = wanted.findIndex((r) => r.feature === name && r.id === id);
				return j < 0 ? undefined : values[j];
			},
			entity: () => undefined,
		};
		const text = e.data.text;
		const scores = {
			abuse: o.models.abuse.score(text),
			hate: o.models.hate.score(text),
			targeted: o.models.targeted.score(text),
		};
		for (const t of targets) {
			// Every simulated account is created in the run's first minutes: its age says nothing
			// here, so the age prior is left out of training and evaluation alike.
			const input = { ...readInteraction(e, t, ctx, scores), authorAgeDays: undefined };
			pending.push({ postId: e.data.postId, row: { input } });
		}
	}
	const truth = sim.truth();
	const rows: InteractionRow[] = [];
	for (const p of pending) {
		const bad = truth.posts[p.postId];
		if (bad && !UNWANTED_THREATS.has(bad.threat)) continue;
		rows.push(bad ? { ...p.row, label: 1, tag: bad.threat } : { ...p.row, label: 0, tag: "organic" });
	}
	return rows;
}

/** The text pools of one half of Davidson 2017, for training (`half` 0) or evaluation seeds (1). */
export interface InteractionText {
	gen: TextGen;
	/** Where the text came from, for the model card. */
	source: string;
}

/** Share of ordinary replies that are offensive banter, and that are the simulator's short replies. */
const BANTER = 0.1;
const SHORT = 0.4;

/**
 * Davidson-based post text for half `half` of the data (see the module comment); the built-in
 * templates when `dataDir` has no Davidson file.
 */
export function interactionText(dataDir: string, half: 0 | 1): InteractionText {
	const file = join(dataDir, "text", "davidson2017", "labeled_data.csv");
	if (!existsSync(file)) return { gen: builtinText, source: `the simulator's built-in templates (${file} not found)` };
	const abusive: string[] = [];
	const neither: string[] = [];
	const offensive: string[] = [];
	for (const r of loadTextData(file, { format: "davidson" }).rows) {
		if (halfOf(normalize(r.text)) !== half) continue;
		const text = r.text.slice(0, 280);
		if (r.davidsonClass === 2) neither.push(text);
		else {
			abusive.push(text);
			if (r.davidsonClass === 1) offensive.push(text);
		}
	}
	const gen: TextGen = {
		organic: (rng, topic) => builtinText.organic(rng, topic),
		reply(rng) {
			const u = rng.float();
			if (u < BANTER) return rng.pick(offensive);
			if (u < BANTER + SHORT) return builtinText.reply(rng);
			return rng.pick(neither);
		},
		abusive: (rng) => rng.pick(abusive),
		spam: (rng, template, url) => builtinText.spam(rng, template, url),
	};
	return {
		gen,
		source: `text/davidson2017/labeled_data.csv, half ${half} by a hash of the normalised text (${abusive.length} hate or offensive tweets as abusive replies; ${neither.length} "neither" tweets, the simulator's short replies (${SHORT * 100}%) and offensive tweets as banter (${BANTER * 100}%) as ordinary replies)`,
	};
}

/** 0 or 1 by an FNV-1a hash of the text. */
function halfOf(s: string): 0 | 1 {
	let h = 0x811c9dc5;
	for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
	h ^= h >>> 16;
	return (h & 1) as 0 | 1;
}
