/**
 * The sum over all label sets of one Prometheus counter on `url`/metrics.
 * @example await counterSum(server.url, "bulwark_events_total") // 200000
 */
export async function counterSum(url: string, name: string): Promise<number> {
	const res = await fetch(`${url}/metrics`);
	if (!res.ok) throw new Error(`GET /metrics answered ${res.status}`);
	let sum = 0;
	for (const line of (await res.text()).split("\n")) {
		if (line === name || line.startsWith(`${name}{`) || line.startsWith(`${name} `)) {
			sum += Number(line.slice(line.lastIndexOf(" ") + 1));
		}
	}
	return sum;
}
