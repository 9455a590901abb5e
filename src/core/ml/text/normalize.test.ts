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
