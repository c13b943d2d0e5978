/**
 * The plan of one minute of trading, derived in O(1) from hashes: how many trades, and the few price
 * "groups" they fall into (consecutive trades at one price, one taker side, one total volume).
 *
 * This is what makes long histories cheap: a minute's aggregates (OHLC, Σ volume, Σ price × volume)
 * follow from at most {@link MAX_GROUPS} groups, without generating its trades. The trades themselves
 * (`minute-trades.ts`) split each group's volume exactly, so candles always equal their trades.
 */
import { fmix32, mix, toUnit } from './hash.js';
import type { MarketProfile } from './market-profile.js';
import { midTicks } from './price-path.js';

/** Most price groups in a minute. */
export const MAX_GROUPS = 6;
/** Most trades in a minute (3 per second). */
export const MAX_TRADES_PER_MINUTE = 180;

/** Largest Σ ticks × lots of one group: eight of them still sum below 2^53. */
const MAX_GROUP_VALUE = 2 ** 49;

/** Hash salts, one per purpose (minute count, groups; trade-level ones are used in minute-trades). */
export const SALT = {
  count: 1,
  group: 16,
  time: 1000,
  burst: 2000,
  split: 3000,
} as const;

/** A minute's plan. Arrays are indexed by group; only the first `groups` entries are meaningful. */
export interface MinutePlan {
  trades: number;
  groups: number;
  readonly price: Float64Array;
  readonly lots: Float64Array;
  readonly count: Float64Array;
  /** 1 when the group's taker side is BID (taker bought), 0 for ASK. */
  readonly bid: Uint8Array;
}

/**
 * Allocates an empty plan (reuse it: {@link planMinute} overwrites it).
 *
 * @example
 * ```ts
 * const plan = createPlan();
 * ```
 */
export function createPlan(): MinutePlan {
  return {
    trades: 0,
    groups: 0,
    price: new Float64Array(MAX_GROUPS),
    lots: new Float64Array(MAX_GROUPS),
    count: new Float64Array(MAX_GROUPS),
    bid: new Uint8Array(MAX_GROUPS),
  };
}

/** One day of a sine wave, per minute: the daily activity cycle without a `Math.sin` per minute. */
const DAILY_CYCLE = Float64Array.from({ length: 1440 }, (_, m) => Math.sin((2 * Math.PI * m) / 1440));

/** Last lattice pair of {@link smoothNoise} (a pure memo: minute scans reuse it 20 times). */
const noiseMemo = { key: -1, index: Number.NaN, a: 0, b: 0 };

function smoothNoise(key: number, position: number): number {
  const index = Math.floor(position);
  if (noiseMemo.key !== key || noiseMemo.index !== index) {
    noiseMemo.key = key;
    noiseMemo.index = index;
    noiseMemo.a = toUnit(mix(key, index));
    noiseMemo.b = toUnit(mix(key, index + 1));
  }
  const f = position - index;
  return noiseMemo.a + (noiseMemo.b - noiseMemo.a) * f * f * (3 - 2 * f);
}

/** Mean trade rate of a minute: the market's rate × a daily cycle × slow hashed activity noise. */
function tradeRate(profile: MarketProfile, minute: number): number {
  const cycle = 1 + 0.3 * (DAILY_CYCLE[(minute + profile.activityPhase) % 1440] ?? 0);
  const burst = 0.4 + 1.2 * smoothNoise(profile.activityKey, minute / 20);
  return profile.tradesPerMinute * cycle * burst;
}

/** Poisson (inverse CDF) for small rates, a cheap normal approximation (Irwin-Hall of 4) above. */
function sampleCount(rate: number, hashA: number, hashB: number): number {
  if (rate < 25) {
    const u = toUnit(hashA);
    let p = Math.exp(-rate);
    let cumulative = p;
    let k = 0;
    while (u > cumulative && k < MAX_TRADES_PER_MINUTE) {
      k++;
      p *= rate / k;
      cumulative += p;
    }
    return k;
  }
  const sum = ((hashA & 0xffff) + (hashA >>> 16) + (hashB & 0xffff) + (hashB >>> 16)) / 65536;
  const z = (sum - 2) * 1.7320508075688772;
  return Math.min(MAX_TRADES_PER_MINUTE, Math.max(0, Math.round(rate + Math.sqrt(rate) * z)));
}

/**
 * Fills `plan` for `minute` (minutes since the epoch). Sets `plan.trades = 0` for a minute without
 * trades; only minutes with trades evaluate the price path (at the minute's start and end).
 *
 * @example
 * ```ts
 * planMinute(profile, minute, plan);
 * ```
 */
export function planMinute(profile: MarketProfile, minute: number, plan: MinutePlan): void {
  const h = mix(profile.key, minute);
  const n = minute * 60_000 < profile.listedAt ? 0 : sampleCount(tradeRate(profile, minute), mix(h, SALT.count), mix(h, SALT.count + 1));
  plan.trades = n;
  plan.groups = Math.min(n, MAX_GROUPS);
  if (n === 0) return;
  const midStart = midTicks(profile, minute * 60_000);
  const midEnd = midTicks(profile, minute * 60_000 + 60_000);
  const groups = plan.groups;
  const sigma = 0.0004 * profile.volatility * midStart;
  const bidBias = midEnd > midStart ? 0.65 : midEnd < midStart ? 0.35 : 0.5;
  let weightTotal = 0;
  for (let g = 0; g < groups; g++) {
    const phi = groups === 1 ? 0 : g / (groups - 1);
    const edge = g === 0 || g === groups - 1 ? 0.3 : 1;
    // One full hash per group; side, weight and size use the halves of two cheap re-mixes.
    const hg = mix(h, SALT.group + g);
    const hs = fmix32(hg ^ 0x9e3779b9);
    const mid = midStart + (midEnd - midStart) * phi + sigma * edge * (2 * toUnit(hg) - 1);
    const bid = (hs & 0xffff) / 65536 < bidBias;
    const ticks = bid ? Math.ceil(mid + 0.5) : Math.floor(mid - 0.5);
    plan.price[g] = Math.min(profile.maxTicks, Math.max(profile.minTicks, ticks));
    plan.bid[g] = bid ? 1 : 0;
    plan.lots[g] = toUnit(fmix32(hs + 0x6a09e667));
    weightTotal += 0.2 + (hs >>> 16) / 65536;
    plan.count[g] = weightTotal;
  }
  // Split the n - groups extra trades by cumulative weights: exact, every group keeps at least one.
  const extra = n - groups;
  let previous = 0;
  for (let g = 0; g < groups; g++) {
    const cumulative = g === groups - 1 ? extra : Math.floor((extra * (plan.count[g] ?? 0)) / weightTotal);
    const count = 1 + cumulative - previous;
    previous = cumulative;
    plan.count[g] = count;
    const price = plan.price[g] ?? 1;
    const meanLots = profile.notional / (price * profile.tickNumber * profile.lotNumber);
    const u = plan.lots[g] ?? 0;
    const factor = 0.2 + 3 * u * u * u;
    const lots = Math.max(count, Math.round(count * meanLots * factor));
    plan.lots[g] = Math.max(count, Math.min(lots, Math.floor(MAX_GROUP_VALUE / price)));
  }
}
