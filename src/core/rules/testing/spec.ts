import type { Verdict } from "../../decisions/effects.ts";

/**
 * A rule test file (`*.test.json` next to the rules): events in, expected outcomes out.
 * @example
 * { "tests": [{ "name": "a link burst is labelled",
 *     "events": [{ "repeat": 5, "every": "1m", "event": { "type": "post.created", "actor": "u1",
 *                  "data": { "postId": "p{n}", "text": "free giveaway {n}", "urls": ["https://x.test/{n}"] } } }],
 *     "expect": { "fired": ["link_burst"], "labels": { "account:u1": ["spam"] } } }] }
 */
export interface RuleTestFile {
	description?: string;
	/** Entries of lists the pack declares without entries (else they come from the list store). */
	lists?: Record<string, ListEntrySpec[]>;
	tests: RuleTest[];
}

/** A value, or one with an expiry counted from the test's start (`"expires": "30m"`). */
export type ListEntrySpec = string | { value: string; expires?: string };

export interface RuleTest {
	name: string;
	/** ISO time or ms of the first event; default 2027-01-15T00:00:00Z. */
	start?: string | number;
	lists?: Record<string, ListEntrySpec[]>;
	/** Entity state before the first event, by entity key (`account:u1`). */
	state?: Record<string, StateSpec>;
	events: EventStep[];
	/** About the last event, and the state after it. */
	expect?: Expect;
}

export interface StateSpec {
	/** A label, or one with how long ago it was added and for how long (`{ "label": "spam", "age": "2h", "ttl": "1d" }`). */
	labels?: (string | { label: string; age?: string; ttl?: string })[];
	suspended?: boolean;
	openCases?: string[];
}

/**
 * One event (any envelope field may be left out: `id` is made up, `ts` is one second after the
 * previous event, or `after`/`at` says when), or a repeated one whose strings may use `{n}`.
 */
export type EventStep = EventSpec | { repeat: number; every?: string; event: EventSpec; expect?: Expect };

export interface EventSpec {
	id?: string;
	type: string;
	ts?: number;
	actor: string;
	data: Record<string, unknown>;
	context?: Record<string, unknown>;
	/** Time since the previous event (default 1s). */
	after?: string;
	/** Time since the test's start. */
	at?: string;
	/** Detector signals this event carries (`entity` defaults to the actor's account). */
	signals?: { name: string; score: number; entity?: string }[];
	expect?: Expect;
}

export interface Expect {
	/** Rules that fired (their effects applied). */
	fired?: string[];
	/** Rules that did not fire (whatever else they did). */
	notFired?: string[];
	shadow?: string[];
	heldBack?: string[];
	errored?: string[];
	verdict?: Verdict;
	/** Each must match one applied effect on the fields given; `entity` is written `kind:id`. */
	effects?: Record<string, unknown>[];
	noEffects?: boolean;
	/** Labels in force after the event (each listed label must be there; others may be). */
	labels?: Record<string, string[]>;
	/** Labels that must not be in force after the event. */
	notLabels?: Record<string, string[]>;
	/** Values a rule saw: `{ "link_burst": { "link_posts_10m[event.actor]": 5 } }`. */
	seen?: Record<string, Record<string, unknown>>;
}

/** Structural problems of a test file (event contents are checked against the event contract when run). */
export function testFileProblems(json: unknown): string[] {
	const problems: string[] = [];
	if (typeof json !== "object" || json === null || Array.isArray(json)) return ["the file must hold a JSON object"];
	const tests = (json as { tests?: unknown }).tests;
	if (!Array.isArray(tests)) return ['it needs "tests": [...]'];
	for (const [i, t] of tests.entries()) {
		if (typeof t !== "object" || t === null) {
			problems.push(`/tests/${i}: not an object`);
			continue;
		}
		const x = t as Partial<RuleTest>;
		if (typeof x.name !== "string" || !x.name) problems.push(`/tests/${i}: needs a "name"`);
		if (!Array.isArray(x.events) || !x.events.length) problems.push(`/tests/${i}: needs "events": [...]`);
		x.events?.forEach((e, j) => {
			if (typeof e !== "object" || e === null) problems.push(`/tests/${i}/events/${j}: not an object`);
			else if ("repeat" in e && (!Number.isInteger(e.repeat) || e.repeat < 1 || e.repeat > 10_000 || !e.event))
				problems.push(`/tests/${i}/events/${j}: "repeat" needs a count from 1 to 10000 and an "event"`);
		});
	}
	return problems;
}
