// The ceiling: the same fastify version as Bulwark, the same JSON and NDJSON bodies parsed,
// a small JSON answer, and nothing else (no auth, no validation, no storage).
// Run as a child by the benchmarks: `node --import tsx bench/lib/noop-server.ts`.
import Fastify from "fastify";

const BATCH_LIMIT = 16 * 1024 * 1024;

const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
app.addContentTypeParser(
	["application/x-ndjson", "application/ndjson"],
	{ parseAs: "string", bodyLimit: BATCH_LIMIT },
	(_req, body, done) => done(null, body),
);

app.post("/v1/events", async (req) => {
	const e = req.body as { id?: string };
	return { eventId: e.id, verdict: "allow", labels: [], effects: [], reasons: [], duplicate: false };
});

app.post("/v1/events/batch", async (req) => {
	let lines = 0;
	for (const line of (req.body as string).split("\n")) if (line.trim() !== "") lines++;
	return { accepted: lines, duplicates: 0, rejected: 0 };
});

await app.listen({ port: 0, host: "127.0.0.1" });
const addr = app.server.address();
const port = typeof addr === "object" && addr ? addr.port : 0;
process.stderr.write(`noop-fastify listening on http://127.0.0.1:${port}\n`);

// Exit with the parent: its end of our stdin closes when it dies, however it dies.
process.stdin.on("close", () => process.exit(0));
process.stdin.resume();
process.on("SIGTERM", () => void app.close().then(() => process.exit(0)));
