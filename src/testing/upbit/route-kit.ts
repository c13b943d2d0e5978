/**
 * Types shared by the simulator's route tables, and the market-code check every route uses.
 */
import type { MarketModel } from '../market/market-model.js';
import { UpbitReplyError } from './params.js';
import type { WireValue } from '../server/wire-json.js';

/** Rate-limit groups, spelled as the `Remaining-Req` header spells them (`candles`, not `candle`). */
export type UpbitGroup = 'market' | 'ticker' | 'orderbook' | 'trade' | 'candles';

/** What a handler gets. */
export interface RouteRequest {
  readonly model: MarketModel;
  /** The simulator clock's now when the request arrived. */
  readonly now: number;
  readonly query: URLSearchParams;
  /** Path segments captured by the route pattern (the minute unit). */
  readonly params: readonly string[];
}

/** One REST endpoint. */
export interface UpbitRoute {
  readonly pattern: RegExp;
  readonly group: UpbitGroup;
  handle(request: RouteRequest): WireValue;
}

/**
 * A market code that must exist (and be listed) at `now`, else 404 Code not found.
 *
 * @example
 * ```ts
 * const code = knownMarket(request, requireParam(request.query, 'market'));
 * ```
 */
export function knownMarket({ model, now }: RouteRequest, code: string): string {
  if (!model.hasMarket(code, now)) throw UpbitReplyError.codeNotFound();
  return code;
}

