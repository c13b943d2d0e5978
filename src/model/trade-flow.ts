/**
 * Trade flow over a sliding time window: buy and sell volume, their imbalance, VWAP and trade count. The
 * `tradeFlow` operator keeps the window up to date as trades arrive and leave.
 */
import { checkDecimals, checkOption, createDivide, isPositive } from './analytics-checks.js';
import { Big } from './decimal.js';
import type { Trade } from './trade.js';

/** Options of {@link computeTradeFlow}. */
export interface TradeFlowOptions {
  /** Width of the window in ms: at time `at` it holds the trades received in (`at − windowMs`, `at`]. */
  readonly windowMs: number;
  /** Decimal places of the imbalance and the VWAP, rounded half-up. @default 8 */
  readonly decimals?: number;
}

/**
 * The trades of one window at time `at` (ms, our clock): taker `buy` and `sell` volume (base) and notional
 * (quote), `count`s, `imbalance` = (buy − sell) / (buy + sell) of volume, in [−1, 1], and `vwap` = Σ price ×
 * amount / Σ amount; both `undefined` for an empty window.
 */
export interface TradeFlow {
  readonly at: number;
  readonly windowMs: number;
  readonly count: number;
  readonly buyCount: number;
  readonly sellCount: number;
  readonly buyVolume: Big;
  readonly sellVolume: Big;
  readonly buyNotional: Big;
  readonly sellNotional: Big;
  readonly imbalance: Big | undefined;
  readonly vwap: Big | undefined;
}

/** Running sums of one window; `add` and `remove` keep them exact. */
export class TradeFlowSums {
  #count = [0, 0];
  #volume = [new Big(0), new Big(0)];
  #notional = [new Big(0), new Big(0)];

  /** Counts a trade in (`sign` 1) or out (−1). */
  apply(trade: Trade, sign: 1 | -1): void {
    const i = trade.side === 'buy' ? 0 : 1;
    const notional = trade.price.times(trade.amount);
    this.#count[i]! += sign;
    this.#volume[i] = sign > 0 ? this.#volume[i]!.plus(trade.amount) : this.#volume[i]!.minus(trade.amount);
    this.#notional[i] = sign > 0 ? this.#notional[i]!.plus(notional) : this.#notional[i]!.minus(notional);
  }

  /** The flow at `at`. */
  toFlow(at: number, windowMs: number, divide: (a: Big, b: Big) => Big): TradeFlow {
    const [buyCount, sellCount] = this.#count as [number, number];
    const [buyVolume, sellVolume] = this.#volume as [Big, Big];
    const [buyNotional, sellNotional] = this.#notional as [Big, Big];
    const volume = buyVolume.plus(sellVolume);
    const empty = volume.eq(0);
    return {
      at, windowMs, count: buyCount + sellCount, buyCount, sellCount, buyVolume, sellVolume, buyNotional, sellNotional,
      imbalance: empty ? undefined : divide(buyVolume.minus(sellVolume), volume),
      vwap: empty ? undefined : divide(buyNotional.plus(sellNotional), volume),
    };
  }
}

/**
 * Checks the options (throws an `InvalidArgumentError` naming the bad one) and gives the rounded division.
 *
 * @example
 * ```ts
 * const { windowMs, divide } = planTradeFlow({ windowMs: 60_000 });
 * ```
 */
export function planTradeFlow(options: TradeFlowOptions): { readonly windowMs: number; readonly divide: (a: Big, b: Big) => Big } {
  const { windowMs, decimals = 8 } = options;
  checkOption('options.windowMs', windowMs, isPositive, 'a window in ms above 0');
  checkDecimals(decimals);
  return { windowMs, divide: createDivide(decimals) };
}

/**
 * The flow of the trades received in (`at − windowMs`, `at`] (by each trade's `receivedAt`): the same window
 * the `tradeFlow` operator keeps, computed once over a list.
 *
 * @example
 * ```ts
 * import { computeTradeFlow } from 'market-data-backbone';
 * const flow = computeTradeFlow(trades, Date.now(), { windowMs: 60_000 });
 * console.log(flow.buyVolume.toFixed(), flow.sellVolume.toFixed(), flow.imbalance?.toFixed(3), flow.vwap?.toFixed(0));
 * ```
 * @param trades Trades in any order.
 * @param at The window's end (ms, the clock of `receivedAt`).
 * @param options The window and the precision.
 * @returns Volumes, counts, imbalance and VWAP of the window.
 */
export function computeTradeFlow(trades: readonly Trade[], at: number, options: TradeFlowOptions): TradeFlow {
  const { windowMs, divide } = planTradeFlow(options);
  const sums = new TradeFlowSums();
  for (const trade of trades) if (trade.receivedAt > at - windowMs && trade.receivedAt <= at) sums.apply(trade, 1);
  return sums.toFlow(at, windowMs, divide);
}
