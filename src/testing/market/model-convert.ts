/**
 * Conversions from the model's internal units (ticks, lots, ticks × lots) to its public `Big` values.
 */
import type { Aggregate } from './aggregate.js';
import type { TradePoint } from './history-queries.js';
import { priceOf, valueOf, volumeOf, type MarketProfile } from './market-profile.js';
import { CAUTION_FLAGS, type CautionFlag } from './markets.js';
import type { SimAggregate, SimMarket, SimTrade } from './model-types.js';

/**
 * `timestamp × 10000 + index`, as Upbit builds `sequential_id`, in decimal (beyond 2^53).
 *
 * @example
 * ```ts
 * sequentialIdOf(1751068799336, 0); // '17510687993360000'
 * ```
 */
export function sequentialIdOf(timestamp: number, index: number): string {
  return (BigInt(timestamp) * 10_000n + BigInt(index)).toString();
}

/**
 * A trade point as a public {@link SimTrade}.
 *
 * @example
 * ```ts
 * const trade = toSimTrade(profile, point);
 * ```
 */
export function toSimTrade(profile: MarketProfile, point: TradePoint): SimTrade {
  return {
    market: profile.code,
    timestamp: point.ts,
    price: priceOf(profile, point.price),
    volume: volumeOf(profile, point.lots),
    side: point.bid ? 'BID' : 'ASK',
    sequentialId: sequentialIdOf(point.ts, point.seq),
  };
}

/**
 * An internal aggregate as a public {@link SimAggregate}.
 *
 * @example
 * ```ts
 * const day = toSimAggregate(profile, aggregate);
 * ```
 */
export function toSimAggregate(profile: MarketProfile, aggregate: Aggregate): SimAggregate {
  return {
    trades: aggregate.trades,
    open: priceOf(profile, aggregate.open),
    high: priceOf(profile, aggregate.high),
    low: priceOf(profile, aggregate.low),
    close: priceOf(profile, aggregate.close),
    firstTimestamp: aggregate.firstTs,
    lastTimestamp: aggregate.lastTs,
    volume: volumeOf(profile, aggregate.lots),
    value: valueOf(profile, aggregate.value),
    askVolume: volumeOf(profile, aggregate.askLots),
    bidVolume: volumeOf(profile, aggregate.lots - aggregate.askLots),
  };
}

/**
 * A profile's public listing.
 *
 * @example
 * ```ts
 * toSimMarket(profile).koreanName; // '비트코인'
 * ```
 */
export function toSimMarket(profile: MarketProfile): SimMarket {
  const flagged = new Set<CautionFlag>(profile.spec.cautions ?? []);
  const cautions = Object.fromEntries(CAUTION_FLAGS.map((flag) => [flag, flagged.has(flag)])) as Record<CautionFlag, boolean>;
  return {
    market: profile.code,
    quote: profile.quote,
    base: profile.base,
    koreanName: profile.spec.koreanName,
    englishName: profile.spec.englishName,
    warning: profile.spec.warning ?? false,
    cautions,
    tickSize: profile.tick,
    lotSize: profile.lot,
    listedAt: profile.listedAt,
  };
}
