import type { Registry } from "prom-client";
import type { ApiKeyStore } from "../core/access/index.ts";
import type { FeatureCatalog, WindowStore } from "../core/features/index.ts";
import type { Bus, Processor, RecordReader } from "../core/pipeline/index.ts";
import type { Clock } from "../core/shared/index.ts";

/** What the HTTP API needs from the running system; wired in `app/`. */
export interface ApiDeps {
	processor: Processor;
	reader: RecordReader;
	keys: ApiKeyStore;
	/** SHA-256 hashes of keys given in BULWARK_API_KEYS (never stored, never logged). */
	envKeyHashes: ReadonlySet<string>;
	features: FeatureCatalog;
	windows: WindowStore;
	bus: Bus;
	clock: Clock;
	metrics: Registry;
	/** True once storage is open and the windows are rebuilt. */
	ready(): Promise<{ ok: boolean; checks: Record<string, string> }>;
}

export interface ApiOptions {
	/** Largest body for POST /v1/events and other JSON routes, in bytes. */
	bodyLimit: number;
	/** Largest NDJSON body for POST /v1/events/batch, in bytes. */
	batchLimit: number;
	/** Most lines in one batch. */
	batchMaxLines: number;
	/** Events per second per API key (token bucket, burst = 2 s worth); 0 turns it off. */
	rateLimit: number;
	logLevel: string;
}
