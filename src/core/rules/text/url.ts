/**
 * The host and path of a URL or a bare `host/path`, without allocating a URL object: scheme,
 * user info, port, query and fragment are dropped; the host is lower-cased without a trailing
 * dot. Undefined when there is no plausible host.
 * @example hostAndPath("https://Bit.ly/3xq/abc?x=1") // { host: "bit.ly", path: "/3xq/abc" }
 */
export function hostAndPath(input: string): { host: string; path: string } | undefined {
	let s = input.trim();
	const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(s);
	if (scheme) s = s.slice(scheme[0].length);
	else if (s.startsWith("//")) s = s.slice(2);
	let end = s.length;
	for (const ch of ["/", "?", "#"]) {
		const k = s.indexOf(ch);
		if (k >= 0 && k < end) end = k;
	}
	let host = s.slice(0, end);
	const at = host.lastIndexOf("@");
	if (at >= 0) host = host.slice(at + 1);
	if (host.startsWith("[")) {
		const close = host.indexOf("]");
		host = close > 0 ? host.slice(1, close) : host;
	} else host = host.replace(/:\d*$/, "");
	host = host.toLowerCase().replace(/\.+$/, "");
	if (!host || /[\s<>"{}|\\^`]/.test(host)) return undefined;
	let rest = s.slice(end);
	const cut = rest.search(/[?#]/);
	if (cut >= 0) rest = rest.slice(0, cut);
	return { host, path: rest.replace(/\/+$/, "") };
}

/** Just the host of a URL, or "" when it has none. */
export function urlDomain(input: string): string {
	return hostAndPath(input)?.host ?? "";
}
