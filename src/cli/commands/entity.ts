import { type EntityView, entityView } from "../../core/pipeline/index.ts";
import { isEntityKind } from "../../core/shared/index.ts";
import { BulwarkClient } from "../client.ts";
import { openDataFolderReadOnly } from "../local.ts";
import type { Command } from "../main.ts";
import { isoTime, table } from "../table.ts";

export const entityCommand: Command = {
	usage: "entity KIND ID [--target URL --api-key K | --data DIR] [--at MS]",
	summary: "show an entity: status, labels, features, recent actions and events",
	options: {
		target: { type: "string" },
		"api-key": { type: "string" },
		data: { type: "string" },
		at: { type: "string" },
	},
	async run(pos, flags) {
		const [kind, id] = pos;
		if (!kind || !id || !isEntityKind(kind))
			throw new Error("usage: bulwark entity KIND ID (KIND: account, post, ip, device)");
		const at = flags.at === undefined ? undefined : Number(flags.at);
		let view: EntityView | undefined;
		if (typeof flags.target === "string") {
			const key = (flags["api-key"] as string | undefined) ?? process.env.BULWARK_API_KEY;
			if (!key) throw new Error("--target needs --api-key KEY (or BULWARK_API_KEY)");
			const q = at === undefined ? "" : `?at=${at}`;
			try {
				view = await new BulwarkClient(flags.target, key).request<EntityView>(
					"GET",
					`/v1/entities/${kind}/${encodeURIComponent(id)}${q}`,
				);
			} catch (err) {
				if (!/-> 404/.test((err as Error).message)) throw err;
			}
		} else {
			const bw = await openDataFolderReadOnly(flags.data);
			try {
				view = await entityView(
					{ reader: bw.storage, features: bw.features, windows: bw.state, clock: bw.clock },
					{ kind, id },
					at,
				);
			} finally {
				await bw.close();
			}
		}
		if (!view) {
			process.stderr.write(`no ${kind} ${id} is known\n`);
			return 1;
		}
		if (flags.json) process.stdout.write(`${JSON.stringify(view)}\n`);
		else print(kind, id, view);
		return 0;
	},
};

function print(kind: string, id: string, v: EntityView): void {
	const e = v.entity;
	const out: string[] = [];
	out.push(
		`${kind} ${id}: ${e ? `${e.status}${e.suspendedUntil ? ` until ${isoTime(e.suspendedUntil)}` : ""}, first seen ${isoTime(e.firstSeen)}, last seen ${isoTime(e.lastSeen)}` : "no events"}`,
	);
	out.push(
		"",
		"labels",
		table(
			["label", "active", "source", "by", "reason", "expires"],
			v.labels.map((l) => [l.label, l.active ? "yes" : "no", l.source, l.by, l.reason, isoTime(l.expiresAt)]),
		),
	);
	out.push(
		"",
		`features (as of ${isoTime(v.asOf)})`,
		table(
			["feature", "value"],
			Object.entries(v.features).map(([k, x]) => [
				k,
				typeof x === "number"
					? x
					: x
							.map((i) => i.value)
							.join(" | ")
							.slice(0, 100),
			]),
		),
	);
	out.push(
		"",
		"recent actions",
		table(
			["when", "who", "what", "reason"],
			v.actions.slice(0, 15).map((a) => [isoTime(a.ts), a.who, a.kind, a.reason]),
		),
	);
	out.push(
		"",
		"recent events",
		table(
			["seq", "when", "type", "id"],
			v.events.slice(0, 15).map((x) => [x.seq, isoTime(x.event.ts), x.event.type, x.event.id]),
		),
	);
	process.stdout.write(`${out.join("\n")}\n`);
}
