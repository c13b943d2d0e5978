/**
 * The virtual-time engine of `npm run bench -- routing`: replays a trace against a model of the Upbit
 * simulator's wire behaviour (a ticker frame per simulated trade; REST answered after a sampled latency,
 * under Upbit's 10 requests/s ticker budget, 429s during an episode, retried with backoff; sockets that
 * drop and lag) for one policy, and computes the offline oracle's choices on the same trace.
 * Nothing here waits for real time: a 10-minute trace runs in milliseconds.
 */
import { ChannelRouter, DEFAULT_ROUTING_COSTS, DEFAULT_ROUTING_TUNING } from '../src/routing/channel-router.js';
import type { RouteDecision, RoutingCosts } from '../src/routing/routing-types.js';
import { UPBIT_RATE_LIMITS } from '../src/exchanges/upbit/index.js';
import { UPBIT_WS_SEND_LIMITS } from '../src/exchanges/upbit/index.js';
import { seededRandom } from '../test/helpers/random.js';
import type { Trace } from './routing-traces.js';

/** The cost model the benchmark states: every price 1 (see docs/routing.md). */
export const BENCH_COSTS: RoutingCosts = DEFAULT_ROUTING_COSTS;
/** A subscription is live this long after the frame goes out; its snapshot frame follows. */
const SUBSCRIBE_MS = 30;
/** Stream delivery lag outside lag episodes. */
const BASE_LAG_MS = 20;
/**
 * The socket counts as degraded for an answer whose value was delivered later than a REST reply comes
 * (the "lag above REST latency"): the REST model's mean latency, 25 + 15 + 1 % x 200 ms. Such an
 * answer is no better than REST, so the oracle never gives it and the benchmark counts it for every
 * policy (`lagged`). Normal frames lag 20 ms; an episode adds 1.5 s or so: any threshold in between
 * classifies the same answers.
 */
export const DEGRADED_LAG_MS = 42;
/** Plans are revisited every second (the router's default `planIntervalMs`). */
const PLAN_MS = 1_000;
const TICKER_RULE = UPBIT_RATE_LIMITS.find((rule) => rule.group === 'ticker')!;
/** The router's half of the socket's message budget (the backbone gives it half). */
const ROUTER_MESSAGES = UPBIT_WS_SEND_LIMITS.map(({ limit, windowMs }) => ({ limit: Math.floor(limit / 2), windowMs }));

/** Where a call was answered from, in the two classes accuracy compares: the socket, or REST. */
export type Served = 'socket' | 'rest';

/** What one policy did on one trace. */
export interface PolicyRun {
  readonly served: Served[];
  readonly latencies: number[];
  readonly requests: number;
  readonly streamMinutes: number;
  readonly changes: number;
  readonly violations: number;
  /** Socket answers from a value delivered with lag above {@link DEGRADED_LAG_MS} (a degraded socket). */
  readonly lagged: number;
  /** Most markets held at once, most subscription frames in any 1 s and 60 s, most requests in any 1 s. */
  readonly peaks: { readonly held: number; readonly frames1s: number; readonly frames60s: number; readonly requests1s: number };
}

/** A policy as the engine drives it. */
export interface Policy {
  readonly name: string;
  called(market: string, maxAgeMs: number, restShare: number): void;
  route(market: string, maxAgeMs: number, ageMs: number | undefined, held: boolean): RouteDecision;
  tick(): { readonly subscribe: readonly string[]; readonly unsubscribe: readonly string[] };
  streamValue(market: string, exchangeTime: number, receivedAt: number): void;
  restReply(latencyMs: number, status: number): void;
  dropped(): void;
}

const REST: RouteDecision = { source: 'rest', waitMs: 0, reason: '' };
const STREAM: RouteDecision = { source: 'stream', waitMs: 0, reason: '' };
const quiet = { streamValue: () => {}, restReply: () => {}, dropped: () => {} };
const fresh = (ageMs: number | undefined, maxAgeMs: number): boolean => ageMs !== undefined && ageMs <= maxAgeMs;

/** Every call to REST. */
export function alwaysRest(): Policy {
  return { name: 'always-REST', called: () => {}, route: () => REST, tick: () => ({ subscribe: [], unsubscribe: [] }), ...quiet };
}

/** Today's rule: an open stream's value when fresh (the caller's `maxAgeMs`, else 2 s), else REST; never subscribes. */
export function todaysRule(): Policy {
  return { name: "today's rule", called: () => {}, route: (_m, maxAgeMs, age) => (fresh(age, maxAgeMs) ? STREAM : REST), tick: () => ({ subscribe: [], unsubscribe: [] }), ...quiet };
}

/** Every market asked for is subscribed (within the limits) and kept; a stale held value waits for the next frame. */
export function alwaysStream(): Policy {
  const wanted = new Set<string>();
  const held = new Set<string>();
  return {
    name: 'always-stream',
    called: (market) => void wanted.add(market),
    route: (_m, maxAgeMs, age, isHeld) => {
      if (fresh(age, maxAgeMs)) return STREAM;
      return isHeld ? { source: 'wait', waitMs: Math.min(maxAgeMs, 1_000), reason: '' } : REST;
    },
    tick: () => {
      const subscribe = [...wanted].filter((m) => !held.has(m));
      subscribe.forEach((m) => held.add(m));
      return { subscribe, unsubscribe: [] };
    },
    ...quiet,
  };
}

/** The adaptive router, exactly as the backbone runs it. */
export function adaptive(now: () => number): Policy {
  const router = new ChannelRouter({ now, limits: { messages: ROUTER_MESSAGES } });
  return {
    name: 'adaptive',
    called: (market, maxAgeMs, restShare) => router.called(market, maxAgeMs, restShare),
    route: (market, maxAgeMs, age) => router.route(market, maxAgeMs, age),
    tick: () => router.tick(),
    streamValue: (market, exchangeTime, receivedAt) => router.streamValue(market, exchangeTime, receivedAt),
    restReply: (latency, status) => router.restReply(latency, status),
    dropped: () => router.socketDropped(),
  };
}

/** Whether `t` falls in one of `windows` (half-open). */
const within = (windows: readonly (readonly [number, number, ...number[]])[], t: number): boolean => windows.some(([from, to]) => t >= from && t < to);

/** Index of the first element of `times` greater than `t`. */
function upperBound(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A value at hand: when it was received and how late it was delivered (receipt minus exchange time). */
export interface HeldValue {
  readonly at: number;
  readonly lag: number;
}

/**
 * The network of one trace: frame receipt times per market (trade time plus lag, none while the socket
 * is down), the snapshot a subscription or a reconnect gets, and REST exchanges.
 */
export class TraceNetworkModel {
  readonly trace: Trace;
  readonly frames = new Map<string, Float64Array>();
  /** Exchange time of each frame, in the order of `frames`. */
  readonly exchangeTimes = new Map<string, Float64Array>();

  constructor(trace: Trace, trades: ReadonlyMap<string, Float64Array>) {
    this.trace = trace;
    for (const [market, times] of trades) {
      const kept: [number, number][] = [];
      for (const t of times) {
        const lag = this.lagAt(t);
        if (!within(trace.network.down, t + lag)) kept.push([t + lag, t]);
      }
      kept.sort((a, b) => a[0] - b[0]);
      this.frames.set(market, Float64Array.from(kept, ([at]) => at));
      this.exchangeTimes.set(market, Float64Array.from(kept, ([, t]) => t));
    }
  }

  socketUp(t: number): boolean {
    return !within(this.trace.network.down, t);
  }

  /** Delivery lag of a frame the exchange sends at `t` (the base lag plus any episode's). */
  lagAt(t: number): number {
    return BASE_LAG_MS + (this.trace.network.lag.find(([from, to]) => t >= from && t < to)?.[2] ?? 0);
  }

  /**
   * The freshest value received in `[since, t]` by a subscription live through it: frames, reconnect
   * snapshots, and the subscription's own snapshot when `subscribedAt` is `since` (pass `-Infinity` for
   * a subscription older than the window, which gets no snapshot in it).
   */
  lastValue(market: string, since: number, t: number, subscribedAt = since): HeldValue | undefined {
    const frames = this.frames.get(market)!;
    const i = upperBound(frames, t) - 1;
    let best = i >= 0 && frames[i]! >= since ? { at: frames[i]!, lag: frames[i]! - this.exchangeTimes.get(market)![i]! } : undefined;
    const snapshot = this.#snapshotBefore(since, t, subscribedAt === since);
    if (snapshot !== undefined && (best === undefined || snapshot.at > best.at)) best = snapshot;
    return best;
  }

  /** The first frame after `t` up to `t + waitMs`. */
  nextValue(market: string, t: number, waitMs: number): HeldValue | undefined {
    const frames = this.frames.get(market)!;
    const i = upperBound(frames, t);
    const next = frames[i];
    return next !== undefined && next <= t + waitMs ? { at: next, lag: next - this.exchangeTimes.get(market)![i]! } : undefined;
  }

  /** The latest snapshot in `[since, t]`: at subscription and at each reconnect, when the socket is up, as late as frames sent then. */
  #snapshotBefore(since: number, t: number, subscribing: boolean): HeldValue | undefined {
    let best: HeldValue | undefined;
    const reconnects = this.trace.network.down.map(([, to]) => to).filter((to) => to >= since);
    for (const sent of subscribing ? [since, ...reconnects] : reconnects) {
      const lag = this.lagAt(sent);
      if (this.socketUp(sent) && sent + lag <= t && (best === undefined || sent + lag > best.at)) best = { at: sent + lag, lag };
    }
    return best;
  }
}

/**
 * REST as Upbit's simulator answers it: a sampled latency (25 ms plus an exponential 15 ms, 1 % with 200 ms
 * more), the ticker group's 10 requests/s, 429 for a share of attempts during an episode, retried after
 * 250 ms doubling (as the client's retry does), every attempt a request.
 */
export class RestModel {
  readonly #random: () => number;
  readonly #sent: number[] = [];
  readonly #rateLimited: Trace['network']['rateLimited'];
  requests = 0;
  peak1s = 0;

  constructor(trace: Trace, seed: number) {
    this.#random = seededRandom(seed);
    this.#rateLimited = trace.network.rateLimited;
  }

  /** Sends one request at `t`: when its reply arrives and whether any attempt was a 429. */
  request(t: number): { readonly at: number; readonly limited: boolean; readonly attempts: number } {
    let at = t;
    let limited = false;
    for (let attempt = 0; ; attempt++) {
      at = this.#slot(at);
      this.requests += 1;
      const latency = 25 - Math.log(1 - this.#random()) * 15 + (this.#random() < 0.01 ? 200 : 0);
      const share = this.#rateLimited.find(([from, to]) => at >= from && at < to)?.[2] ?? 0;
      if (attempt < 4 && this.#random() < share) {
        limited = true;
        at += latency + 250 * 2 ** attempt;
        continue;
      }
      return { at: at + latency, limited, attempts: attempt + 1 };
    }
  }

  /** The first time from `t` the ticker budget allows a request; spends it. */
  #slot(t: number): number {
    const { limit, windowMs } = TICKER_RULE;
    let at = t;
    const inWindow = (x: number): number => this.#sent.filter((s) => s > x - windowMs).length;
    while (inWindow(at) >= limit) at = this.#sent.filter((s) => s > at - windowMs)[0]! + windowMs;
    this.#sent.push(at);
    while (this.#sent.length > 0 && this.#sent[0]! <= at - 2 * windowMs) this.#sent.shift();
    this.peak1s = Math.max(this.peak1s, inWindow(at));
    return at;
  }
}

/** Replays `trace` for `policy` (built over the engine's clock) and measures it. */
export function runPolicy(trace: Trace, net: TraceNetworkModel, build: (now: () => number) => Policy): PolicyRun {
  let now = 0;
  const policy = build(() => now);
  const rest = new RestModel(trace, 99);
  const held = new Map<string, number>(trace.userStreams.map((m) => [m, -Infinity]));
  const cursors = new Map<string, number>();
  const sentFrames: number[] = [];
  const run = { served: [] as Served[], latencies: [] as number[], streamMs: 0, changes: 0, violations: 0, lagged: 0, peakHeld: 0 };
  const drops = trace.network.down.map(([from]) => from);
  /** Delivers the frames of held markets up to `t` to the policy, and the drops. */
  const advance = (t: number): void => {
    while (drops.length > 0 && drops[0]! <= t) {
      now = drops.shift()!;
      policy.dropped();
    }
    for (const [market, since] of held) {
      const frames = net.frames.get(market)!;
      const exchange = net.exchangeTimes.get(market)!;
      let i = cursors.get(market) ?? upperBound(frames, since);
      for (; i < frames.length && frames[i]! <= t; i++) policy.streamValue(market, exchange[i]!, frames[i]!);
      cursors.set(market, i);
    }
    now = t;
  };
  const planFrames = (t: number, count: number): void => {
    for (let i = 0; i < count; i++) sentFrames.push(t);
  };
  /** Records the answer of one (call, market) slot. */
  const answer = (slot: number, served: Served, latency: number): void => {
    run.served[slot] = served;
    run.latencies[slot] = latency;
  };
  const calls = [...trace.calls];
  for (let tick = PLAN_MS; tick <= trace.durationMs || calls.length > 0; tick += PLAN_MS) {
    // Calls due before this plan.
    while (calls.length > 0 && calls[0]!.at < tick) {
      const call = calls.shift()!;
      advance(call.at);
      const toRest: number[] = [];
      const waited: [number, number][] = [];
      for (const market of call.markets) {
        const slot = run.served.length;
        run.served.push('rest');
        run.latencies.push(0);
        policy.called(market, call.maxAgeMs, 1 / call.markets.length);
        const since = held.get(market);
        const last = since === undefined ? undefined : net.lastValue(market, since, now);
        const decision = policy.route(market, call.maxAgeMs, last === undefined ? undefined : now - last.at, since !== undefined);
        if (decision.source === 'stream' && last !== undefined) {
          answer(slot, 'socket', 0);
          if (last.at < now - call.maxAgeMs) run.violations += 1;
          if (last.lag > DEGRADED_LAG_MS) run.lagged += 1;
          continue;
        }
        const next = decision.source === 'wait' && since !== undefined ? net.nextValue(market, now, decision.waitMs) : undefined;
        if (next !== undefined) {
          answer(slot, 'socket', next.at - now);
          if (next.lag > DEGRADED_LAG_MS) run.lagged += 1;
        }
        else if (decision.source === 'wait') waited.push([slot, decision.waitMs]);
        else toRest.push(slot);
      }
      // One batched request for the calls that go to REST now, one per waited market after its wait.
      const batches: [number, number[]][] = [[now, toRest], ...waited.map(([slot, w]): [number, number[]] => [now + w, [slot]])];
      for (const [at, slots] of batches) {
        if (slots.length === 0) continue;
        const reply = rest.request(at);
        policy.restReply(reply.at - at, reply.limited ? 429 : 200);
        for (const slot of slots) answer(slot, 'rest', reply.at - call.at);
      }
    }
    if (tick > trace.durationMs) continue;
    advance(tick);
    const { subscribe, unsubscribe } = policy.tick();
    for (const market of unsubscribe) {
      run.streamMs += tick - held.get(market)!;
      held.delete(market);
      cursors.delete(market);
    }
    for (const market of subscribe) {
      held.set(market, tick + SUBSCRIBE_MS);
      cursors.delete(market);
    }
    run.changes += subscribe.length + unsubscribe.length;
    planFrames(tick, (subscribe.length > 0 ? 1 : 0) + (unsubscribe.length > 0 ? 1 : 0));
    const own = [...held.keys()].filter((m) => !trace.userStreams.includes(m)).length;
    run.peakHeld = Math.max(run.peakHeld, own);
  }
  for (const [market, since] of held) if (!trace.userStreams.includes(market)) run.streamMs += trace.durationMs - since;
  const peakIn = (windowMs: number): number => Math.max(0, ...sentFrames.map((t) => sentFrames.filter((s) => s > t - windowMs && s <= t).length));
  return {
    served: run.served,
    latencies: run.latencies,
    requests: rest.requests,
    streamMinutes: run.streamMs / 60_000,
    changes: run.changes,
    violations: run.violations,
    lagged: run.lagged,
    peaks: { held: run.peakHeld, frames1s: peakIn(1_000), frames60s: peakIn(60_000), requests1s: rest.peak1s },
  };
}

/** The cost of a run under the stated cost model. */
export function costOf(run: Pick<PolicyRun, 'requests' | 'streamMinutes' | 'changes'>, costs: RoutingCosts = BENCH_COSTS): number {
  return run.requests * costs.restRequest + run.streamMinutes * costs.streamMinute + run.changes * costs.subscriptionChange;
}

/** The oracle's choices on one trace: per (call, market) slot, in the order `runPolicy` numbers them. */
export interface OracleRun {
  readonly served: Served[];
  readonly latencies: number[];
  readonly requests: number;
  readonly streamMinutes: number;
  readonly changes: number;
}

/** No value at hand. */
const NONE: HeldValue = { at: -Infinity, lag: 0 };

/** One state of the oracle's DP after a call: off the socket, or held with the freshest value received at `value`. */
interface OracleState {
  readonly cost: number;
  readonly held: boolean;
  readonly value: HeldValue;
  readonly served: Served;
  readonly latency: number;
  readonly parent: OracleState | undefined;
  readonly requests: number;
  readonly streamMs: number;
  readonly changes: number;
}

/**
 * The offline oracle: for each market, the subscription plan and per-call source of least cost under the
 * cost model, knowing every future call, frame, drop and 429 (a DP over the market's calls: off, or held
 * with the freshest value at hand; it subscribes just in time and drops right after a call). A REST call
 * costs its share of the batch it is in, times the attempts its 429s take. Per market: the exchange's
 * cross-market limits are not binding on these traces (checked for the adaptive policy instead).
 */
export function runOracle(trace: Trace, net: TraceNetworkModel, costs: RoutingCosts = BENCH_COSTS): OracleRun {
  const slots: { market: string; at: number; maxAgeMs: number; share: number; slot: number }[] = [];
  for (const call of trace.calls) for (const market of call.markets) slots.push({ market, at: call.at, maxAgeMs: call.maxAgeMs, share: 1 / call.markets.length, slot: slots.length });
  const served: Served[] = slots.map(() => 'rest');
  const latencies: number[] = slots.map(() => 0);
  let requests = 0;
  let streamMs = 0;
  let changes = 0;
  const byMarket = new Map<string, typeof slots>();
  for (const s of slots) byMarket.set(s.market, [...(byMarket.get(s.market) ?? []), s]);
  const wait = DEFAULT_ROUTING_TUNING.maxWaitMs;
  const user = new Set(trace.userStreams);
  let seed = 7;
  for (const [market, calls] of byMarket) {
    // Each market's REST exchanges in time order (the oracle's requests are shares of batches anyway).
    const restModel = new RestModel(trace, seed++);
    let states: OracleState[] = [{ cost: 0, held: user.has(market), value: NONE, served: 'rest', latency: 0, parent: undefined, requests: 0, streamMs: 0, changes: 0 }];
    let previous = 0;
    for (const call of calls) {
      const reply = restModel.request(call.at);
      const { attempts } = reply;
      const restCost = costs.restRequest * call.share * attempts;
      const restLatency = reply.at - call.at;
      const next: OracleState[] = [];
      for (const state of states) {
        const base = { parent: state };
        const viaRest = (cost: number, held: boolean, value: HeldValue, extra: Partial<OracleState>): OracleState => ({
          ...base, cost: cost + restCost, held, value, served: 'rest', latency: restLatency,
          requests: state.requests + call.share * attempts, streamMs: state.streamMs, changes: state.changes, ...extra,
        });
        /** A value the oracle may answer with: received within `maxAgeMs` and not from a degraded socket. */
        const usable = (v: HeldValue): boolean => v.at >= call.at - call.maxAgeMs && v.lag <= DEGRADED_LAG_MS;
        if (user.has(market)) {
          const last = net.lastValue(market, -Infinity, call.at) ?? NONE;
          next.push(usable(last) ? { ...base, cost: state.cost, held: true, value: last, served: 'socket', latency: 0, requests: state.requests, streamMs: state.streamMs, changes: state.changes } : viaRest(state.cost, true, last, {}));
          continue;
        }
        if (!state.held) {
          next.push(viaRest(state.cost, false, NONE, {}));
          // Subscribe just in time: the snapshot answers, as late as the socket delivers now.
          const lag = net.lagAt(call.at);
          const since = call.at - SUBSCRIBE_MS - lag;
          const cost = state.cost + costs.subscriptionChange + (costs.streamMinute * (call.at - since)) / 60_000;
          const extra = { changes: state.changes + 1, streamMs: state.streamMs + (call.at - since) };
          const snap = { at: call.at, lag };
          if (net.socketUp(since) && usable(snap)) next.push({ ...base, ...extra, cost, held: true, value: snap, served: 'socket', latency: 0, requests: state.requests });
          continue;
        }
        const heldMs = call.at - previous;
        const kept = state.cost + (costs.streamMinute * heldMs) / 60_000;
        const keptExtra = { streamMs: state.streamMs + heldMs, changes: state.changes };
        const latest = net.lastValue(market, previous, call.at, -Infinity);
        const value = latest !== undefined && latest.at > state.value.at ? latest : state.value;
        if (usable(value)) next.push({ ...base, ...keptExtra, cost: kept, held: true, value, served: 'socket', latency: 0, requests: state.requests });
        else {
          const arrival = net.nextValue(market, call.at, wait);
          if (arrival !== undefined && arrival.lag <= DEGRADED_LAG_MS) next.push({ ...base, ...keptExtra, cost: kept, held: true, value: arrival, served: 'socket', latency: arrival.at - call.at, requests: state.requests });
          else next.push(viaRest(kept, true, value, keptExtra));
        }
        // Drop right after the previous call.
        next.push(viaRest(state.cost + costs.subscriptionChange, false, NONE, { changes: state.changes + 1 }));
      }
      states = prune(next);
      previous = call.at;
    }
    // The trace ends: nothing more is charged.
    let best = states.reduce((a, b) => (b.cost < a.cost ? b : a));
    requests += best.requests;
    streamMs += best.streamMs;
    changes += best.changes;
    for (let i = calls.length - 1; i >= 0; i--, best = best.parent!) {
      served[calls[i]!.slot] = best.served;
      latencies[calls[i]!.slot] = best.latency;
    }
  }
  return { served, latencies, requests, streamMinutes: streamMs / 60_000, changes };
}

/** Keeps the states no other beats on both cost and freshness of the held value. */
function prune(states: readonly OracleState[]): OracleState[] {
  const off = states.filter((s) => !s.held).reduce<OracleState | undefined>((a, b) => (a === undefined || b.cost < a.cost ? b : a), undefined);
  const held = states.filter((s) => s.held).sort((a, b) => b.value.at - a.value.at || a.cost - b.cost);
  const kept: OracleState[] = off === undefined ? [] : [off];
  let cheapest = Infinity;
  for (const s of held) {
    if (s.cost < cheapest) kept.push(s);
    cheapest = Math.min(cheapest, s.cost);
  }
  return kept;
}
