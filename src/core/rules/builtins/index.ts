import { account } from "./account.ts";
import { anyIn } from "./any-in.ts";
import { capsRatio } from "./caps-ratio.ts";
import { contains } from "./contains.ts";
import { countIn } from "./count-in.ts";
import { device } from "./device.ts";
import { editSimilarity } from "./edit-similarity.ts";
import { endsWith } from "./ends-with.ts";
import { hasLabel } from "./has-label.ts";
import { hasOpenCase } from "./has-open-case.ts";
import { inCidr } from "./in-cidr.ts";
import { inList } from "./in-list.ts";
import { ip } from "./ip.ts";
import { ipPrefix } from "./ip-prefix.ts";
import { isSuspended } from "./is-suspended.ts";
import { keywordCount } from "./keyword-count.ts";
import { labelAge } from "./label-age.ts";
import { len } from "./len.ts";
import { lower } from "./lower.ts";
import { matches } from "./matches.ts";
import { max } from "./max.ts";
import { maxSimilarity } from "./max-similarity.ts";
import { min } from "./min.ts";
import { post } from "./post.ts";
import { type Builtin, BuiltinRegistry } from "./registry.ts";
import { score } from "./score.ts";
import { similarity } from "./similarity.ts";
import { startsWith } from "./starts-with.ts";
import { urlDomain } from "./url-domain.ts";
import { urlDomains } from "./url-domains.ts";

export * from "./registry.ts";

/** Every builtin the language ships with, in the order docs/rules.md lists them. */
export const BUILTINS: readonly Builtin[] = [
	len,
	lower,
	contains,
	startsWith,
	endsWith,
	matches,
	capsRatio,
	similarity,
	editSimilarity,
	maxSimilarity,
	urlDomain,
	urlDomains,
	inCidr,
	ipPrefix,
	inList,
	anyIn,
	countIn,
	keywordCount,
	hasLabel,
	labelAge,
	isSuspended,
	hasOpenCase,
	score,
	account,
	post,
	ip,
	device,
	min,
	max,
];

/** The default registry (throws at load if two builtins share a name). */
export const DEFAULT_BUILTINS = new BuiltinRegistry(BUILTINS);
