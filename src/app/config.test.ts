import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { loadConfig, parseBytes, SETTINGS } from "./config.ts";

describe("config", () => {
	it("has defaults", () => {
		const c = loadConfig({}, {});
		assert.equal(c.port, 8080);
		assert.equal(c.host, "127.0.0.1");
		assert.ok(c.dataDir.endsWith("/data"));
		assert.deepEqual(c.apiKeys, []);
		assert.equal(c.bodyLimit, 65_536);
		assert.equal(c.retentionMs, 30 * 86_400_000);
	});
	it("takes flags over environment over defaults", () => {
		const c = loadConfig(
			{ port: "9001" },
			{ PORT: "9000", HOST: "0.0.0.0", BULWARK_API_KEYS: "k1, k2", BULWARK_RETENTION: "7d" },
		);
		assert.equal(c.port, 9001);
		assert.equal(c.host, "0.0.0.0");
		assert.deepEqual(c.apiKeys, ["k1", "k2"]);
		assert.equal(c.retentionMs, 7 * 86_400_000);
	});
	it("reports every bad setting at once", () => {
		assert.throws(
			() => loadConfig({ port: "http" }, { BULWARK_RETENTION: "forever", BULWARK_BODY_LIMIT: "big" }),
			(err: Error) => /--port/.test(err.message) && /--retention/.test(err.message) && /--body-limit/.test(err.message),
		);
	});
	it("parses sizes", () => {
		assert.equal(parseBytes("16mb"), 16 * 1024 * 1024);
		assert.equal(parseBytes("100"), 100);
	});

	it("is documented row by row in the README's configuration table", () => {
		const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
		for (const st of SETTINGS) {
			const row = readme.split("\n").find((l) => l.startsWith(`| \`${st.flag}\``));
			assert.ok(row, `README has no row for ${st.flag}`);
			assert.ok(row.includes(`\`${st.env}\``), `README row for ${st.flag} names ${st.env}`);
			assert.ok(
				st.default === "" ? row.includes("none") : row.includes(`\`${st.default}\``),
				`README default of ${st.flag}`,
			);
		}
	});
});
