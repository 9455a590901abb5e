import { parseArgs } from "node:util";
import { SETTINGS } from "../app/config.ts";
import { backtestCommand } from "./commands/backtest.ts";
import { byKind } from "./commands/by-kind.ts";
import { demoCommand } from "./commands/demo.ts";
import { entityCommand } from "./commands/entity.ts";
import { evalAccountsCommand } from "./commands/eval-accounts.ts";
import { evalObfuscationCommand } from "./commands/eval-obfuscation.ts";
import { evalTextCommand } from "./commands/eval-text.ts";
import { exportAccountsCommand } from "./commands/export-accounts.ts";
import { ingestCommand } from "./commands/ingest.ts";
import { keysCommand } from "./commands/keys.ts";
import { listsCommand } from "./commands/lists.ts";
import { rulesCommand } from "./commands/rules.ts";
import { scorecardCommand } from "./commands/scorecard.ts";
import { serveCommand } from "./commands/serve.ts";
import { simulateCommand } from "./commands/simulate.ts";
import { trainAccountsCommand } from "./commands/train-accounts.ts";
import { trainTextCommand } from "./commands/train-text.ts";
import { evalUnwantedCommand, trainUnwantedCommand } from "./commands/unwanted.ts";

export type Flags = Record<string, string | boolean | undefined>;
export interface Command {
	usage: string;
	summary: string;
	options: Record<string, { type: "string" | "boolean"; short?: string }>;
	run(positionals: string[], flags: Flags): Promise<number>;
}

const COMMON = { json: { type: "boolean" as const }, help: { type: "boolean" as const, short: "h" } };

export const COMMANDS: Record<string, Command> = {
	serve: serveCommand,
	ingest: ingestCommand,
	keys: keysCommand,
	lists: listsCommand,
	entity: entityCommand,
	simulate: simulateCommand,
	scorecard: scorecardCommand,
	rules: rulesCommand,
	backtest: backtestCommand,
	demo: demoCommand,
	eval: byKind("eval", {
		text: evalTextCommand,
		obfuscation: evalObfuscationCommand,
		accounts: evalAccountsCommand,
		unwanted: evalUnwantedCommand,
	}),
	export: byKind("export", { accounts: exportAccountsCommand }),
	train: byKind("train", { text: trainTextCommand, accounts: trainAccountsCommand, unwanted: trainUnwantedCommand }),
};

function help(): string {
	const cmds = Object.values(COMMANDS)
		.map((c) => `  ${c.usage.padEnd(58)} ${c.summary}`)
		.join("\n");
	const settings = SETTINGS.map(
		(s) => `  ${`${s.flag} / ${s.env}`.padEnd(48)} ${s.description} (default ${s.default || "none"})`,
	).join("\n");
	return `bulwark: real-time trust & safety detection\n\nUsage:\n${cmds}\n\nServer settings (flag or environment):\n${settings}\n\nAdd --json for output meant for programs.\n`;
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
	const [name, ...rest] = argv;
	if (!name || name === "help" || name === "--help" || name === "-h") {
		process.stdout.write(help());
		return name ? 0 : 2;
	}
	const cmd = COMMANDS[name];
	if (!cmd) {
		process.stderr.write(`unknown command "${name}"\n\n${help()}`);
		return 2;
	}
	let parsed: ReturnType<typeof parseArgs>;
	try {
		parsed = parseArgs({ args: rest, options: { ...COMMON, ...cmd.options }, allowPositionals: true, strict: true });
	} catch (err) {
		process.stderr.write(`${(err as Error).message}\nusage: bulwark ${cmd.usage}\n`);
		return 2;
	}
	if (parsed.values.help) {
		process.stdout.write(`usage: bulwark ${cmd.usage}\n${cmd.summary}\n`);
		return 0;
	}
	try {
		return await cmd.run(parsed.positionals, parsed.values as Flags);
	} catch (err) {
		process.stderr.write(`error: ${(err as Error).message}\n`);
		return 1;
	}
}
