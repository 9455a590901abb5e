import type { ActionRecord } from "../enforcement/records.ts";
import type { RuleCostReport } from "./costs.ts";
import type { ListInfo, RuleInfo } from "./pack.ts";
import type { SourceFile } from "./source.ts";

/**
 * How a version became the active one: `deploy` (over the API or `bulwark rules deploy`),
 * `rollback` (an earlier version made active again), `folder` (a rules folder recorded at start:
 * one named with `--rules`, or the one that ran before the first deploy).
 */
export const RULE_DEPLOY_KINDS = ["deploy", "rollback", "folder"] as const;
export type RuleDeployKind = (typeof RULE_DEPLOY_KINDS)[number];

/** One entry of the deploy history: a version made active, by whom, why. The last one is active. */
export interface RuleDeploy {
	/** 1, 2, 3, ...: the order of deploys. */
	seq: number;
	/** The content hash of the pack (`loadRulesDir`'s version): the same files, the same version. */
	version: string;
	kind: RuleDeployKind;
	/** The API key's name, the person named in the request, or `system`. */
	author: string;
	message: string;
	/** Milliseconds since the epoch. */
	at: number;
}

/** A version as stored: its files, and when it was first recorded. */
export interface StoredRuleVersion {
	version: string;
	/** Paths relative to the pack's folder (`spam.rules`, `sub/x.rules`), in path order. */
	files: SourceFile[];
	createdAt: number;
}

/** What one deploy writes: the version (once per content), the history row and its audit row, together. */
export interface RuleDeployWrite {
	version: string;
	files: readonly SourceFile[];
	kind: RuleDeployKind;
	author: string;
	message: string;
	at: number;
	/** The audit log's row for it (`who` did `rules.deploy` on `rules:<version>`); absent for `system`. */
	audit?: ActionRecord;
}

/**
 * Where rule versions and the deploy history are kept durably (SQLite in the embedded system).
 * Declared here, by its user (the deployer in `app/`); narrow on purpose.
 */
export interface RuleVersionRepository {
	/** The last deploy (the active version), if any. */
	active(): Promise<RuleDeploy | undefined>;
	/** Records a deploy atomically (version row if new, history row, audit row); returns the history row. */
	record(w: RuleDeployWrite): Promise<RuleDeploy>;
	/** Deploys newest first; `before` is a seq (exclusive). */
	history(opts: { limit: number; before?: number; version?: string }): Promise<RuleDeploy[]>;
	get(version: string): Promise<StoredRuleVersion | undefined>;
}

/** How often a rule fired, matched in shadow, was held back by its rollout, came out errored (since start). */
export interface RuleOutcomeCounts {
	fired: number;
	shadow: number;
	heldBack: number;
	errored: number;
}

/** What `GET /v1/rules` shows: the running version, where it came from, its rules with their counts. */
export interface RulesStatus {
	/** null when the server runs without rules. */
	version: string | null;
	/** `deploy`: the database's active version; `folder`: a folder not (yet) in the history; `none`: no rules. */
	source: "deploy" | "folder" | "none";
	/** The history row that made it active (source `deploy`). */
	deploy: RuleDeploy | null;
	/** The folder it was read from at start (source `folder`). */
	dir: string | null;
	files: string[];
	/** Each rule with its outcomes and its cost (counted and sampled since start, across versions, by name). */
	rules: (RuleInfo & { counts: RuleOutcomeCounts; cost: Omit<RuleCostReport, "rule"> })[];
	features: string[];
	lists: ListInfo[];
}

/** The answer to a deploy or a rollback. */
export interface DeployOutcome {
	/** false: this content was running already; nothing was recorded or swapped. */
	changed: boolean;
	version: string;
	/** The version that ran before (null: none). */
	previous: string | null;
	/** The history row written, or (unchanged) the one of the running version, if it has one. */
	deploy: RuleDeploy | null;
	rules: number;
	warnings: string[];
	/** Time to compile the new version (it runs on the event loop, between events). */
	compileMs: number;
}

/** A version from the history with its files and every deploy of it. */
export interface RuleVersionView extends StoredRuleVersion {
	deploys: RuleDeploy[];
}

/** A deploy as the history shows it: `active` marks the row of the version running now. */
export type RuleDeployView = RuleDeploy & { active: boolean };

export interface DeployInput {
	/** Paths relative to the pack's folder (`spam.rules`, `sub/x.rules`). */
	files: readonly SourceFile[];
	message: string;
	/** Who wrote it: defaults to the caller. */
	author: string;
	/** The audit log's `who`: `apikey:<name>`. */
	who: string;
}

export interface RollbackInput {
	version: string;
	message: string;
	author: string;
	who: string;
}
