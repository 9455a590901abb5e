import { userInfo } from "node:os";
import { FeatureCatalog } from "../core/features/index.ts";
import type { RulesHolder } from "../core/pipeline/index.ts";
import type {
	DeployInput,
	DeployOutcome,
	MemoryListStore,
	RollbackInput,
	RuleDeploy,
	RuleDeployKind,
	RuleDeployView,
	RuleOutcomeCounts,
	RulesStatus,
	RuleVersionRepository,
	RuleVersionView,
	SourceFile,
} from "../core/rules/index.ts";
import {
	type Clock,
	ConflictError,
	NotFoundError,
	newId,
	type Problem,
	ValidationError,
} from "../core/shared/index.ts";
import {
	type CompiledRules,
	compileRuleFiles,
	type LoadedRules,
	loadRulesDir,
	RulesLoadError,
	versionOf,
} from "./rules.ts";

export interface RulesDeployerDeps {
	holder: RulesHolder;
	features: FeatureCatalog;
	/** The running list store: every version reads its managed lists from it, so entries live on. */
	lists: MemoryListStore;
	repo: RuleVersionRepository;
	clock: Clock;
	counts(rule: string): RuleOutcomeCounts;
	/** What runs now (undefined: the server runs without rules and refuses deploys). */
	start: RulesAtStart | undefined;
	log?: (msg: string) => void;
}

const MAX_FILES = 500;
const PATH = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*(\/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*\.rules$/;

/**
 * Versioned rule deploys on a running system: check and compile a new version (between events,
 * never inside one), record it durably with its author and message (and an audit row), then make
 * it live in one synchronous step: the features it declares join the window store's catalogue
 * and the holder the processor reads once per event points at the new pack. Every version reads
 * its managed lists from the running store, so their entries live on (the lists a version adds
 * are created, empty, as it compiles). A version that does not compile is refused with every
 * diagnostic and the running one stays. Deploys run one at a time.
 * @example
 * await deployer.deploy({ files: [{ path: "spam.rules", text }], message: "tighten spam_post", author: "ops", who: "apikey:ops" });
 * await deployer.rollback({ version: "3f2a9c1b7d0e", message: "false positives", author: "ops", who: "apikey:ops" });
 */
export class RulesDeployer {
	private running: CompiledRules | undefined;
	private deployRow: RuleDeploy | undefined;
	private dir: string | undefined;
	private queue: Promise<unknown> = Promise.resolve();

	constructor(private readonly deps: RulesDeployerDeps) {
		this.running = deps.start?.rules;
		this.deployRow = deps.start?.deploy;
		this.dir = deps.start?.dir;
	}

	status(): RulesStatus {
		const r = this.running;
		if (!r)
			return { version: null, source: "none", deploy: null, dir: null, files: [], rules: [], features: [], lists: [] };
		return {
			version: r.version,
			source: this.deployRow ? "deploy" : "folder",
			deploy: this.deployRow ?? null,
			dir: this.deployRow ? null : (this.dir ?? null),
			files: r.sources.map((s) => s.path),
			rules: r.pack.rules.map((info) => {
				const { rule: _, ...cost } = this.deps.holder.costs.report(info.name);
				return { ...info, counts: this.deps.counts(info.name), cost };
			}),
			features: r.pack.features.map((f) => f.name),
			lists: [...r.pack.lists],
		};
	}

	/** Checks, compiles, records and swaps in `files`; the same content as the running one is a no-op. */
	deploy(input: DeployInput): Promise<DeployOutcome> {
		const problems = fileProblems(input.files);
		if (problems.length) return Promise.reject(new ValidationError("invalid rules files", problems));
		return this.serially(() =>
			this.activate(input.files, "deploy", input, (d) => fileProblemPointer(input.files, d.span.file)),
		);
	}

	/** Makes an earlier version active again (recorded as a deploy of kind `rollback`). */
	rollback(input: RollbackInput): Promise<DeployOutcome> {
		return this.serially(async () => {
			const stored = await this.deps.repo.get(input.version);
			if (!stored) throw new NotFoundError(`no rules version "${input.version}" in the history`, "/version");
			return this.activate(stored.files, "rollback", input, () => "/version");
		});
	}

	/** The deploy history, newest first; `before` is a seq (exclusive). */
	async history(opts: { limit: number; before?: number }): Promise<RuleDeployView[]> {
		const rows = await this.deps.repo.history(opts);
		return rows.map((d) => ({ ...d, active: d.seq === this.deployRow?.seq }));
	}

	async version(version: string): Promise<RuleVersionView | undefined> {
		const stored = await this.deps.repo.get(version);
		if (!stored) return undefined;
		return { ...stored, deploys: await this.deps.repo.history({ version, limit: 1_000 }) };
	}

	private serially<T>(fn: () => Promise<T>): Promise<T> {
		const run = this.queue.then(fn, fn);
		this.queue = run.catch(() => {});
		return run;
	}

	private async activate(
		files: readonly SourceFile[],
		kind: RuleDeployKind,
		input: { message: string; author: string; who: string },
		pointerOf: (d: { span: { file: string } }) => string,
	): Promise<DeployOutcome> {
		const { holder, features, lists, repo, clock } = this.deps;
		const prev = this.running;
		if (!prev)
			throw new ConflictError(
				"the server runs without rules (--rules none, or no rules folder at start): restart it with rules to deploy",
			);
		const version = versionOf(files);
		if (version === prev.version)
			return {
				changed: false,
				version,
				previous: prev.version,
				deploy: this.deployRow ?? null,
				rules: prev.pack.rules.length,
				warnings: [],
				compileMs: 0,
			};

		const t0 = performance.now();
		let next: CompiledRules;
		try {
			next = compileRuleFiles(files, { lists });
		} catch (err) {
			if (!(err instanceof RulesLoadError)) throw err;
			const errors = err.found.filter((d) => d.severity === "error").length;
			throw new ValidationError(
				`version ${version} does not compile (${errors} error${errors === 1 ? "" : "s"}); version ${prev.version} keeps running`,
				err.found.map((d, i) => ({ pointer: pointerOf(d), message: err.diagnostics[i] as string, code: d.code })),
			);
		}
		const compileMs = Math.round((performance.now() - t0) * 100) / 100;
		// The catalogue the swap will make, built now: a clash refuses the deploy before anything is written.
		const kept = features.all().filter((s) => !prev.features.includes(s));
		try {
			new FeatureCatalog([...kept, ...next.features]);
		} catch (err) {
			throw new ConflictError(`version ${version} cannot run beside the built-in features: ${(err as Error).message}`);
		}

		const at = clock.now();
		// The folder that ran before the first deploy goes into the history first, so it can be rolled back to.
		if (!this.deployRow)
			this.deployRow = await repo.record({
				version: prev.version,
				files: prev.sources,
				kind: "folder",
				author: "system",
				message: `ran from ${this.dir ?? "a folder"} before the first deploy`,
				at,
			});
		const row = await repo.record({
			version,
			files: next.sources,
			kind,
			author: input.author,
			message: input.message,
			at,
			audit: {
				id: newId(),
				ts: at,
				who: input.who,
				kind: `rules.${kind}`,
				entity: `rules:${version}`,
				reason: input.message,
				details: {
					version,
					previous: prev.version,
					author: input.author,
					files: next.files,
					rules: next.pack.rules.length,
				},
				eventId: null,
			},
		});

		// The swap, in one synchronous step: the processor takes the pack and queries the catalogue
		// in one synchronous stretch of each event, so every event sees one version, whole.
		features.replace(prev.features, next.features);
		holder.swap({ pack: next.pack, version });
		this.running = next;
		this.deployRow = row;
		this.dir = undefined;
		this.deps.log?.(
			`rules: ${kind} #${row.seq} by ${input.author}: version ${version} replaces ${prev.version} (${next.pack.rules.length} rules, compiled in ${compileMs} ms)`,
		);
		return {
			changed: true,
			version,
			previous: prev.version,
			deploy: row,
			rules: next.pack.rules.length,
			warnings: next.warnings,
			compileMs,
		};
	}
}

/** Bad paths (not a relative `*.rules` path, a `..`, a repeat) and too many files, as problems. */
function fileProblems(files: readonly SourceFile[]): Problem[] {
	const problems: Problem[] = [];
	if (!files.length) problems.push({ pointer: "/files", message: "give at least one .rules file", code: "required" });
	if (files.length > MAX_FILES)
		problems.push({ pointer: "/files", message: `at most ${MAX_FILES} files`, code: "too_many" });
	const seen = new Set<string>();
	files.forEach((f, i) => {
		if (!PATH.test(f.path) || f.path.length > 255)
			problems.push({
				pointer: `/files/${i}/path`,
				message:
					"must be a relative path of letters, digits, `_ - .` and `/`, ending in .rules (e.g. spam.rules, sub/x.rules)",
				code: "pattern",
			});
		else if (seen.has(f.path))
			problems.push({ pointer: `/files/${i}/path`, message: `"${f.path}" is given twice`, code: "duplicate" });
		seen.add(f.path);
	});
	return problems;
}

function fileProblemPointer(files: readonly SourceFile[], path: string): string {
	const i = files.findIndex((f) => f.path === path);
	return i < 0 ? "/files" : `/files/${i}/text`;
}

/** The pack that runs at start, where it came from, and what the start-up log should say about it. */
export interface RulesAtStart {
	rules: CompiledRules;
	/** For the start-up log: the folder, or `the database (deploy #3 by ops, ...)`. */
	from: string;
	/** The history row of the running version, when it is the database's active one. */
	deploy?: RuleDeploy;
	/** The folder it was read from. */
	dir?: string;
	/** More start-up log lines (a folder that replaced the deployed version). */
	notes: string[];
}

/**
 * Which pack runs at start. An explicit folder (`--rules DIR`, `BULWARK_RULES`; given compiled)
 * wins, and is recorded as a new deploy when its content differs from the database's active
 * version (so that version stays in the history, ready to roll back to). Otherwise the database's
 * active version runs when there is one, and the default folder when there is not.
 */
export async function rulesAtStart(o: {
	/** The explicit folder, compiled; undefined when none was given. */
	explicit: LoadedRules | undefined;
	/** The folder to run when neither an explicit folder nor a deployed version is there. */
	fallback: string | null;
	repo: RuleVersionRepository;
	clock: Clock;
	/** Record nothing (a reader beside a running server). */
	readOnly: boolean;
}): Promise<RulesAtStart | undefined> {
	const active = await o.repo.active();
	if (o.explicit) {
		const rules = o.explicit;
		const base = { rules, dir: rules.dir, from: rules.dir, notes: [] as string[] };
		if (active?.version === rules.version) return { ...base, deploy: active };
		if (o.readOnly) return base;
		const user = osUser();
		const at = o.clock.now();
		const message = `started with --rules ${rules.dir}`;
		const deploy = await o.repo.record({
			version: rules.version,
			files: rules.sources,
			kind: "folder",
			author: user,
			message,
			at,
			audit: {
				id: newId(),
				ts: at,
				who: `cli:${user}`,
				kind: "rules.folder",
				entity: `rules:${rules.version}`,
				reason: message,
				details: { version: rules.version, previous: active?.version ?? null, author: user, files: rules.files },
				eventId: null,
			},
		});
		if (active)
			base.notes.push(
				`rules: the folder replaces version ${active.version} (${active.kind} #${active.seq} by ${active.author}), which stays in the history: bulwark rules rollback ${active.version}`,
			);
		return { ...base, from: `${rules.dir}, recorded as deploy #${deploy.seq}`, deploy };
	}
	if (active) {
		const stored = await o.repo.get(active.version);
		if (!stored) throw new Error(`rules: the active version ${active.version} is missing from the database`);
		let rules: CompiledRules;
		try {
			rules = compileRuleFiles(stored.files);
		} catch (err) {
			if (!(err instanceof RulesLoadError)) throw err;
			throw new RulesLoadError(
				`version ${active.version}, active in the database (start with --rules DIR to run a folder instead, or --rules none)`,
				err.diagnostics,
				err.found,
			);
		}
		const when = new Date(active.at).toISOString();
		return {
			rules,
			deploy: active,
			from: `the database (${active.kind} #${active.seq} by ${active.author} at ${when}: ${JSON.stringify(active.message)})`,
			notes: [],
		};
	}
	if (o.fallback === null) return undefined;
	const rules = loadRulesDir(o.fallback);
	return { rules, dir: rules.dir, from: rules.dir, notes: [] };
}

function osUser(): string {
	try {
		return userInfo().username || "operator";
	} catch {
		return "operator";
	}
}
