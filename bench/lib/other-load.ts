// How busy the machine is with work that is not this benchmark's: the machine's busy CPU time
// minus this process's and its server children's, over the same interval (Linux /proc; 0 elsewhere).
import { readFileSync } from "node:fs";
import { cpus } from "node:os";

const pids = new Set<number>();
const finished = new Map<number, number>();

/** Busy and total CPU time of the whole machine, in ticks; steal (time the host gave others) counts as busy. */
function machineBusy(): [busy: number, total: number] {
	try {
		const [, ...f] = (readFileSync("/proc/stat", "utf8").split("\n")[0] as string).trim().split(/\s+/);
		const [user, nice, system, idle, iowait, irq, softirq, steal] = f.map(Number) as number[];
		const busy = (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
		return [busy, busy + (idle ?? 0) + (iowait ?? 0)];
	} catch {
		let busy = 0;
		let total = 0;
		for (const c of cpus()) {
			const t = c.times.user + c.times.nice + c.times.sys + c.times.irq + c.times.idle;
			total += t;
			busy += t - c.times.idle;
		}
		return [busy, total];
	}
}

/** CPU seconds a process has used so far, from /proc (utime + stime at 100 ticks a second). */
function procCpuSeconds(pid: number): number {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
		const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
		return (Number(fields[11]) + Number(fields[12])) / 100;
	} catch {
		return 0;
	}
}

/** Counts a child's CPU as the benchmark's own; call `childGone` just before it is stopped. */
export function trackChild(pid: number): void {
	pids.add(pid);
}

export function childGone(pid: number): void {
	if (pids.delete(pid)) finished.set(pid, procCpuSeconds(pid));
}

function ownCpuSeconds(): number {
	const u = process.cpuUsage();
	let s = (u.user + u.system) / 1e6;
	for (const pid of pids) s += procCpuSeconds(pid);
	for (const v of finished.values()) s += v;
	return s;
}

/** Starts measuring; the function it returns gives the cores other processes kept busy since. */
export function otherLoadMeter(): () => number {
	const [b0, t0] = machineBusy();
	const own0 = ownCpuSeconds();
	const wall0 = performance.now();
	return () => {
		const [b1, t1] = machineBusy();
		const wall = (performance.now() - wall0) / 1000;
		if (t1 <= t0 || wall <= 0) return 0;
		const machineCores = ((b1 - b0) / (t1 - t0)) * cpus().length;
		return Math.max(0, machineCores - (ownCpuSeconds() - own0) / wall);
	};
}

/** Waits up to `maxSeconds` for other processes to use less than `cores`; returns the last reading. */
export async function waitForQuiet(maxSeconds: number, cores = 0.3): Promise<number> {
	const deadline = performance.now() + maxSeconds * 1000;
	for (;;) {
		const meter = otherLoadMeter();
		await new Promise((r) => setTimeout(r, 1_000));
		const busy = meter();
		if (busy < cores || performance.now() >= deadline) return busy;
	}
}
