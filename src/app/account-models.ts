import { join } from "node:path";
import { BOT_FEATURES, botDetector, type Detector } from "../core/detectors/index.ts";
import type { FeatureSpec } from "../core/features/index.ts";
import { loadBotModel } from "../core/ml/accounts/model.ts";

/** The account models this build can serve, by the name `--account-models` takes. */
export const ACCOUNT_MODELS = ["bot"] as const;

/** What serving the named account models takes: their detectors and the windowed features they read. */
export interface AccountServing {
	detectors: Detector[];
	features: FeatureSpec[];
}

/**
 * The detectors of the models named in `--account-models`: `bot` (models `dir/bot/`) scores an
 * account on signup, profile change and as its posts accumulate, as the `account.bot` signal,
 * and needs its profile and count windows in the catalogue. Throws, naming the model and the
 * file, when one is unknown, missing or damaged.
 * @example loadAccountServing(["bot"], "models") // { detectors: [account.bot], features: [bot_profile_events, ...] }
 */
export function loadAccountServing(names: readonly string[], dir: string | undefined): AccountServing {
	if (!names.length) return { detectors: [], features: [] };
	if (dir === undefined) throw new Error("account models named without a models folder (--models-dir)");
	const unknown = names.find((n) => !(ACCOUNT_MODELS as readonly string[]).includes(n));
	if (unknown !== undefined)
		throw new Error(`account model "${unknown}" (--account-models): unknown (known: ${ACCOUNT_MODELS.join(", ")})`);
	let model: ReturnType<typeof loadBotModel>;
	try {
		model = loadBotModel(join(dir, "bot"));
	} catch (err) {
		throw new Error(`account model "bot" (--account-models): ${(err as Error).message}`);
	}
	return { detectors: [botDetector(model)], features: [...BOT_FEATURES] };
}
