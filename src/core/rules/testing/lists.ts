import type { ListReader, ListView } from "../lists/ports.ts";

/**
 * A list reader whose lists can be swapped: compile a pack once with it, then give each test
 * its own lists.
 */
export class SwitchableLists implements ListReader {
	target: ListReader | undefined;

	list(name: string): ListView | undefined {
		return this.target?.list(name);
	}
}
