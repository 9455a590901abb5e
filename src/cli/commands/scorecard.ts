import { readFileSync } from "node:fs";
import { type ScoreAction, type ScoreCase, type Scorecard, scorecard, type Truth } from "../../simulator/index.ts";
import { BulwarkClient } from "../client.ts";
import { openDataFolderReadOnly } from "../local.ts";
import type { Command } from "../main.ts";
import { table } from "../table.ts";

const PAGE = 1000;

/** Every row of a newest-first listing, page by page. */
async function all<T extends { id: string }>(page: (before?: string) => Promise<T[]>): Promise<T[]> {
	const out: T[] = [];
	let before: string | undefined;
	for (;;) {
		const rows = await page(before);
		out.push(...rows);
		if (rows.length < PAGE) return out;
		before = rows[rows.length - 1]?.id;
	}
}

type Row = ScoreAction & { id: string };

export const scorecardCommand: Command = {
	usage: "scorecard --truth FILE [--target URL --api-key K | --data DIR]",
	summary: "score Bulwark's actions against a simulation's ground truth, per threat",
	options: {
		truth: { type: "string" },
		target: { type: "string" },
		"api-key": { type: "string" },
		data: { type: "string" },
	},
	async run(_pos, flags) {
		if (typeof flags.truth !== "string")
			throw new Error("give the ground truth: --truth FILE (from bulwark simulate --truth)");
		const truth = JSON.parse(readFileSync(flags.truth, "utf8")) as Truth;
		let actions: Row[];
		let cases: (ScoreCase & { id: string })[];
		if (typeof flags.target === "string") {
			const key = (flags["api-key"] as string | undefined) ?? process.env.BULWARK_API_KEY;
			if (!key) throw new Error("--target needs --api-key KEY (or BULWARK_API_KEY)");
			({ actions, cases } = await readFromServer(new BulwarkClient(flags.target, key)));
		} else {
			const bw = await openDataFolderReadOnly(flags.data);
			try {
				actions = await all((before) => bw.storage.listActions({ limit: PAGE, before }));
				cases = await all((before) => bw.storage.listReviewCases({ limit: PAGE, before }));
			} finally {
				await bw.close();
			}
		}
		const card = scorecard(truth, actions, cases);
		process.stdout.write(`${flags.json ? JSON.stringify(card) : formatScorecard(card)}\n`);
		return 0;
	},
};

/** Every audit-log row and review case of a running server, through the API. */
export async function readFromServer(
	c: BulwarkClient,
): Promise<{ actions: Row[]; cases: (ScoreCase & { id: string })[] }> {
	const q = (b?: string) => (b ? `&before=${encodeURIComponent(b)}` : "");
	const actions = await all(
		async (b) => (await c.request<{ actions: Row[] }>("GET", `/v1/actions?limit=${PAGE}${q(b)}`)).actions,
	);
	const cases = await all(
		async (b) => (await c.request<{ cases: ScoreCase[] }>("GET", `/v1/review/cases?limit=${PAGE}${q(b)}`)).cases,
	);
	return { actions, cases };
}

const pct = (x: number | null) => (x === null ? "–" : `${(x * 100).toFixed(1)}%`);
const dur = (ms: number | null) =>
	ms === null ? "–" : ms < 60_000 ? `${(ms / 1000).toFixed(1)}s` : `${(ms / 60_000).toFixed(1)}m`;

/** The scorecard for people: one row per threat and one for all, then collateral and the review queue. */
export function formatScorecard(c: Scorecard): string {
	const rows = [...Object.entries(c.threats), ["all threats", c.overall] as const].map(([name, t]) => [
		name,
		t.accounts,
		t.actioned,
		pct(t.precision),
		pct(t.recall),
		pct(t.f1),
		dur(t.medianTimeToActionMs),
		dur(t.p90TimeToActionMs),
		t.posts ? `${pct(t.posts.precision)} / ${pct(t.posts.recall)}` : "",
	]);
	const out = [
		table(
			["threat", "accounts", "actioned", "precision", "recall", "F1", "median TTA", "p90 TTA", "posts P / R"],
			rows,
		),
		"",
		`collateral: ${c.organicActioned} organic accounts actioned, ${c.collateralPer10k.toFixed(1)} per 10k`,
		`review queue: ${c.reviewCases} cases, precision at the top 100 ${pct(c.reviewPrecisionAt100)}`,
		"(TTA: simulated time from an account's first bad act to Bulwark's first action on it)",
	];
	return out.join("\n");
}
