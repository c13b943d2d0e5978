/**
 * The `/v1/candles/...` routes.
 *
 * `to` is the exclusive upper bound of candle START times (ISO 8601, UTC unless an offset is given, or
 * `yyyy-MM-dd HH:mm:ss`); it defaults to now, so the current, still-open period is included. The reply
 * covers the `count` (1-200) periods before `to`, newest first, and leaves out periods without trades
 * (so it may hold fewer than `count` candles). Paging back: pass the oldest `candle_date_time_utc`.
 */
import type { CandleInterval } from '../../model/candle.js';
import type { Big } from '../../model/decimal.js';
import { intervalOfMinuteUnit, previousPeriod, periodStart } from '../../model/candle-periods.js';
import type { SimCandle } from '../market/model-types.js';
import { intParam, requireParam, UpbitReplyError } from './params.js';
import { knownMarket, type RouteRequest, type UpbitRoute } from './route-kit.js';
import { toCandleWire, type CandleWireExtras } from './wire.js';
import { parseDateTime } from '../market/time-format.js';
import type { WireValue } from '../server/wire-json.js';

/** The candles of the request's window, oldest first. */
function windowCandles(request: RouteRequest, code: string, interval: CandleInterval): SimCandle[] {
  const { model, now, query } = request;
  const count = intParam(query, 'count', { min: 1, max: 200, fallback: 1 });
  const toText = query.get('to') ?? '';
  const to = toText === '' ? now + 1 : parseDateTime(toText);
  if (to === undefined) throw UpbitReplyError.invalid();
  const lastStart = periodStart(interval, to - 1);
  let firstStart = lastStart;
  for (let i = 1; i < count; i++) firstStart = previousPeriod(interval, firstStart);
  return model.candles(code, interval, firstStart, lastStart + 1, now);
}

function candles(request: RouteRequest, interval: CandleInterval, extras: CandleWireExtras = {}): WireValue {
  const code = knownMarket(request, requireParam(request.query, 'market'));
  return windowCandles(request, code, interval)
    .reverse()
    .map((candle) => toCandleWire(candle, extras));
}

/** Day candles: `prev_closing_price` from the previous day (or the last trade before), `converted_trade_price` on request. */
function dayCandles(request: RouteRequest): WireValue {
  const { model, query } = request;
  const code = knownMarket(request, requireParam(query, 'market'));
  const convertTo = query.get('converting_price_unit') ?? '';
  if (convertTo !== '' && convertTo !== 'KRW') throw UpbitReplyError.invalid();
  const quote = model.market(code)?.quote;
  const list = windowCandles(request, code, '1d');
  const out: WireValue[] = [];
  let previous: SimCandle | undefined;
  for (const candle of list) {
    const adjacent = previous !== undefined && previous.end === candle.start;
    const prevClose = adjacent ? previous?.close : model.lastTrade(code, candle.start - 1)?.price;
    let converted: Big | undefined;
    if (convertTo === 'KRW') {
      const rate = quote === 'KRW' ? undefined : model.hasMarket(`KRW-${quote}`, request.now) ? model.lastTrade(`KRW-${quote}`, candle.lastTimestamp)?.price : undefined;
      converted = quote === 'KRW' ? candle.close : rate === undefined ? undefined : candle.close.times(rate);
    }
    out.push(toCandleWire(candle, { prevClose, convertedTradePrice: converted }));
    previous = candle;
  }
  return out.reverse();
}

function minuteCandles(request: RouteRequest): WireValue {
  const unitText = request.params[0] ?? '';
  if (!/^\d+$/.test(unitText)) throw UpbitReplyError.typeMismatch();
  const interval = intervalOfMinuteUnit(Number(unitText));
  if (interval === undefined) throw UpbitReplyError.invalid();
  return candles(request, interval, { unit: Number(unitText) });
}

/**
 * Candle routes (group `candles`).
 *
 * @example
 * ```ts
 * candleRoutes.find((r) => r.pattern.test('/v1/candles/days'))?.group; // 'candles'
 * ```
 */
export const candleRoutes: readonly UpbitRoute[] = [
  { pattern: /^\/v1\/candles\/seconds$/, group: 'candles', handle: (request) => candles(request, '1s') },
  { pattern: /^\/v1\/candles\/minutes\/([^/]*)$/, group: 'candles', handle: minuteCandles },
  { pattern: /^\/v1\/candles\/days$/, group: 'candles', handle: dayCandles },
  { pattern: /^\/v1\/candles\/weeks$/, group: 'candles', handle: (request) => candles(request, '1w') },
  { pattern: /^\/v1\/candles\/months$/, group: 'candles', handle: (request) => candles(request, '1M') },
  { pattern: /^\/v1\/candles\/years$/, group: 'candles', handle: (request) => candles(request, '1y') },
];
