/** A trained binary text classifier as the event path and `bulwark eval text` use it. */
export interface TextClassifier {
	readonly name: string;
	/** Calibrated probability of the positive class (1). */
	score(text: string): number;
	/** The decision threshold chosen on validation data (score >= threshold -> 1). */
	readonly threshold: number;
}
/** Loads models/NAME/ (throws an Error naming the file and the reason when it is missing or damaged). */
export type LoadTextModel = (dir: string) => TextClassifier;
