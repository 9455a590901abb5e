import type { FastifyInstance } from "fastify";
import { buildServer } from "../api/index.ts";
import { generateKey, hashKey, keyPrefix } from "../core/access/index.ts";
import { newId } from "../core/shared/index.ts";
import { apiDepsOf } from "./api-deps.ts";
import { type Bulwark, openBulwark } from "./bulwark.ts";
import type { Config } from "./config.ts";

export interface Running {
	url: string;
	app: FastifyInstance;
	bulwark: Bulwark;
	close(): Promise<void>;
}

/**
 * Starts the embedded server: opens the data folder, makes a first API key when there is
 * none (printed once, stored hashed), and listens.
 */
export async function serve(
	cfg: Config,
	log: (msg: string) => void = (m) => process.stderr.write(`${m}\n`),
): Promise<Running> {
	const bulwark = await openBulwark({
		dataDir: cfg.dataDir,
		retentionMs: cfg.retentionMs,
		snapshotIntervalMs: cfg.snapshotIntervalMs,
		rules: cfg.rulesDir,
		rulesExplicit: cfg.rulesExplicit,
		textModels: cfg.textModels,
		accountModels: cfg.accountModels,
		modelsDir: cfg.modelsDir,
		log,
	});
	log(
		cfg.textModels.length
			? `text models: ${cfg.textModels.join(", ")} from ${cfg.modelsDir}`
			: "text models: none (--text-models)",
	);
	log(
		cfg.accountModels.length
			? `account models: ${cfg.accountModels.join(", ")} from ${cfg.modelsDir}`
			: "account models: none (--account-models)",
	);
	const rules = bulwark.rulesLoaded;
	if (rules) {
		for (const w of rules.warnings) log(`warning: ${w}`);
		log(
			`rules: ${rules.pack.rules.length} rules, ${rules.features.length} features, ${rules.pack.lists.length} lists from ${rules.from} (version ${rules.version})`,
		);
		for (const note of rules.notes) log(note);
	} else log("rules: none (the built-in policy decides)");
	const envKeyHashes = new Set(cfg.apiKeys.map(hashKey));
	const stored = (await bulwark.storage.list()).filter((k) => k.revokedAt === null);
	if (envKeyHashes.size === 0 && stored.length === 0) {
		const key = generateKey();
		await bulwark.storage.insert({
			id: newId(),
			name: "default",
			prefix: keyPrefix(key),
			hash: hashKey(key),
			createdAt: Date.now(),
			revokedAt: null,
		});
		process.stdout.write(
			`\nNo API key existed, so one was created. It is shown this once; store it now:\n\n  ${key}\n\nMake more with \`bulwark keys create --name NAME\`.\n\n`,
		);
	}
	const app = await buildServer(apiDepsOf(bulwark, envKeyHashes), {
		bodyLimit: cfg.bodyLimit,
		batchLimit: cfg.batchLimit,
		batchMaxLines: cfg.batchMaxLines,
		rateLimit: cfg.rateLimit,
		logLevel: cfg.logLevel,
	});
	await app.listen({ port: cfg.port, host: cfg.host });
	const address = app.server.address();
	const port = typeof address === "object" && address ? address.port : cfg.port;
	const url = `http://${cfg.host.includes(":") ? `[${cfg.host}]` : cfg.host}:${port}`;
	log(`bulwark listening on ${url} (data: ${cfg.dataDir})`);
	let closing: Promise<void> | undefined;
	return {
		url,
		app,
		bulwark,
		close: () => {
			closing ??= (async () => {
				await app.close();
				await bulwark.close();
			})();
			return closing;
		},
	};
}
