/**
 * Cached building blocks of a market's history: minute summaries grouped by hour, day aggregates and
 * generated minutes of trades, each in a bounded LRU.
 *
 * Everything here is re-derivable from `(seed, market, time)`; the caches only make repeated questions
 * cheap (a warm 24 h ticker sums ~25 cached hours plus a few minutes).
 */
import { AggregateBuilder, type Aggregate } from './aggregate.js';
import { LruCache } from './lru.js';
import type { MarketProfile } from './market-profile.js';
import { createPlan, planMinute } from './minute-plan.js';
import { expandPlan, readSummary, summarizePlan, SUMMARY_STRIDE, type MinuteSummary, type MinuteTrades } from './minute-trades.js';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** One hour of packed minute summaries (60 × `SUMMARY_STRIDE` numbers) and their total. */
export interface HourBlock {
  readonly data: Float64Array;
  readonly total: Aggregate | undefined;
}

/** Cache sizes of a {@link History}. */
export interface HistoryCacheSizes {
  /** Hour blocks kept (60 minute summaries each). @default 4096 */
  readonly hours?: number | undefined;
  /** Generated minutes of trades kept. @default 1024 */
  readonly minutes?: number | undefined;
}

/** Market indexes are packed into numeric cache keys. */
const MAX_MARKETS = 1024;

/**
 * Day aggregates shared by every model of the process, keyed by market fingerprint and day: they are
 * pure values and the most expensive ones to derive (1,440 minutes each), so a second simulator with
 * the same seed, or a later test file in the same worker, gets them for free.
 */
const SHARED_DAYS = new LruCache<number, Aggregate | null>(100_000);
const DAY_KEY_SPACE = 2 ** 20;

/**
 * The cached history of every market of one model.
 *
 * @example
 * ```ts
 * const history = new History();
 * const block = history.hourBlock(profile, Math.floor(Date.now() / HOUR_MS));
 * ```
 */
export class History {
  readonly #plan = createPlan();
  readonly #scratch = new Float64Array(60 * SUMMARY_STRIDE);
  readonly #hours: LruCache<number, HourBlock>;
  readonly #minutes: LruCache<number, MinuteTrades>;

  constructor(sizes: HistoryCacheSizes = {}) {
    this.#hours = new LruCache(sizes.hours ?? 4096);
    this.#minutes = new LruCache(sizes.minutes ?? 1024);
  }

  /** Summaries of the 60 minutes of `hour` (hours since the epoch), cached. */
  hourBlock(profile: MarketProfile, hour: number): HourBlock {
    const key = hour * MAX_MARKETS + profile.index;
    const cached = this.#hours.get(key);
    if (cached !== undefined) return cached;
    const data = new Float64Array(60 * SUMMARY_STRIDE);
    this.#scanHour(profile, hour, data);
    const builder = new AggregateBuilder();
    for (let i = 0; i < 60; i++) builder.addPacked(data, i * SUMMARY_STRIDE);
    const block = { data, total: builder.build() };
    this.#hours.set(key, block);
    return block;
  }

  /** The summary of one minute (minutes since the epoch). */
  minuteSummary(profile: MarketProfile, minute: number): MinuteSummary | undefined {
    return readSummary(this.hourBlock(profile, Math.floor(minute / 60)).data, (minute % 60) * SUMMARY_STRIDE);
  }

  /** The aggregate of a whole UTC day (days since the epoch), in the shared cache; its hours are not kept. */
  dayAggregate(profile: MarketProfile, day: number): Aggregate | undefined {
    if ((day + 1) * DAY_MS <= profile.listedAt) return undefined;
    const key = profile.fingerprint * DAY_KEY_SPACE + day;
    const cached = SHARED_DAYS.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const builder = new AggregateBuilder();
    for (let hour = day * 24; hour < day * 24 + 24; hour++) {
      const block = this.#hours.get(hour * MAX_MARKETS + profile.index);
      if (block !== undefined) builder.addAggregate(block.total);
      else {
        this.#scanHour(profile, hour, this.#scratch);
        for (let i = 0; i < 60; i++) builder.addPacked(this.#scratch, i * SUMMARY_STRIDE);
      }
    }
    const aggregate = builder.build();
    SHARED_DAYS.set(key, aggregate ?? null);
    return aggregate;
  }

  /** The aggregate of a whole hour. */
  hourAggregate(profile: MarketProfile, hour: number): Aggregate | undefined {
    if ((hour + 1) * HOUR_MS <= profile.listedAt) return undefined;
    return this.hourBlock(profile, hour).total;
  }

  /** The trades of one minute (empty when none), cached. */
  minuteTrades(profile: MarketProfile, minute: number): MinuteTrades {
    const key = minute * MAX_MARKETS + profile.index;
    const cached = this.#minutes.get(key);
    if (cached !== undefined) return cached;
    const trades = this.generateMinute(profile, minute);
    this.#minutes.set(key, trades);
    return trades;
  }

  /** The trades of one minute, generated afresh and not cached (for long scans). */
  generateMinute(profile: MarketProfile, minute: number): MinuteTrades {
    planMinute(profile, minute, this.#plan);
    return expandPlan(profile, minute, this.#plan);
  }

  /** Writes the packed summaries of the 60 minutes of `hour` into `out`. */
  #scanHour(profile: MarketProfile, hour: number, out: Float64Array): void {
    const firstMinute = hour * 60;
    if ((hour + 1) * HOUR_MS <= profile.listedAt) {
      out.fill(0);
      return;
    }
    for (let i = 0; i < 60; i++) {
      planMinute(profile, firstMinute + i, this.#plan);
      summarizePlan(profile, firstMinute + i, this.#plan, out, i * SUMMARY_STRIDE);
    }
  }
}

/**
 * Largest number of markets one model supports (cache keys pack the market index).
 *
 * @example
 * ```ts
 * if (specs.length > HISTORY_MAX_MARKETS) throw new Error('too many markets');
 * ```
 */
export const HISTORY_MAX_MARKETS = MAX_MARKETS;
