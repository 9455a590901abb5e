/**
 * A progress bar on stderr: redrawn in place on a terminal, a plain line every few seconds
 * otherwise (so CI logs stay readable).
 */
export class Progress {
	private last = 0;
	private readonly started = performance.now();
	private readonly tty: boolean;

	constructor(
		private readonly total: number,
		private readonly unit: string,
		private readonly out: NodeJS.WriteStream = process.stderr,
	) {
		this.tty = !!out.isTTY;
	}

	update(done: number, count: number, extra = ""): void {
		const now = performance.now();
		if (now - this.last < (this.tty ? 100 : 2_000)) return;
		this.last = now;
		this.draw(done, count, extra, false);
	}

	finish(done: number, count: number, extra = ""): void {
		this.draw(done, count, extra, true);
	}

	private draw(done: number, count: number, extra: string, final: boolean): void {
		const frac = this.total > 0 ? Math.min(1, done / this.total) : 1;
		const width = 30;
		const filled = Math.round(frac * width);
		const secs = (performance.now() - this.started) / 1000;
		const rate = secs > 0 ? Math.round(count / secs) : 0;
		const text = `[${"█".repeat(filled)}${"░".repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}%  ${count.toLocaleString("en-US")} ${this.unit}  ${rate.toLocaleString("en-US")} ${this.unit}/s  ${secs.toFixed(1)}s${extra ? `  ${extra}` : ""}`;
		if (this.tty) this.out.write(`\r${text}\x1b[K${final ? "\n" : ""}`);
		else this.out.write(`${text}\n`);
	}
}
