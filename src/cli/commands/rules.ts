import { readFileSync, statSync } from "node:fs";
import { MemoryStateStore } from "../../adapters/state/memory/index.ts";
import { filesUnder } from "../../app/rules.ts";
import {
	type Diagnostic,
	defaultEnv,
	formatDiagnostic,
	type LoadResult,
	loadRules,
	type SourceFile,
} from "../../core/rules/index.ts";
import {
	type RuleTestFile,
	runTestFile,
	SwitchableLists,
	type TestOutcome,
	testFileProblems,
} from "../../core/rules/testing/index.ts";
import type { Command, Flags } from "../main.ts";
import { deploy, rollback, versions } from "./rules-deploy.ts";

function readPack(dir: string): { sources: SourceFile[] } {
	if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`${dir} is not a directory`);
	const sources = filesUnder(dir, ".rules").map((path) => ({ path, text: readFileSync(path, "utf8") }));
	if (!sources.length) throw new Error(`no .rules files under ${dir}`);
	return { sources };
}

/** The diagnostic with the source line and a caret under the place. */
function withExcerpt(d: Diagnostic, sources: readonly SourceFile[]): string {
	const text = sources.find((s) => s.path === d.span.file)?.text;
	const line = text?.split("\n")[d.span.line - 1];
	if (line === undefined) return formatDiagnostic(d);
	const width = Math.max(1, Math.min(d.span.end - d.span.start, line.length - d.span.col + 1));
	const gutter = String(d.span.line).padStart(5);
	return [
		formatDiagnostic(d),
		`${gutter} | ${line.replace(/\t/g, " ")}`,
		`${" ".repeat(gutter.length)} | ${" ".repeat(d.span.col - 1)}${"^".repeat(width)}`,
	].join("\n");
}

function diagnosticJson(d: Diagnostic) {
	return {
		code: d.code,
		severity: d.severity,
		file: d.span.file,
		line: d.span.line,
		col: d.span.col,
		message: d.message,
		hint: d.hint ?? null,
		text: formatDiagnostic(d),
	};
}

function summary(r: LoadResult, files: number) {
	const errors = r.diagnostics.filter((d) => d.severity === "error").length;
	return {
		ok: errors === 0,
		files,
		rules: r.pack?.rules.length ?? null,
		features: r.pack?.features.length ?? null,
		lists: r.pack?.lists.length ?? null,
		errors,
		warnings: r.diagnostics.length - errors,
	};
}

function printDiagnostics(r: LoadResult, sources: readonly SourceFile[]): void {
	for (const d of r.diagnostics) process.stdout.write(`${withExcerpt(d, sources)}\n`);
}

async function check(dir: string, flags: Flags): Promise<number> {
	const { sources } = readPack(dir);
	const r = loadRules(sources, defaultEnv());
	const s = summary(r, sources.length);
	if (flags.json) {
		process.stdout.write(`${JSON.stringify({ ...s, diagnostics: r.diagnostics.map(diagnosticJson) })}\n`);
		return s.ok ? 0 : 1;
	}
	printDiagnostics(r, sources);
	const warn = `${s.warnings} warning${s.warnings === 1 ? "" : "s"}`;
	process.stdout.write(
		s.ok
			? `${r.diagnostics.length ? "\n" : ""}ok: ${s.files} files, ${s.rules} rules, ${s.features} features, ${s.lists} lists; ${warn}\n`
			: `\n${s.errors} error${s.errors === 1 ? "" : "s"}, ${warn} in ${s.files} file${s.files === 1 ? "" : "s"}\n`,
	);
	return s.ok ? 0 : 1;
}

async function test(dir: string, flags: Flags): Promise<number> {
	const { sources } = readPack(dir);
	const env = defaultEnv();
	const lists = new SwitchableLists();
	const r = loadRules(sources, env, { lists });
	if (!r.pack) {
		if (flags.json)
			process.stdout.write(
				`${JSON.stringify({ ok: false, passed: 0, failed: 0, files: [], diagnostics: r.diagnostics.map(diagnosticJson) })}\n`,
			);
		else {
			printDiagnostics(r, sources);
			process.stdout.write("\nthe rules do not check, so no test ran\n");
		}
		return 1;
	}
	const under = { pack: r.pack, lists, external: env.features, newStore: () => new MemoryStateStore() };
	const files: { file: string; tests: TestOutcome[]; problems: string[] }[] = [];
	for (const file of filesUnder(dir, ".test.json")) {
		let json: unknown;
		try {
			json = JSON.parse(readFileSync(file, "utf8"));
		} catch (err) {
			files.push({ file, tests: [], problems: [`not valid JSON: ${(err as Error).message}`] });
			continue;
		}
		const problems = testFileProblems(json);
		files.push({ file, tests: problems.length ? [] : await runTestFile(under, json as RuleTestFile), problems });
	}
	const passed = files.reduce((n, f) => n + f.tests.filter((t) => t.ok).length, 0);
	const failed = files.reduce((n, f) => n + f.tests.filter((t) => !t.ok).length + (f.problems.length ? 1 : 0), 0);
	if (flags.json) {
		process.stdout.write(`${JSON.stringify({ ok: failed === 0, passed, failed, files })}\n`);
		return failed ? 1 : 0;
	}
	for (const f of files) {
		for (const p of f.problems) process.stdout.write(`FAIL  ${f.file}  ${p}\n`);
		for (const t of f.tests) {
			process.stdout.write(`${t.ok ? "PASS" : "FAIL"}  ${f.file}  ${t.name} (${t.events} events)\n`);
			for (const why of t.failures) process.stdout.write(`      ${why}\n`);
		}
	}
	if (!files.length) process.stdout.write(`no .test.json files under ${dir}\n`);
	process.stdout.write(`\n${passed} passed, ${failed} failed (${files.length} test files)\n`);
	return failed ? 1 : 0;
}

const USAGE =
	"usage: bulwark rules check DIR | rules test DIR | rules deploy DIR -m MESSAGE | rules versions | rules rollback VERSION -m MESSAGE\n" +
	"  (deploy, versions, rollback: --server URL (default http://127.0.0.1:8080) --api-key K; --author NAME; --json)\n";

export const rulesCommand: Command = {
	usage: "rules check|test DIR | rules deploy DIR -m MSG | rules versions | rules rollback VERSION -m MSG",
	summary:
		"check a rules pack or run its *.test.json tests; deploy it to a running server (--server URL --api-key K), list the versions, roll back",
	options: {
		server: { type: "string" },
		target: { type: "string" },
		"api-key": { type: "string" },
		message: { type: "string", short: "m" },
		author: { type: "string" },
		limit: { type: "string" },
	},
	async run(positionals, flags) {
		const [sub, arg, extra] = positionals;
		if (extra !== undefined) {
			process.stderr.write(USAGE);
			return 2;
		}
		if (sub === "versions" && arg === undefined) return versions(flags);
		if (arg === undefined) {
			process.stderr.write(USAGE);
			return 2;
		}
		if (sub === "check") return check(arg, flags);
		if (sub === "test") return test(arg, flags);
		if (sub === "deploy") return deploy(arg, flags);
		if (sub === "rollback") return rollback(arg, flags);
		process.stderr.write(USAGE);
		return 2;
	},
};
