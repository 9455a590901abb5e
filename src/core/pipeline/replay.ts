import { ConflictError, NotFoundError, ValidationError } from "../shared/index.ts";
import type { RecordReader } from "./ports.ts";
import type { Outcome, Processor } from "./processor.ts";

/**
 * Replays a dead letter through the event path, as stored or with a corrected body. On
 * success the dead letter is marked replayed with the event id; on failure it stays pending
 * (no second dead letter is made) and the problems are returned in a ValidationError.
 */
export async function replayDeadLetter(
	processor: Processor,
	reader: RecordReader,
	id: string,
	opts: { body?: string; who: string; now: number },
): Promise<Outcome> {
	const dl = await reader.getDeadLetter(id);
	if (!dl) throw new NotFoundError(`no dead letter ${id}`);
	if (dl.status !== "pending") throw new ConflictError(`dead letter ${id} is already ${dl.status}`);
	if (dl.truncated && opts.body === undefined)
		throw new ValidationError(`dead letter ${id} was cut at its size limit; replay it with a corrected body`, [
			{ pointer: "", message: "the stored body is incomplete", code: "truncated" },
		]);
	const [out] = await processor.submit([opts.body ?? dl.raw], {
		source: `replay:${id}:${opts.who}`,
		deadLetter: false,
	});
	if (!out) throw new Error("no outcome");
	if (out.status === "rejected") throw new ValidationError(`dead letter ${id} is still invalid`, out.problems);
	await reader.resolveDeadLetter(id, "replayed", out.decision.eventId, opts.now);
	return out;
}
