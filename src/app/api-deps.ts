import type { ApiDeps } from "../api/index.ts";
import type { Bulwark } from "./bulwark.ts";

/** The API's view of a running system: the one place that maps `Bulwark` onto `ApiDeps`. */
export function apiDepsOf(bulwark: Bulwark, envKeyHashes: ReadonlySet<string>): ApiDeps {
	return {
		processor: bulwark.processor,
		reader: bulwark.storage,
		keys: bulwark.storage,
		envKeyHashes,
		features: bulwark.features,
		windows: bulwark.state,
		bus: bulwark.bus,
		clock: bulwark.clock,
		metrics: bulwark.metrics,
		lists: bulwark.managedLists,
		rules: bulwark.deployer,
		ready: () => bulwark.ready(),
	};
}
