// The part of autocannon@8's programmatic API the benchmarks use (the package ships no types).
declare module "autocannon" {
	import type { EventEmitter } from "node:events";

	namespace autocannon {
		interface Request {
			method?: string;
			path?: string;
			headers?: Record<string, string>;
			body?: string | Buffer;
			setupRequest?: (req: Request, context: Record<string, unknown>) => Request;
		}
		interface Options {
			url: string;
			connections?: number;
			duration?: number;
			amount?: number;
			overallRate?: number;
			pipelining?: number;
			timeout?: number;
			requests?: Request[];
		}
		interface Histogram {
			average: number;
			p50: number;
			p99: number;
			p99_9: number;
			max: number;
			total: number;
		}
		interface Result {
			duration: number;
			errors: number;
			timeouts: number;
			non2xx: number;
			mismatches: number;
			statusCodeStats: Record<string, { count: number }>;
			latency: Histogram;
			requests: Histogram & { sent: number };
		}
		type Instance = EventEmitter & PromiseLike<Result>;
	}
	function autocannon(opts: autocannon.Options): autocannon.Instance;
	export = autocannon;
}
