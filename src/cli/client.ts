/** A small client for a running Bulwark server, used by the CLI. */
export class BulwarkClient {
	constructor(
		private readonly base: string,
		private readonly apiKey: string,
	) {}

	/** `body` may be a stream (a large upload sent as it is read, e.g. `bulwark lists import`). */
	async request<T>(
		method: string,
		path: string,
		body?: string | ReadableStream<Uint8Array>,
		contentType = "application/json",
	): Promise<T> {
		const res = await fetch(new URL(path, this.base), {
			method,
			headers: {
				authorization: `Bearer ${this.apiKey}`,
				...(body !== undefined ? { "content-type": contentType } : {}),
			},
			body,
			...(typeof body === "object" ? { duplex: "half" } : {}),
		});
		const text = await res.text();
		const json = text ? JSON.parse(text) : undefined;
		if (!res.ok) {
			const problems = (json?.problems ?? [])
				.map((p: { pointer: string; message: string }) => `\n  ${p.pointer || "/"}: ${p.message}`)
				.join("");
			throw new Error(`${method} ${path} -> ${res.status} ${json?.title ?? ""}: ${json?.detail ?? text}${problems}`);
		}
		return json as T;
	}
}
