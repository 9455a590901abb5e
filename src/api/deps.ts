import type { Registry } from "prom-client";
import type { ApiKeyStore } from "../core/access/index.ts";
import type { FeatureCatalog, WindowStore } from "../core/features/index.ts";
import type { Bus, Processor, RecordReader } from "../core/pipeline/index.ts";
import type {
	DeployInput,
	DeployOutcome,
	ManagedLists,
	RollbackInput,
	RuleDeployView,
	RulesStatus,
	RuleVersionView,
} from "../core/rules/index.ts";
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
	/** Managed lists (/v1/lists): durable, audited, read by the next event. */
	lists: ManagedLists;
	/** Versioned rule deploys (/v1/rules): the running version, deploy, rollback, history. */
	rules: RulesAdmin;
	/** True once storage is open and the windows are rebuilt. */
	ready(): Promise<{ ok: boolean; checks: Record<string, string> }>;
}

/** What the /v1/rules routes need of the running system (`RulesDeployer` in app/). */
export interface RulesAdmin {
	status(): RulesStatus;
	deploy(input: DeployInput): Promise<DeployOutcome>;
	rollback(input: RollbackInput): Promise<DeployOutcome>;
	history(opts: { limit: number; before?: number }): Promise<RuleDeployView[]>;
	version(version: string): Promise<RuleVersionView | undefined>;
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
