import { join } from "node:path";
import {
	BEHAVIOUR_FEATURES,
	BOT_FEATURES,
	behaviourDetector,
	botDetector,
	type Detector,
} from "../core/detectors/index.ts";
import type { FeatureSpec } from "../core/features/index.ts";
import { loadBehaviourModel } from "../core/ml/accounts/behaviour-model.ts";
import { loadBotModel } from "../core/ml/accounts/model.ts";

/** The account models this build can serve, by the name `--account-models` takes. */
export const ACCOUNT_MODELS = ["bot", "behaviour"] as const;

/** What serving the named account models takes: their detectors and the windowed features they read. */
export interface AccountServing {
	detectors: Detector[];
	features: FeatureSpec[];
}

/** Loads one model, naming it and the flag in the error. */
function load<T>(name: string, dir: string, loader: (dir: string) => T): T {
	try {
		return loader(join(dir, name));
	} catch (err) {
		throw new Error(`account model "${name}" (--account-models): ${(err as Error).message}`);
	}
}

/**
 * The detectors of the models named in `--account-models`: `bot` (models `dir/bot/`) scores an
 * account's profile on signup, profile change and as its posts accumulate, as the `account.bot`
 * signal; `behaviour` (`dir/behaviour/`) scores its behaviour on the stream (timing, action mix,
 * links, duplicates, devices) as its activity accumulates, as `account.behaviour`. Each needs
 * its windows in the catalogue. Throws, naming the model and the file, when one is unknown,
 * missing or damaged.
 * @example loadAccountServing(["bot", "behaviour"], "models") // { detectors: [account.bot, account.behaviour], features: [bot_profile_events, ...] }
 */
export function loadAccountServing(names: readonly string[], dir: string | undefined): AccountServing {
	if (!names.length) return { detectors: [], features: [] };
	if (dir === undefined) throw new Error("account models named without a models folder (--models-dir)");
	const unknown = names.find((n) => !(ACCOUNT_MODELS as readonly string[]).includes(n));
	if (unknown !== undefined)
		throw new Error(`account model "${unknown}" (--account-models): unknown (known: ${ACCOUNT_MODELS.join(", ")})`);
	const out: AccountServing = { detectors: [], features: [] };
	if (names.includes("bot")) {
		// The stream's calibration (the platform's own humans) where the model has one.
		out.detectors.push(botDetector(load("bot", dir, loadBotModel).forStream()));
		out.features.push(...BOT_FEATURES);
	}
	if (names.includes("behaviour")) {
		out.detectors.push(behaviourDetector(load("behaviour", dir, loadBehaviourModel)));
		out.features.push(...BEHAVIOUR_FEATURES);
	}
	return out;
}
