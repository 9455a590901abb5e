import type { Bus } from "../../../core/pipeline/index.ts";

/**
 * In-process bus for the embedded mode: handlers run after the publishing call returns
 * (on a microtask), so a slow or failing subscriber never holds up the event path.
 */
export class MemoryBus implements Bus {
	private readonly handlers = new Map<string, Set<(m: readonly unknown[]) => void | Promise<void>>>();
	private failures = 0;

	async publish(topic: string, messages: readonly unknown[]): Promise<void> {
		const hs = this.handlers.get(topic);
		if (!hs) return;
		await Promise.resolve();
		for (const h of hs) {
			try {
				await h(messages);
			} catch {
				this.failures++;
			}
		}
	}

	subscribe(topic: string, handler: (messages: readonly unknown[]) => void | Promise<void>): () => void {
		const hs = this.handlers.get(topic) ?? new Set();
		hs.add(handler);
		this.handlers.set(topic, hs);
		return () => hs.delete(handler);
	}

	/** Subscriber calls that threw (counted, never rethrown into the publisher). */
	get handlerFailures(): number {
		return this.failures;
	}
}
