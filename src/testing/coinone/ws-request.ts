/**
 * Validation of Coinone WebSocket request frames, with Coinone's error frames: 160010 Invalid Request
 * (not a JSON object), 160011 Invalid Type naming the bad `field` (`request_type`, `channel` and
 * `format` must be upper case and known), 160012 Invalid Topic (a missing or malformed topic, or a CHART
 * topic without a valid interval). Whether the pair exists is checked later, after the SUBSCRIBED ack.
 */
import { parseJsonExact } from '../../transport/json/json.js';
import { COINONE_WS_CHANNELS, type CoinoneWsChannel, type CoinoneWsFormat, type WireObject } from './wire.js';

/** Intervals of the CHART channel (no `1mon`, unlike REST). */
export const COINONE_WS_CHART_INTERVALS = ['1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '1d', '1w'] as const;

/** A topic as the client sent it (`echo`) and upper-cased (`quote`, `target`). */
export interface CoinoneWsTopic {
  readonly quote: string;
  readonly target: string;
  readonly interval: string | undefined;
  /** The request's topic values, for the SUBSCRIBED/UNSUBSCRIBED acks. */
  readonly echo: WireObject;
}

/** A parsed request frame. */
export type CoinoneWsRequest =
  | { readonly kind: 'PING' }
  | { readonly kind: 'SUBSCRIBE' | 'UNSUBSCRIBE'; readonly channel: CoinoneWsChannel; readonly topic: CoinoneWsTopic; readonly format: CoinoneWsFormat }
  | { readonly kind: 'ERROR'; readonly frame: WireObject };

/**
 * The ERROR frame of `code` (`field` only on 160011).
 *
 * @example
 * ```ts
 * coinoneWsError(160012); // { response_type: 'ERROR', error_code: 160012, message: 'Invalid Topic' }
 * ```
 */
export function coinoneWsError(code: 160010 | 160011 | 160012, field?: string): WireObject {
  const message = code === 160010 ? 'Invalid Request' : code === 160011 ? 'Invalid Type' : 'Invalid Topic';
  return { response_type: 'ERROR', error_code: code, message, field };
}

function invalidType(field: string): CoinoneWsRequest {
  return { kind: 'ERROR', frame: coinoneWsError(160011, field) };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value = parseJsonExact(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Parses one text frame.
 *
 * @example
 * ```ts
 * parseCoinoneWsRequest('{"request_type":"PING"}'); // { kind: 'PING' }
 * ```
 */
export function parseCoinoneWsRequest(text: string): CoinoneWsRequest {
  const request = parseObject(text);
  if (request === undefined) return { kind: 'ERROR', frame: coinoneWsError(160010) };
  const type = request['request_type'];
  if (type === 'PING') return { kind: 'PING' };
  if (type !== 'SUBSCRIBE' && type !== 'UNSUBSCRIBE') return invalidType('request_type');
  const channel = COINONE_WS_CHANNELS.find((name) => name === request['channel']);
  if (channel === undefined) return invalidType('channel');
  const formatValue = request['format'] ?? 'DEFAULT';
  if (formatValue !== 'DEFAULT' && formatValue !== 'SHORT') return invalidType('format');
  const topic = request['topic'];
  if (topic === null || typeof topic !== 'object' || Array.isArray(topic)) return { kind: 'ERROR', frame: coinoneWsError(160012) };
  const { quote_currency: quote, target_currency: target, interval } = topic as Record<string, unknown>;
  if (typeof quote !== 'string' || typeof target !== 'string' || quote === '' || target === '') return { kind: 'ERROR', frame: coinoneWsError(160012) };
  const chart = channel === 'CHART';
  if (chart && !(COINONE_WS_CHART_INTERVALS as readonly unknown[]).includes(interval)) return { kind: 'ERROR', frame: coinoneWsError(160012) };
  const echo: WireObject = chart ? { quote_currency: quote, target_currency: target, interval: interval as string } : { quote_currency: quote, target_currency: target };
  return {
    kind: type,
    channel,
    format: formatValue,
    topic: { quote: quote.toUpperCase(), target: target.toUpperCase(), interval: chart ? (interval as string) : undefined, echo },
  };
}
