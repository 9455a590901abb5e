import { eventSource } from "./events.ts";

/**
 * NDJSON bodies of `count` new events, `perBatch` lines each (the last may be shorter).
 * @example ndjsonBodies(2_500, 1_000, "run-1").length // 3
 */
export function ndjsonBodies(count: number, perBatch: number, prefix: string): string[] {
	const next = eventSource({ prefix });
	const out: string[] = [];
	for (let left = count; left > 0; left -= perBatch) {
		out.push(Array.from({ length: Math.min(perBatch, left) }, next).join("\n"));
	}
	return out;
}

const lineCount = (body: string) => body.split("\n").length;

/**
 * POSTs every body to `url`/v1/events/batch with `inFlight` requests at a time and returns the
 * seconds it took. Throws unless every answer is 2xx and accepted every line of its batch.
 */
export async function postBatches(url: string, key: string, all: readonly string[], inFlight: number): Promise<number> {
	let i = 0;
	const worker = async () => {
		while (i < all.length) {
			const body = all[i++] as string;
			const res = await fetch(`${url}/v1/events/batch`, {
				method: "POST",
				headers: { "content-type": "application/x-ndjson", authorization: `Bearer ${key}` },
				body,
			});
			const text = await res.text();
			const r = (res.ok ? JSON.parse(text) : {}) as { accepted?: number };
			if (r.accepted !== lineCount(body)) throw new Error(`a batch was answered ${res.status}: ${text.slice(0, 500)}`);
		}
	};
	const t0 = performance.now();
	await Promise.all(Array.from({ length: inFlight }, worker));
	return (performance.now() - t0) / 1000;
}
