import type { Command } from "../main.ts";

/**
 * One command name over several kinds, chosen by the first positional: `train text ...`,
 * `train accounts ...`. The options are the union of the kinds' (parsing is strict), and a flag
 * that the chosen kind does not take is refused rather than ignored.
 * @example byKind("train", { text: trainTextCommand, accounts: trainAccountsCommand })
 */
export function byKind(verb: string, kinds: Record<string, Command>): Command {
	const options: Command["options"] = {};
	for (const [kind, c] of Object.entries(kinds))
		for (const [name, o] of Object.entries(c.options)) {
			const had = options[name];
			if (had && had.type !== o.type) throw new Error(`${verb} ${kind}: option --${name} clashes with another kind's`);
			options[name] = o;
		}
	const list = Object.keys(kinds).join("|");
	return {
		usage: Object.values(kinds)
			.map((c) => c.usage)
			.join(`\n  `),
		summary: Object.entries(kinds)
			.map(([k, c]) => `${k}: ${c.summary}`)
			.join("; "),
		options,
		async run(pos, flags) {
			const kind = pos[0];
			const c = kind === undefined ? undefined : kinds[kind];
			if (!c)
				throw new Error(`usage: bulwark ${verb} ${list} ... (got ${kind === undefined ? "nothing" : `"${kind}"`})`);
			for (const [name, v] of Object.entries(flags))
				if (v !== undefined && name !== "json" && name !== "help" && !(name in c.options))
					throw new Error(`--${name} is not an option of \`${verb} ${kind}\``);
			return c.run(pos, flags);
		},
	};
}
