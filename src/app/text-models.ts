import { join } from "node:path";
import { type Detector, type ExplainableClassifier, textDetectors, unwantedDetector } from "../core/detectors/index.ts";
import type { FeatureSpec } from "../core/features/index.ts";
import { INTERACTION_FEATURES } from "../core/features/interactions.ts";
import { loadTextModel, type TextModel, TextModelSet } from "../core/ml/text/model.ts";
import { loadUnwantedModel, UNWANTED_TEXT_MODELS } from "../core/ml/unwanted/model.ts";

/** What serving the named text models takes: their detectors and the windowed features they read. */
export interface TextServing {
	detectors: Detector[];
	features: FeatureSpec[];
}

function load(name: string, dir: string): TextModel {
	try {
		return loadTextModel(join(dir, name));
	} catch (err) {
		throw new Error(`text model "${name}" (--text-models): ${(err as Error).message}`);
	}
}

/**
 * The detectors of the models named in `--text-models`: one `text.<name>` detector per text
 * model (the signal named as the operator named the model, whatever its file says), and for
 * `unwanted` the interaction detector, which also loads the text models it reads (abuse, hate,
 * targeted) when they are not named (their signals are then not emitted) and needs the
 * interaction features in the catalogue. Models with the same feature settings are scored
 * together, once per text (TextModelSet). Throws, naming the model and the file, when one is
 * missing or damaged.
 * @example loadTextServing(["spam", "unwanted"], "models") // { detectors: [text.spam, text.unwanted], features: [follows_pair, ...] }
 */
export function loadTextServing(names: readonly string[], dir: string | undefined): TextServing {
	if (!names.length) return { detectors: [], features: [] };
	if (dir === undefined) throw new Error("text models named without a models folder (--models-dir)");
	const unwanted = names.includes("unwanted");
	const served = names.filter((n) => n !== "unwanted");
	const inputs = unwanted ? UNWANTED_TEXT_MODELS.filter((n) => !served.includes(n)) : [];
	const unwantedModel = unwanted ? loadUnwanted(dir) : undefined;
	const loaded = [...served, ...inputs].map((name) => ({ name, model: load(name, dir) }));
	// One set per feature setting (the shipped models share one).
	const groups = new Map<string, typeof loaded>();
	for (const l of loaded) {
		const key = JSON.stringify(l.model.meta.features);
		groups.set(key, [...(groups.get(key) ?? []), l]);
	}
	const byName = new Map<string, ExplainableClassifier>();
	for (const group of groups.values()) {
		const set = new TextModelSet(group.map((l) => l.model));
		group.forEach((l, k) => {
			byName.set(l.name, set.classifier(k, l.name));
		});
	}
	const detectors = textDetectors(served.map((n) => byName.get(n) as ExplainableClassifier));
	if (!unwantedModel) return { detectors, features: [] };
	const input = (n: string) => byName.get(n) as ExplainableClassifier;
	detectors.push(
		unwantedDetector({
			model: unwantedModel,
			text: { abuse: input("abuse"), hate: input("hate"), targeted: input("targeted") },
		}),
	);
	return { detectors, features: INTERACTION_FEATURES };
}

function loadUnwanted(dir: string): ReturnType<typeof loadUnwantedModel> {
	try {
		return loadUnwantedModel(join(dir, "unwanted"));
	} catch (err) {
		throw new Error(`text model "unwanted" (--text-models): ${(err as Error).message}`);
	}
}
