import autocannon from "autocannon";

export interface Target {
	url: string;
	path: string;
	headers: Record<string, string>;
	/** The next request body; every call must give a new event id. */
	body: () => string;
}

/**
 * Closed-loop maximum: `connections` keep-alive connections, each sending its next request as
 * soon as the last one is answered, for `seconds`. Throws if any request failed.
 */
export async function maxThroughput(t: Target, connections: number, seconds: number): Promise<number> {
	const r = await autocannon({
		url: t.url,
		connections,
		duration: seconds,
		requests: [
			{
				method: "POST",
				path: t.path,
				headers: t.headers,
				setupRequest: (req) => {
					req.body = t.body();
					return req;
				},
			},
		],
	});
	const failed = r.errors + r.timeouts + r.non2xx;
	if (failed > 0 || r.requests.total === 0)
		throw new Error(
			`${failed} of ${r.requests.sent} requests failed (errors ${r.errors}, timeouts ${r.timeouts}, status ${JSON.stringify(r.statusCodeStats)})`,
		);
	return r.requests.total / r.duration;
}
