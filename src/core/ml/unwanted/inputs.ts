/**
 * What the `unwanted` model reads about one reply or mention, and the numbers it turns that into.
 * The names of {@link LEARNED_INPUTS} and {@link PRIOR_INPUTS} are part of the artifact
 * (`models/unwanted/model.json` stores a weight per name): renaming one is a new model.
 *
 * @example
 * learnedInputs({ abuse: 0.9, hate: 0.1, targeted: 0.8, targetFollowsAuthor: false, ... })
 * // Float64Array [2.197, -2.197, 0.72, ...] in LEARNED_INPUTS order
 */

/** One interaction (author -> target) with its context, as the detector reads it from the stream. */
export interface Interaction {
	/** Calibrated probabilities of the text models `abuse`, `hate`, `targeted` for the post's text. */
	readonly abuse: number;
	readonly hate: number;
	readonly targeted: number;
	/** The target follows the author (a follow in the last 365 days, not undone). */
	readonly targetFollowsAuthor: boolean;
	/** Replies, mentions, likes and reposts by the target aimed at the author in 30 days. */
	readonly targetEngagedAuthor: number;
	readonly authorFollowsTarget: boolean;
	/** The author's earlier replies, mentions, likes and reposts aimed at the target in 30 days (this post not counted). */
	readonly authorContactedTarget: number;
	/** Other accounts that replied to or mentioned the target in the last 15 minutes (the author not counted). */
	readonly otherRepliers15m: number;
	/** Distinct accounts that replied to or mentioned the target in 24 hours. */
	readonly repliers24h: number;
	/** Reports filed about the author in 24 hours. */
	readonly authorReports24h: number;
	/** Labels in force on the author (trust & safety actions). */
	readonly authorLabels: number;
	/** Days since the author's account.created, or undefined when that event was not seen. */
	readonly authorAgeDays: number | undefined;
}

/** The inputs whose weights are fitted on simulated traffic (`bulwark train unwanted`). */
export const LEARNED_INPUTS = [
	"abuse",
	"hate",
	"targeted_abuse",
	"repeat_contact",
	"pile_on",
	"target_repliers_24h",
	"author_reports",
] as const;

/**
 * The inputs whose weights are set by hand, because the simulator cannot teach them: its targets
 * never follow or engage with their harassers, nor ordinary repliers much (no reciprocity: 0.3%
 * of ordinary replies), so `target_knows_author` is all but constant there; its harassers never
 * follow their targets, which would teach a weight on `author_follows` (about -4.6) that any real
 * harasser defeats by following first; no run has trust & safety labels on authors while it is
 * learned from; and every simulated account is created in the run's first minutes.
 */
export const PRIOR_INPUTS = ["target_knows_author", "author_follows", "author_labels", "new_account"] as const;

export type LearnedInput = (typeof LEARNED_INPUTS)[number];
export type PriorInput = (typeof PRIOR_INPUTS)[number];

/** The prior weights shipped unless an artifact says otherwise (log-odds; see the model card). */
export const DEFAULT_PRIORS: Readonly<Record<PriorInput, number>> = {
	// The target follows the author or engaged with them in 30 days: odds divided by about 4.5
	// (offensive words between people who know each other are often banter).
	target_knows_author: -1.5,
	// The author follows the target: odds divided by about 1.6 only (following is free).
	author_follows: -0.5,
	// Each active label on the author (up to 3): odds times about 2.
	author_labels: 0.7,
	// An account created today: odds times about 2.2, fading to nothing at 7 days.
	new_account: 0.8,
};

const LOGIT_CAP = 8;
/** A probability as given, in [0, 1]; 0 when it is not a number. */
const prob = (p: number): number => (Number.isFinite(p) ? Math.min(1, Math.max(0, p)) : 0);
const logit = (p: number): number => {
	const q = Math.min(1 - 1e-6, Math.max(1e-6, prob(p)));
	return Math.max(-LOGIT_CAP, Math.min(LOGIT_CAP, Math.log(q / (1 - q))));
};
const log1p = (n: number): number => Math.log1p(Math.max(0, Number.isFinite(n) ? n : 0));

/** True when the target has shown no interest in the author: no follow, no engagement in 30 days. */
export const isStranger = (x: Interaction): boolean => !x.targetFollowsAuthor && !(x.targetEngagedAuthor > 0);

/** The learned inputs of an interaction, in {@link LEARNED_INPUTS} order. */
export function learnedInputs(x: Interaction): Float64Array {
	return Float64Array.of(
		logit(x.abuse),
		logit(x.hate),
		prob(x.abuse) * prob(x.targeted),
		log1p(x.authorContactedTarget),
		log1p(x.otherRepliers15m),
		log1p(x.repliers24h),
		log1p(x.authorReports24h),
	);
}

/** The hand-set inputs of an interaction, in {@link PRIOR_INPUTS} order. */
export function priorInputs(x: Interaction): Float64Array {
	const age = x.authorAgeDays;
	return Float64Array.of(
		isStranger(x) ? 0 : 1,
		x.authorFollowsTarget ? 1 : 0,
		Number.isFinite(x.authorLabels) ? Math.min(3, Math.max(0, x.authorLabels)) : 0,
		age === undefined || !Number.isFinite(age) ? 0 : Math.max(0, Math.min(1, 1 - age / 7)),
	);
}
