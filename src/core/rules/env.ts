import { DEFAULT_FEATURES } from "../features/catalog.ts";
import type { FeatureSpec } from "../features/spec.ts";
import { type BuiltinRegistry, DEFAULT_BUILTINS } from "./builtins/index.ts";

/** A detector signal rules may read with `score("name")`. */
export interface SignalInfo {
	name: string;
	description: string;
}

/**
 * What a rules pack is checked against besides itself: features maintained outside the
 * rules (readable by name), the signals detectors emit, and the builtins.
 * @example check(files, defaultEnv({ signals: [...DEFAULT_SIGNALS, { name: "text.toxicity", description: "..." }] }))
 */
export interface RulesEnv {
	features: readonly FeatureSpec[];
	signals: readonly SignalInfo[];
	builtins: BuiltinRegistry;
}

/** The signals the built-in detectors emit (core/detectors). */
export const DEFAULT_SIGNALS: readonly SignalInfo[] = [
	{ name: "velocity.posts", description: "an account posting far above its own rate (velocity detector)" },
	{ name: "velocity.follows", description: "an account following far above its own rate (velocity detector)" },
	// The text detectors' (one per model named in --text-models; 0 when that model is not served).
	{ name: "text.spam", description: "calibrated probability that a post's or report's text is spam (models/spam)" },
	{
		name: "text.abuse",
		description: "calibrated probability that a post's or report's text is abusive (models/abuse)",
	},
	{ name: "text.hate", description: "calibrated probability that a post's or report's text is hateful (models/hate)" },
	{
		name: "text.targeted",
		description: "calibrated probability that a post's or report's text targets a person (models/targeted)",
	},
	// The bot detector's (when the bot model is served; 0 otherwise).
	{
		name: "account.bot",
		description:
			"bot score of an account from its profile and activity: the share of reference humans it scores above, on signup, profile change and as posts accumulate (models/bot)",
	},
	// The behaviour detector's (when the behaviour model is served; 0 otherwise).
	{
		name: "account.behaviour",
		description:
			"probability that an account's behaviour on the stream is automated (timing, action mix, links, duplicate posts, devices, day-night), at its 8th, 16th, 32nd, 64th activity and every 64th after (models/behaviour, fit to simulated traffic)",
	},
	{
		name: "text.unwanted",
		description:
			"probability that a reply or mention is unwanted by its target: text scores with the pair's relationship, pile-on, the author's reports, labels and age (models/unwanted)",
	},
];

export function defaultEnv(over: Partial<RulesEnv> = {}): RulesEnv {
	return { features: DEFAULT_FEATURES, signals: DEFAULT_SIGNALS, builtins: DEFAULT_BUILTINS, ...over };
}
