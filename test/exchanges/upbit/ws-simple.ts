/**
 * Test helper: rewrites a DEFAULT Upbit WebSocket record into its SIMPLE form, key by key, from the
 * DEFAULT → SIMPLE tables of the protocol reference (written here independently of `ws-keys.ts`).
 * Numbers keep their exact spelling (lossless-json both ways). A key without a mapping throws, so a
 * test using this proves every field of the record is covered.
 */
import { parse, stringify } from 'lossless-json';

const COMMON = { type: 'ty', code: 'cd', timestamp: 'tms', stream_type: 'st' } as const;

export const SIMPLE_KEYS = {
  ticker: {
    ...COMMON,
    opening_price: 'op', high_price: 'hp', low_price: 'lp', trade_price: 'tp', prev_closing_price: 'pcp',
    change: 'c', change_price: 'cp', signed_change_price: 'scp', change_rate: 'cr', signed_change_rate: 'scr',
    trade_volume: 'tv', acc_trade_volume: 'atv', acc_trade_volume_24h: 'atv24h', acc_trade_price: 'atp',
    acc_trade_price_24h: 'atp24h', trade_date: 'tdt', trade_time: 'ttm', trade_timestamp: 'ttms', ask_bid: 'ab',
    acc_ask_volume: 'aav', acc_bid_volume: 'abv', highest_52_week_price: 'h52wp', highest_52_week_date: 'h52wdt',
    lowest_52_week_price: 'l52wp', lowest_52_week_date: 'l52wdt', market_state: 'ms', is_trading_suspended: 'its',
    delisting_date: 'dd', market_warning: 'mw',
  },
  trade: {
    ...COMMON,
    trade_price: 'tp', trade_volume: 'tv', ask_bid: 'ab', prev_closing_price: 'pcp', change: 'c', change_price: 'cp',
    trade_date: 'td', trade_time: 'ttm', trade_timestamp: 'ttms', sequential_id: 'sid', best_ask_price: 'bap',
    best_ask_size: 'bas', best_bid_price: 'bbp', best_bid_size: 'bbs',
  },
  orderbook: {
    ...COMMON,
    total_ask_size: 'tas', total_bid_size: 'tbs', orderbook_units: 'obu', level: 'lv',
    ask_price: 'ap', bid_price: 'bp', ask_size: 'as', bid_size: 'bs',
  },
  candle: {
    ...COMMON,
    candle_date_time_utc: 'cdttmu', candle_date_time_kst: 'cdttmk', opening_price: 'op', high_price: 'hp',
    low_price: 'lp', trade_price: 'tp', candle_acc_trade_volume: 'catv', candle_acc_trade_price: 'catp',
  },
} as const satisfies Record<string, Record<string, string>>;

type Kind = keyof typeof SIMPLE_KEYS;

function rename(value: unknown, table: Readonly<Record<string, string>>): unknown {
  if (Array.isArray(value)) return value.map((item) => rename(item, table));
  if (typeof value !== 'object' || value === null || value.constructor !== Object) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const simple = table[key];
    if (simple === undefined) throw new Error(`no SIMPLE key for ${key}`);
    out[simple] = rename(item, table);
  }
  return out;
}

/** The SIMPLE text of one DEFAULT record given as text. */
export function toSimpleText(defaultText: string, kind: Kind): string {
  return stringify(rename(parse(defaultText), SIMPLE_KEYS[kind])) ?? '';
}

/** The exact text of each element of a fixture holding an array of frames. */
export function splitFrames(arrayText: string): string[] {
  const frames = parse(arrayText);
  if (!Array.isArray(frames)) throw new Error('fixture is not an array');
  return frames.map((frame) => stringify(frame) ?? '');
}
