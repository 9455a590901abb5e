import type { BulwarkEvent, EventDataByType, EventType } from "../core/events/index.ts";
import { ROLE, type SimOptions, THREAT_OF_ROLE, type Threat } from "./config.ts";
import { buildFollowGraph, type Communities, type FollowGraph, makeCommunities } from "./graph.ts";
import { ScheduleQueue, TimeHeap } from "./heap.ts";
import { countryOf, deviceOf, ipOf } from "./identity.ts";
import { Rng } from "./prng.ts";
import type { TextGen } from "./text.ts";

const RING = 256;

/** A bad post, kept for the ground truth. */
export interface BadPost {
	post: number;
	author: number;
	threat: Threat;
	ts: number;
}

export interface Campaign {
	kind: "pile-on" | "boost" | "fan-burst";
	group: number;
	target: string;
	ts: number;
	accounts: number;
}

/**
 * The state of the simulated platform: per-account typed arrays (a million accounts fit in
 * tens of MB), the follow graph, the schedule, and small rings of recent posts. Behaviours
 * (organic.ts, adversaries/) read and change it; stream.ts drives the clock.
 */
export class World {
	readonly rng: Rng;
	readonly n: number;
	readonly cap: number;
	nextFree: number;
	readonly com: Communities;
	readonly graph: FollowGraph;
	readonly role: Uint8Array;
	readonly group: Int32Array;
	readonly owner: Int32Array;
	readonly share: Uint8Array;
	readonly alive: Uint8Array;
	/** 0 not created, 1 created (login next), 2 onboarding follows, 3 active. */
	readonly phase: Uint8Array;
	readonly cursor: Int32Array;
	/** Actions per hour. */
	readonly rate: Float32Array;
	readonly lastPost: Int32Array;
	readonly firstBad: Float64Array;
	/** 1 power user, 2 fan (organic look-alikes), 4 customer of a follower farm. */
	readonly flags: Uint8Array;
	readonly heap: TimeHeap;
	readonly queue = new ScheduleQueue();
	// Groups (botnets, rings, farms, mobs, evader owners).
	groupRole: number[] = [];
	/** For amplification groups: 0 ring, 1 farm. */
	groupKind: number[] = [];
	groupNext: number[] = [];
	groupTemplate: number[] = [];
	members: number[][] = [];
	customers: number[][] = [];
	fans = new Int32Array(0);
	hotThreshold = 0;
	readonly hotPost = new Int32Array(RING);
	readonly hotAuthor = new Int32Array(RING);
	hotN = 0;
	readonly badRingPost = new Int32Array(RING);
	readonly badRingAuthor = new Int32Array(RING);
	readonly badRingRole = new Uint8Array(RING);
	badN = 0;
	readonly badPosts: BadPost[] = [];
	readonly campaigns: Campaign[] = [];
	now: number;
	postSeq = 0;
	eventSeq = 0;
	private idTs = -1;
	private idBase = "";
	banned = 0;

	constructor(
		readonly opts: SimOptions,
		readonly text: TextGen,
		reserve: number,
	) {
		this.rng = new Rng(opts.seed);
		this.n = opts.accounts;
		this.cap = opts.accounts + reserve;
		this.nextFree = this.n;
		this.com = makeCommunities(this.n);
		this.graph = buildFollowGraph(this.rng.fork(1), this.com);
		const c = this.cap;
		this.role = new Uint8Array(c);
		this.group = new Int32Array(c).fill(-1);
		this.owner = new Int32Array(c);
		for (let i = 0; i < c; i++) this.owner[i] = i;
		this.share = new Uint8Array(c);
		this.alive = new Uint8Array(c);
		this.phase = new Uint8Array(c);
		this.cursor = new Int32Array(c);
		this.rate = new Float32Array(c);
		this.lastPost = new Int32Array(c).fill(-1);
		this.firstBad = new Float64Array(c).fill(Number.NaN);
		this.flags = new Uint8Array(c);
		this.heap = new TimeHeap(c);
		this.now = opts.start;
	}

	accountId(i: number): string {
		return `${this.opts.prefix}u${i.toString(36)}`;
	}

	postId(p: number): string {
		return `${this.opts.prefix}p${p.toString(36)}`;
	}

	/** An event by account i at the current simulated time, with its device and IP. */
	event<T extends EventType>(type: T, i: number, data: EventDataByType[T]): BulwarkEvent {
		const ts = Math.floor(this.now);
		if (ts !== this.idTs) {
			this.idTs = ts;
			this.idBase = `${this.opts.prefix}${ts.toString(36)}-`;
		}
		return {
			id: this.idBase + (this.eventSeq++).toString(36),
			type,
			ts,
			actor: this.accountId(i),
			data,
			context: { ip: ipOf(this, i), deviceId: deviceOf(this, i, this.rng.u32()), country: countryOf(this, i) },
		} as BulwarkEvent;
	}

	/** Records a bad act by account i (the first one is what time-to-action is measured from). */
	markBad(i: number): void {
		if (Number.isNaN(this.firstBad[i] as number)) this.firstBad[i] = Math.floor(this.now);
	}

	/** A new post by i: tracked as hot (popular author) or bad (adversary content). */
	newPost(i: number, bad: boolean): number {
		const p = this.postSeq++;
		this.lastPost[i] = p;
		if ((this.graph.indeg[i] ?? 0) >= this.hotThreshold && i < this.n && this.role[i] === ROLE.organic) {
			const k = this.hotN++ % RING;
			this.hotPost[k] = p;
			this.hotAuthor[k] = i;
		}
		if (bad) {
			const r = this.role[i] as number;
			const k = this.badN++ % RING;
			this.badRingPost[k] = p;
			this.badRingAuthor[k] = i;
			this.badRingRole[k] = r;
			this.badPosts.push({ post: p, author: i, threat: THREAT_OF_ROLE[r] as Threat, ts: Math.floor(this.now) });
			this.markBad(i);
		}
		return p;
	}

	/** A recent post by a popular organic author, or -1 (index into the hot ring). */
	pickHot(): number {
		const n = Math.min(this.hotN, RING);
		return n ? this.rng.int(n) : -1;
	}

	/** Schedules account i's next own action; nothing when it is banned. */
	schedule(i: number, t: number): void {
		if (this.alive[i]) this.heap.push(t, i);
	}

	/** Diurnal activity: a day-shaped multiplier in [0.3, 1.7] in the community's time zone. */
	diurnal(i: number, t: number): number {
		const tz = ((this.com.of[Math.min(i, this.n - 1)] as number) * 5) % 24;
		const hour = (t / 3_600_000 + tz) % 24;
		return 1 + 0.7 * Math.sin((2 * Math.PI * (hour - 8)) / 24);
	}

	/** Marks account i banned (it stops acting); returns true the first time. */
	ban(i: number): boolean {
		if (!this.alive[i]) return false;
		this.alive[i] = 0;
		this.banned++;
		return true;
	}
}
