// The per-event cost of serving the account models, in process: the same events submitted to
// `processor.submit` (1,000 a batch, 2 in flight, default rules, embedded SQLite, as the ingest
// bench's in-process subject) with --account-models none, bot, behaviour and bot,behaviour, the
// configurations interleaved round by round so that a shared machine's noise falls on all of them.
// Prints events/s per configuration and round, the medians and each one's cost against none.
// With --isolated, what each detector adds alone (its window ops, its reads, its second read when
// due, detect) in CPU µs per event over the same stream, 5 passes each, and the bot detector as it
// was (all five windows read on every post) beside it.
//
//   node --import tsx scripts/account-models-cost.ts [--events 100000] [--rounds 3] [--source bench|sim] [--src DIR] [--isolated]
//
// --src DIR runs a compiled copy (e.g. `npx tsc -p tsconfig.build.json --outDir /tmp/bw` then
// --src /tmp/bw/src), without tsx's per-closure overhead on the event path.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { eventSource } from "../bench/lib/events.ts";

const { values } = parseArgs({
	options: {
		events: { type: "string", default: "100000" },
		rounds: { type: "string", default: "3" },
		source: { type: "string", default: "bench" },
		src: { type: "string" },
		isolated: { type: "boolean", default: false },
	},
});
const root = resolve(import.meta.dirname, "..");
const src = values.src ? resolve(values.src) : join(root, "src");
const ext = values.src ? "js" : "ts";
const EVENTS = Number(values.events);
const ROUNDS = Number(values.rounds);
const BATCH = 1_000;
const WARM = 5_000;

type Open = (o: Record<string, unknown>) => Promise<{
	processor: { submit(raws: string[], o: { source: string }): Promise<{ status: string }[]> };
	close(): Promise<void>;
}>;
const { openBulwark } = (await import(join(src, "app", `bulwark.${ext}`))) as { openBulwark: Open };

/** The events as lines: the ingest bench's generator, or simulated traffic (signups, posts, likes, follows, ...). */
async function lines(prefix: string): Promise<string[]> {
	if (values.source === "sim") {
		const { Simulation } = await import(join(src, "simulator", `index.${ext}`));
		const sim = new Simulation({ seed: 7, accounts: 5_000, durationMs: 24 * 3_600_000, prefix });
		const out: string[] = [];
		for (const e of sim.events()) {
			out.push(JSON.stringify(e));
			if (out.length >= WARM + EVENTS) break;
		}
		return out;
	}
	const next = eventSource({ prefix, startTs: Date.now() - 3_600_000 });
	return Array.from({ length: WARM + EVENTS }, next);
}

/** Events/s by wall time and CPU µs per event (all threads: less disturbed by other processes' load). */
/** CPU µs per event that one detector and its windows add, alone, over `events` (median of 5 passes). */
async function isolated(events: Record<string, unknown>[]): Promise<void> {
	const { MemoryStateStore } = await import(join(src, "adapters", "state", "memory", `index.${ext}`));
	const { FeatureCatalog } = await import(join(src, "core", "features", `index.${ext}`));
	const d = await import(join(src, "core", "detectors", `index.${ext}`));
	const { loadBehaviourModel } = await import(join(src, "core", "ml", "accounts", `behaviour-model.${ext}`));
	const { loadBotModel } = await import(join(src, "core", "ml", "accounts", `model.${ext}`));
	type Req = { feature: string; id: string };
	type Det = {
		on: string[];
		needs(e: unknown): Req[];
		more?(e: unknown, ctx: unknown): Req[];
		detect(e: unknown, ctx: unknown): unknown[];
	};
	const bot = d.botDetector(loadBotModel(join(root, "models", "bot"))) as Det;
	const allReads: Det = {
		...bot,
		needs: (e) =>
			(d.BOT_FEATURES as { name: string }[]).map((f) => ({
				feature: f.name,
				id: (e as { actor: string }).actor,
			})),
		more: undefined,
	};
	const subjects: [string, Det, unknown[]][] = [
		["behaviour", d.behaviourDetector(loadBehaviourModel(join(root, "models", "behaviour"))), d.BEHAVIOUR_FEATURES],
		["bot", bot, d.BOT_FEATURES],
		["bot, all windows read on every post (before)", allReads, d.BOT_FEATURES],
	];
	const key = (r: Req) => `${r.feature}|${r.id}`;
	for (const [name, det, specs] of subjects) {
		const runs: number[] = [];
		let signals = 0;
		for (let pass = 0; pass < 5; pass++) {
			const c = new FeatureCatalog(specs);
			const st = new MemoryStateStore();
			signals = 0;
			const c0 = process.cpuUsage();
			for (const e of events) {
				const ops = c.opsFor(e);
				if (!det.on.includes(e.type as string)) {
					if (ops.length) await st.update(ops, []);
					continue;
				}
				const wanted = det.needs(e);
				const got = await st.update(
					ops,
					wanted.map((r) => c.query(r.feature, r.id, e.ts)),
				);
				const m = new Map<string, unknown>(wanted.map((r, j) => [key(r), got[j]]));
				const ctx = { feature: (f: string, id: string) => m.get(`${f}|${id}`), entity: () => undefined };
				const more = (det.more?.(e, ctx) ?? []).filter((r) => !m.has(key(r)));
				if (more.length) {
					const v = await st.read(more.map((r) => c.query(r.feature, r.id, e.ts)));
					for (let j = 0; j < more.length; j++) m.set(key(more[j] as Req), v[j]);
				}
				signals += det.detect(e, ctx).length;
			}
			const u = process.cpuUsage(c0);
			runs.push((u.user + u.system) / events.length);
		}
		runs.sort((a, b) => a - b);
		console.log(
			`${name}: ${(runs[2] as number).toFixed(2)} µs CPU/event (passes ${runs.map((x) => x.toFixed(2)).join(" ")}), ${signals} signals in ${events.length} events`,
		);
	}
}

async function once(models: string[], all: string[]): Promise<{ eps: number; cpuUs: number }> {
	const dir = mkdtempSync(join(tmpdir(), "bulwark-amcost-"));
	const b = await openBulwark({
		dataDir: dir,
		retentionMs: 30 * 86_400_000,
		snapshotIntervalMs: 3_600_000,
		timers: false,
		rules: join(root, "rules"),
		rulesExplicit: true,
		accountModels: models,
		modelsDir: join(root, "models"),
	});
	try {
		const submit = async (part: string[]) => {
			const batches: string[][] = [];
			for (let i = 0; i < part.length; i += BATCH) batches.push(part.slice(i, i + BATCH));
			let i = 0;
			const worker = async () => {
				while (i < batches.length) {
					const outs = await b.processor.submit(batches[i++] as string[], { source: "cost" });
					const bad = outs.find((o) => o.status !== "accepted");
					if (bad) throw new Error(JSON.stringify(bad).slice(0, 300));
				}
			};
			const t0 = performance.now();
			await Promise.all([worker(), worker()]);
			return (performance.now() - t0) / 1000;
		};
		await submit(all.slice(0, WARM));
		const c0 = process.cpuUsage();
		const s = await submit(all.slice(WARM));
		const c = process.cpuUsage(c0);
		const n = all.length - WARM;
		return { eps: n / s, cpuUs: (c.user + c.system) / n };
	} finally {
		await b.close();
		rmSync(dir, { recursive: true, force: true });
	}
}

if (values.isolated) {
	await isolated((await lines("iso-")).map((l) => JSON.parse(l)));
	process.exit(0);
}

const CONFIGS: string[][] = [[], ["bot"], ["behaviour"], ["bot", "behaviour"]];
const name = (c: string[]) => (c.length ? c.join(",") : "none");
const got = new Map<string, number[]>(CONFIGS.map((c) => [name(c), []]));
const cpu = new Map<string, number[]>(CONFIGS.map((c) => [name(c), []]));
// One uncounted pass of every configuration first: the JIT warms the shared code for all.
for (const c of CONFIGS) await once(c, (await lines(`w-${name(c)}-`)).slice(0, WARM + 20_000));
for (let r = 0; r < ROUNDS; r++) {
	// Rotated order: no configuration always runs first (cold) or last.
	for (let k = 0; k < CONFIGS.length; k++) {
		const c = CONFIGS[(k + r) % CONFIGS.length] as string[];
		const all = await lines(`c${r}-${k}-`);
		const { eps, cpuUs } = await once(c, all);
		got.get(name(c))?.push(eps);
		cpu.get(name(c))?.push(cpuUs);
		process.stderr.write(
			`round ${r + 1} ${name(c)}: ${Math.round(eps).toLocaleString("en-US")} events/s, ${cpuUs.toFixed(1)} µs CPU/event\n`,
		);
	}
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const base = median(got.get("none") as number[]);
const baseCpu = median(cpu.get("none") as number[]);
const rows = [...got].map(([k, xs]) => {
	const c = cpu.get(k) as number[];
	return {
		models: k,
		eventsPerS: xs.map(Math.round).join(" "),
		median: Math.round(median(xs)),
		vsNone: `${(((median(xs) - base) / base) * 100).toFixed(1)}%`,
		cpuUsPerEvent: c.map((x) => x.toFixed(1)).join(" "),
		cpuMedian: Number(median(c).toFixed(2)),
		cpuVsNone: `${(((median(c) - baseCpu) / baseCpu) * 100).toFixed(1)}%`,
	};
});
console.table(rows);
console.log(JSON.stringify({ events: EVENTS, rounds: ROUNDS, source: values.source, compiled: !!values.src, rows }));
