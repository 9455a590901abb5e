/** A number that is neither NaN nor infinite (what every model weight and threshold must be). */
export const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/**
 * A model's `model.json` parsed, with its format number checked: throws naming `file` when it is
 * not JSON or of another format (the caller checks the rest of its shape).
 * @example const meta = parseModelMeta<TextModelMeta>(json, "models/abuse/model.json", TEXT_MODEL_FORMAT);
 */
export function parseModelMeta<T extends { format: number }>(json: string, file: string, format: number): T {
	let meta: T;
	try {
		meta = JSON.parse(json) as T;
	} catch (err) {
		throw new Error(`${file}: not JSON (${(err as Error).message})`);
	}
	if (meta?.format !== format) throw new Error(`${file}: format ${meta?.format} is not ${format} (retrain or upgrade)`);
	return meta;
}
