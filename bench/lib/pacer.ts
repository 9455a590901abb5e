import net from "node:net";
import type { Target } from "./load.ts";

export interface Latency {
	p50Ms: number;
	p99Ms: number;
	p999Ms: number;
	count: number;
}

const MAX_SOCKETS = 64;

/** One keep-alive connection with at most one request in flight; answers need a Content-Length. */
class Conn {
	readonly sock: net.Socket;
	private buf: Buffer | null = null;
	private started = 0;
	private onDone: ((status: number | string, ms: number) => void) | null = null;

	constructor(port: number, host: string, onIdle: (c: Conn) => void, onGone: (c: Conn) => void) {
		this.sock = net.connect({ port, host, noDelay: true });
		this.sock.on("data", (chunk: Buffer) => {
			this.buf = this.buf ? Buffer.concat([this.buf, chunk]) : chunk;
			const end = this.buf.indexOf("\r\n\r\n");
			if (end < 0) return;
			const head = this.buf.toString("latin1", 0, end);
			const len = /\r\ncontent-length: *(\d+)/i.exec(head)?.[1];
			if (len === undefined) return this.sock.destroy(new Error("an answer without Content-Length"));
			const total = end + 4 + Number(len);
			if (this.buf.length < total) return;
			if (this.buf.length > total) return this.sock.destroy(new Error("more bytes than one answer"));
			const status = Number(head.slice(9, 12));
			const problem = status === 200 ? 200 : `status ${status}: ${this.buf.toString("utf8", end + 4, end + 304)}`;
			this.buf = null;
			const done = this.onDone;
			this.onDone = null;
			done?.(problem, performance.now() - this.started);
			onIdle(this);
		});
		this.sock.on("error", () => {});
		this.sock.on("close", () => {
			this.onDone?.("the connection closed", performance.now() - this.started);
			this.onDone = null;
			onGone(this);
		});
	}

	send(request: string, started: number, done: (status: number | string, ms: number) => void): void {
		this.started = started;
		this.onDone = done;
		this.sock.write(request);
	}
}

/**
 * Open-loop fixed rate: requests start on a schedule of `rate` a second whatever the answers,
 * each on an idle keep-alive connection (up to 64, then queued), and each latency runs from its
 * scheduled start to the end of its answer. A bare socket client, so that the load generator's
 * own work stays small next to what it measures. (autocannon's `overallRate` is not used: each
 * connection sends its second's quota back to back and then idles, which measures bursts of
 * `connections` concurrent requests, not a steady rate.) Throws if any request failed.
 */
export async function fixedRateLatency(t: Target, rate: number, seconds: number): Promise<Latency> {
	const { hostname, port } = new URL(t.url);
	const head = `POST ${t.path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n${Object.entries(t.headers)
		.map(([k, v]) => `${k}: ${v}\r\n`)
		.join("")}`;
	const total = Math.round(rate * seconds);
	const lat = new Float64Array(total);
	const problems: string[] = [];
	const idle: Conn[] = [];
	const all = new Set<Conn>();
	const queue: { i: number; at: number }[] = [];
	let done = 0;
	let finish: () => void = () => {};
	const finished = new Promise<void>((r) => {
		finish = r;
	});
	const onIdle = (c: Conn) => {
		const next = queue.shift();
		if (next) dispatch(c, next.i, next.at);
		else idle.push(c);
	};
	const onGone = (c: Conn) => {
		all.delete(c);
		const k = idle.indexOf(c);
		if (k >= 0) idle.splice(k, 1);
	};
	const dispatch = (c: Conn, i: number, at: number) => {
		const body = t.body();
		c.send(`${head}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`, at, (status, ms) => {
			lat[i] = ms;
			if (status !== 200) problems.push(String(status));
			if (++done === total) finish();
		});
	};
	const start = (i: number, at: number) => {
		const c = idle.pop();
		if (c) return dispatch(c, i, at);
		if (all.size < MAX_SOCKETS) {
			const fresh = new Conn(Number(port), hostname, onIdle, onGone);
			all.add(fresh);
			return dispatch(fresh, i, at);
		}
		queue.push({ i, at });
	};
	let started = 0;
	const begin = performance.now();
	const tick = () => {
		const now = performance.now();
		const due = Math.min(total, Math.floor(((now - begin) * rate) / 1000) + 1);
		while (started < due) start(started++, now);
		if (started < total) setTimeout(tick, 1);
	};
	let seen = -1;
	const watchdog = setInterval(() => {
		if (done === seen) {
			problems.push("no answer for 10 s");
			finish();
		}
		seen = done;
	}, 10_000);
	tick();
	await finished;
	clearInterval(watchdog);
	for (const c of all) c.sock.destroy();
	if (problems.length)
		throw new Error(
			`${problems.length} of ${total} requests failed at ${rate} req/s: ${problems.slice(0, 5).join("; ")}`,
		);
	lat.sort();
	const at = (q: number) => lat[Math.min(total - 1, Math.ceil(q * total) - 1)] as number;
	return { p50Ms: at(0.5), p99Ms: at(0.99), p999Ms: at(0.999), count: total };
}
