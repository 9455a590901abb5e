import assert from "node:assert/strict";
import { test } from "node:test";
import { normalize, normalizeTokens } from "./normalize.ts";

const CASES: [string, string][] = [
	["Hello World", "hello world"],
	["ＦＵＣＫ you", "fuck you"], // NFKC full-width
	["ѕһіт уоu", "shit you"], // Cyrillic look-alikes
	["ηοοb", "noob"], // Greek look-alikes
	["sh1t y0u b1tch 5tupid l00ser", "shit you bitch stupid looser"],
	["$hit b@stard", "shit bastard"],
	["k1ll y0urs3lf", "kill yourself"],
	["soooooo goooood", "soo good"],
	["f u c k you", "fuck you"],
	["f.u.c.k off", "fuck off"],
	["i am a cat", "i am a cat"],
	["@USER @bob hi", "@user @user hi"],
	["see http://t.co/x and www.spam.com now", "see url and url now"],
	["@USER URL", "@user url"],
	["wow 😡😡 ok", "wow 😡 😡 ok"],
	["call 08001234567 in 2005", "call 08001234567 in 2005"],
	["what?!!", "what ? !"],
	["you're", "youre"],
];

test("normalize folds obfuscation and keeps placeholders", () => {
	for (const [input, want] of CASES) assert.equal(normalize(input), want, input);
});

test("obfuscated and clean spellings normalise alike", () => {
	assert.deepEqual(normalizeTokens("Y 0 U   4re  an 1d10t!!!"), normalizeTokens("you are an idiot!"));
});

test("version 2 also drops emoji inside words, squeezes letter runs to one and folds more look-alikes", () => {
	const cases: [string, string][] = [
		["fu😡ck you", "fuck you"],
		["i💀d👍🏽iot", "idiot"],
		["wow 😡😡 ok", "wow 😡 😡 ok"],
		["stuuuupid iiiddddddiot", "stupid idiot"],
		["soooooo goood", "so god"],
		["good feet", "good feet"],
		["ɑпd ıdiот", "and idiot"],
		["Y0U 4re an 1d10t", "you are an idiot"],
	];
	for (const [input, want] of cases) assert.equal(normalize(input, 2), want, input);
	// Version 1 (what the first artifacts were trained with) is unchanged.
	assert.equal(normalize("fu😡ck stuuuupid"), "fu 😡 ck stuupid");
	assert.equal(normalize("fu😡ck stuuuupid", 1), "fu 😡 ck stuupid");
});

test("version 3 splits spaced-out runs into words, reads l33t and stretched letters against a word list", () => {
	const cases: [string, string][] = [
		// Spaced-out words next to each other, and next to real one-letter words.
		["y o u a r e a s t u p i d idiot", "you are a stupid idiot"],
		["i h a t e y o u", "i hate you"],
		// Wider gaps inside one word than between words.
		["y  o  u p i s s", "you piss"],
		// `@` as a letter at the start of a known word; real mentions stay mentions.
		["@sshole @USER @bob", "asshole @user @user"],
		// `1` is i or l, `8` b, `9` g, `!`/`|` at an edge, whichever makes a known word.
		["k1ll ki|| !diot 8itch fa99ot 1oser", "kill kill idiot bitch faggot loser"],
		// Stretched letters: one or two, whichever is a known word.
		["s t u u u u p i d gooooood soooo", "stupid good so"],
		// Spelled out with l33t or an apostrophe; a spaced-out word's trailing "!!!".
		["5.t.u.p.1.d d-o-n-'-t s t u p i d!!!", "stupid dont stupid"],
		["$ t u p ! d", "stupid"],
		// Emoji inside a spaced-out word (or next to a l33t digit) are dropped; after it, kept.
		["s t u😡 p i d 😡", "stupid 😡"],
		["5tu😡p1d ѕ т u р і d", "stupid stupid"],
		// Mostly digits: a word only when the l33t reading is a known word.
		["4n07h3r 937 15 2018 24 7", "another get 15 2018 24 7"],
		["i am a cat wow ! ok", "i am a cat wow ! ok"],
		["see http://t.co/x s t u p i d", "see url stupid"],
		["hello!! what?!!", "hello what ? !"],
		["@USER URL", "@user url"],
	];
	for (const [input, want] of cases) assert.equal(normalize(input, 3), want, input);
	assert.deepEqual(normalizeTokens("Y 0 U   4re  an 1d10t!!!", 3), normalizeTokens("you are an idiot!", 3));
});

test("versions 1 and 2 are unchanged by version 3", () => {
	// What versions 1 and 2 gave before version 3 existed (the shipped artifacts depend on it).
	const input = "y o u a r e @sshole ki11 5.t.u.p.1.d fu😡ck stuuuupid 4n07h3r s t u p i d!!!";
	assert.equal(normalize(input), "youare @user kii stupid fu 😡 ck stuupid 4n07h3r stupi d");
	assert.equal(normalize(input, 2), "youare @user kii stupid fuck stupid 4n07h3r stupi d");
	assert.equal(normalize(input, 3), "you are asshole kill stupid fuck stupid another stupid");
});
