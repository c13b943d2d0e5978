/**
 * Per-market constants derived once from a {@link SimMarketSpec} and the seed: tick, volume lot, band
 * limits and hash key. Kept in plain numbers where they feed the hot generation loops.
 *
 * Each market keeps ONE tick size: its path is clamped to the tick-table band of its base price, so a
 * trade price is always `k × tick` for an integer `k` (a "tick index"). Volumes are integer multiples
 * of a lot: 0.00000001 normally, coarser for very cheap coins so that `k × lots` sums stay exact in
 * doubles within a minute (the model checks this).
 */
import { Big } from '../../model/decimal.js';
import { hashString, mix, toUnit } from './hash.js';
import { DEFAULT_LISTED_AT, type SimMarketSpec } from './markets.js';
import { createPathMemo, type PathMemo } from './price-path.js';
import { bandOf, decimalsOf } from './ticks.js';

/** Everything the generators need about one market. */
export interface MarketProfile {
  readonly spec: SimMarketSpec;
  readonly code: string;
  readonly quote: string;
  readonly base: string;
  /** Position in the catalogue (part of cache keys). */
  readonly index: number;
  /** Hash key of (seed, market code): the same market has the same history in any catalogue. */
  readonly key: number;
  /** Hash of the seed and every spec field: equal fingerprints mean equal histories. */
  readonly fingerprint: number;
  readonly tick: Big;
  readonly tickNumber: number;
  readonly tickDecimals: number;
  /** The tick as an integer number of `10^-tickDecimals` units (`1000` → 1000, `0.1` → 1). */
  readonly tickUnits: number;
  /** Volume unit: every volume is an integer number of lots. */
  readonly lot: Big;
  readonly lotNumber: number;
  readonly lotDecimals: number;
  readonly basePrice: number;
  /** Lowest and highest tick index the path may reach (inside the base price's band). */
  readonly minTicks: number;
  readonly maxTicks: number;
  readonly volatility: number;
  readonly tradesPerMinute: number;
  readonly notional: number;
  /** First instant with trades (ms, aligned to a minute). */
  readonly listedAt: number;
  /** Offset (minutes) of the daily activity cycle. */
  readonly activityPhase: number;
  /** Hash key of the slow activity noise. */
  readonly activityKey: number;
  /** Memo of the price path's lattice values (a pure cache). */
  readonly path: PathMemo;
}

const MINUTE_MS = 60_000;
const ACTIVITY_SALT = 0x4143_5456;

/** Largest `notional / (tick × lot)`: keeps a minute's Σ k·lots below 2^53 with wide headroom. */
const MAX_LOTS_VALUE_PER_TRADE = 1e11;

function lotDecimalsFor(notional: number, tick: number): number {
  const ratio = notional / (tick * MAX_LOTS_VALUE_PER_TRADE);
  const decimals = -Math.ceil(Math.log10(ratio));
  return Math.min(8, Math.max(0, decimals));
}

/**
 * Builds the profile of one market.
 *
 * @example
 * ```ts
 * const profile = createMarketProfile(spec, 0, 42);
 * profile.tick.toString(); // '1000' for KRW-BTC
 * ```
 */
export function createMarketProfile(spec: SimMarketSpec, index: number, seed: number): MarketProfile {
  const [quote, base] = spec.market.split('-');
  if (quote === undefined || base === undefined) throw new Error(`market code: ${spec.market} is not QUOTE-BASE`);
  const basePrice = new Big(spec.basePrice);
  const band = bandOf(quote, basePrice);
  const tickNumber = band.tick.toNumber();
  const lotDecimals = lotDecimalsFor(spec.notional, tickNumber);
  const lot = new Big(1).div(new Big(10).pow(lotDecimals));
  const minTicks = Math.max(1, Math.ceil(band.min.div(band.tick).toNumber()));
  const maxTicks = band.max === undefined ? Number.MAX_SAFE_INTEGER : band.max.div(band.tick).toNumber() - 1;
  const listedAt = Date.parse(spec.listedAt ?? DEFAULT_LISTED_AT);
  const key = mix(seed >>> 0, hashString(spec.market));
  if (!Number.isFinite(listedAt)) throw new Error(`market ${spec.market}: listedAt is not a date`);
  return {
    spec,
    code: spec.market,
    quote,
    base,
    index,
    key,
    fingerprint: mix(key, hashString(JSON.stringify(spec))),
    tick: band.tick,
    tickNumber,
    tickDecimals: decimalsOf(band.tick),
    tickUnits: band.tick.times(new Big(10).pow(decimalsOf(band.tick))).toNumber(),
    lot,
    lotNumber: lot.toNumber(),
    lotDecimals,
    basePrice: basePrice.toNumber(),
    minTicks,
    maxTicks,
    volatility: spec.volatility ?? 1,
    tradesPerMinute: spec.tradesPerMinute,
    notional: spec.notional,
    listedAt: Math.ceil(listedAt / MINUTE_MS) * MINUTE_MS,
    activityPhase: Math.floor(toUnit(mix(key, ACTIVITY_SALT)) * 1440),
    activityKey: mix(key, ACTIVITY_SALT + 1),
    path: createPathMemo(key),
  };
}

/** `digits × 10^-decimals` as a Big, built from the string (no multiplication). */
function scaled(digits: string, decimals: number): Big {
  if (decimals === 0) return new Big(digits);
  const negative = digits.startsWith('-');
  const body = (negative ? digits.slice(1) : digits).padStart(decimals + 1, '0');
  const text = `${body.slice(0, body.length - decimals)}.${body.slice(body.length - decimals)}`;
  return new Big(negative ? `-${text}` : text);
}

/**
 * The price of tick index `k` as an exact decimal.
 *
 * @example
 * ```ts
 * priceOf(profile, 163248).toString(); // '163248000' with a 1,000-KRW tick
 * ```
 */
export function priceOf(profile: MarketProfile, ticks: number): Big {
  return scaled(String(ticks * profile.tickUnits), profile.tickDecimals);
}

/**
 * A lot count as an exact volume.
 *
 * @example
 * ```ts
 * volumeOf(profile, 2543652).toString(); // '0.02543652' with 8-decimal lots
 * ```
 */
export function volumeOf(profile: MarketProfile, lots: number | bigint): Big {
  return scaled(lots.toString(), profile.lotDecimals);
}

/**
 * Σ price × volume from Σ ticks × lots.
 *
 * @example
 * ```ts
 * valueOf(profile, 123n); // tick × lot × 123
 * ```
 */
export function valueOf(profile: MarketProfile, tickLots: number | bigint): Big {
  return scaled((BigInt(tickLots) * BigInt(profile.tickUnits)).toString(), profile.tickDecimals + profile.lotDecimals);
}
