// A generated 1,000-rule pack (10 files of 100 rules, 120 features, 50 lists) for the deploy
// figures of `npm run bench -- rules`: compile time (parse + check + compile) and the pause of
// the swap (the new feature catalogue and RulesHolder.swap), as a deploy on the event path does.

import { DEFAULT_FEATURES, FeatureCatalog } from "../../src/core/features/index.ts";
import { RulesHolder } from "../../src/core/pipeline/index.ts";
import {
	defaultEnv,
	formatDiagnostic,
	loadRules,
	MemoryListStore,
	type RulePack,
	type SourceFile,
} from "../../src/core/rules/index.ts";
import { Rng } from "../../src/simulator/prng.ts";

const WINDOWS = ["5m", "10m", "30m", "1h", "6h", "24h"];

/** The pack's files; `salt` changes thresholds and names of labels, so two versions differ. */
export function generatedPack(rules = 1_000, salt = 0): SourceFile[] {
	const rng = new Rng(4_000 + salt);
	const w = () => rng.pick(WINDOWS);
	const n = (lo: number, hi: number) => lo + rng.int(hi - lo + 1);
	const word = () => rng.u32().toString(36);
	const q = (xs: string[]) => xs.map((x) => JSON.stringify(x)).join(", ");
	const decls: string[] = [];
	for (let m = 0; m < 20; m++) {
		decls.push(
			`feature link_posts_${m} = count post.created where len(event.data.urls) > ${m % 3} by event.actor over ${w()}`,
			`feature likers_${m} = distinct event.actor of post.liked by event.data.postId over ${w()}`,
			`feature failed_${m} = count session.login where not event.data.success by event.context.ip over ${w()}`,
			`feature reports_${m} = count report.filed where event.data.reason == "r${m}" by account(event.data.subject.id) over ${w()}`,
			`feature repliers_${m} = distinct event.actor of post.created where has(event.data.replyTo) by event.data.replyTo.authorId over ${w()}`,
			`feature links_${m} = sum len(event.data.urls) of post.created by event.actor over ${w()}`,
		);
	}
	for (let j = 0; j < 10; j++) {
		decls.push(
			`list kw${j}: keywords = [${q(Array.from({ length: 20 }, (_, k) => (k % 4 === 0 ? `${word()} ${word()}` : word())))}]`,
			`list dom${j}: domains = [${q(Array.from({ length: 50 }, () => `${word()}.com`))}]`,
			`list ips${j}: ip_ranges = [${q(Array.from({ length: 50 }, () => `${n(1, 223)}.${n(0, 255)}.${n(0, 255)}.0/24`))}]`,
			`list media${j}: hashes = [${q(Array.from({ length: 100 }, () => `${word()}${word()}${word()}`))}]`,
			`list claims${j}: strings = [${q(Array.from({ length: 5 }, () => Array.from({ length: 10 }, word).join(" ")))}]`,
		);
	}
	const templates: ((i: number) => string)[] = [
		(i) =>
			`on post.created\n\twhen len(event.data.urls) > 0 and keyword_count(event.data.text, kw${i % 10}) >= ${n(1, 3)}\n\twhen link_posts_${i % 20}[event.actor] >= ${n(2, 20)}\n\tthen label "spam_${salt}_${i}" for 1h`,
		(i) =>
			`on post.liked, post.reposted\n\twhen likers_${i % 20}[event.data.postId] >= ${n(5, 50)}\n\tthen label event.data.postId "boost_${i}" for 1d`,
		() =>
			`on account.created\n\twhen matches(event.data.handle, "^[a-z]+[0-9]{${n(3, 8)}}$") and ends_with(lower(event.data.email), "@${word()}.com")\n\tthen challenge "phone"`,
		(i) =>
			`on session.login\n\twhen not event.data.success\n\twhen failed_${i % 20}[event.context.ip] >= ${n(3, 30)}\n\tthen challenge "captcha"`,
		(i) =>
			`on post.created\n\twhen any_in(event.data.urls, dom${i % 10}) or event.context.ip in ips${i % 10}\n\tthen review in "spam" severity 0.${n(1, 9)}`,
		(i) =>
			`on post.created, account.followed\n\twhen score("velocity.posts") >= 0.${n(1, 9)} and has_label(event.actor, "spam_${salt}_${(i + 7) % rules}")\n\tthen limit in search for 1h`,
		(i) =>
			`on post.created\n\twhen max_similarity(event.data.text, claims${i % 10}) >= 0.${n(3, 9)}\n\tshadow\n\tthen label event.data.postId "claim_${i}" for 1d`,
		(i) =>
			`on report.filed\n\twhen event.data.subject.kind == "account"\n\twhen reports_${i % 20}[account(event.data.subject.id)] >= ${n(2, 10)}\n\tthen review account(event.data.subject.id) in "reports"`,
		(i) =>
			`on post.created\n\twhen has(event.data.replyTo) and keyword_count(event.data.text, kw${i % 10}) >= 1\n\twhen repliers_${i % 20}[event.data.replyTo.authorId] >= ${n(3, 12)}\n\trollout ${n(5, 95)}%\n\tthen label "harass_${i}" for 1d`,
		(i) =>
			`on post.created\n\twhen any_in(event.data.mediaHashes, media${i % 10}) or links_${i % 20}[event.actor] >= ${n(20, 60)}\n\tthen\n\t\tlabel event.data.postId "media_${i}" for 7d\n\t\tblock`,
	];
	const files: SourceFile[] = [{ path: "generated/decls.rules", text: `${decls.join("\n")}\n` }];
	for (let f = 0; f * 100 < rules; f++) {
		const body: string[] = [];
		for (let i = f * 100; i < Math.min(rules, (f + 1) * 100); i++)
			body.push(
				`## Generated rule ${i}.\nrule g${i} {\n\t${(templates[i % templates.length] as (i: number) => string)(i)}\n}`,
			);
		files.push({ path: `generated/rules-${String(f).padStart(2, "0")}.rules`, text: `${body.join("\n\n")}\n` });
	}
	return files;
}

/** parse + check + compile; throws with the diagnostics when the generated pack does not compile. */
export function compilePack(files: readonly SourceFile[]): RulePack {
	const { pack, diagnostics } = loadRules(files, defaultEnv(), { lists: new MemoryListStore() });
	if (!pack) throw new Error(`the generated pack does not compile:\n${diagnostics.map(formatDiagnostic).join("\n")}`);
	return pack;
}

export interface DeployFigures {
	rules: number;
	/** The first compile in this process (cold code). */
	compileMsCold: number;
	/** Median of the later compiles. */
	compileMs: number;
	/** Median of the swaps: the catalogue with the new pack's features, and RulesHolder.swap. */
	pauseMs: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Compiles two versions of the generated pack `runs` times each and swaps between them. */
export function measureDeploy(rules: number, runs: number): DeployFigures {
	const versions = [generatedPack(rules, 0), generatedPack(rules, 1)];
	const t0 = performance.now();
	const first = compilePack(versions[0] as SourceFile[]);
	const compileMsCold = performance.now() - t0;
	const compiles: number[] = [];
	const pauses: number[] = [];
	const holder = new RulesHolder({ pack: first, version: "v0" });
	let catalog = new FeatureCatalog([...DEFAULT_FEATURES, ...first.features]);
	for (let k = 0; k < runs * 2; k++) {
		const files = versions[(k + 1) % 2] as SourceFile[];
		const c0 = performance.now();
		const pack = compilePack(files);
		compiles.push(performance.now() - c0);
		const p0 = performance.now();
		catalog = new FeatureCatalog([...DEFAULT_FEATURES, ...pack.features]);
		holder.swap({ pack, version: `v${k + 1}` });
		pauses.push(performance.now() - p0);
	}
	if (!catalog.get("likers_0") || holder.current()?.pack.rules.length !== rules)
		throw new Error("the swap did not take the new pack");
	return { rules, compileMsCold, compileMs: median(compiles), pauseMs: median(pauses) };
}
