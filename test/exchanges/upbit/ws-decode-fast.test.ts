import Big from 'big.js';
import { isLosslessNumber, parse } from 'lossless-json';
import { describe, expect, it } from 'vitest';
import type { WsMessage } from '../../../src/core/exchange-adapter.js';
import { decodeUpbitFastEvent } from '../../../src/exchanges/upbit/ws-fast.js';
import { decodeUpbitFrame, decodeUpbitFrameGeneral } from '../../../src/exchanges/upbit/ws-decode.js';
import { mutate, randomNumberToken, randomSpace, randomStringToken, type Random } from '../../helpers/random-json.js';
import { seededRandom } from '../../helpers/random.js';
import { expectFastPathAgrees, outcomeOf } from '../../helpers/fast-path.js';
import { readFixture, readFixtureText } from './fixtures.js';
import { SIMPLE_KEYS } from './ws-simple.js';

type Member = readonly [key: string, token: string];

/** The members of a fixture record, each value as its exact source token. */
function membersOf(record: Record<string, unknown>): Member[] {
  return Object.entries(record).map(([key, value]) => [key, isLosslessNumber(value) ? value.value : JSON.stringify(value)]);
}

function simpleMembers(members: readonly Member[], kind: 'ticker' | 'trade'): Member[] {
  const table: Record<string, string> = SIMPLE_KEYS[kind];
  return members.map(([key, token]) => [table[key] ?? key, token]);
}

const tickerDefault = membersOf(parse(readFixtureText('ws_ticker_default.json')) as Record<string, unknown>);
const tradeDefault = membersOf((parse(readFixtureText('ws_trade_default.json')) as Record<string, unknown>[])[0]!);
const TEMPLATES: readonly (readonly Member[])[] = [tickerDefault, tradeDefault, simpleMembers(tickerDefault, 'ticker'), simpleMembers(tradeDefault, 'trade')];

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** A value token that replaces a field: mostly numbers of every shape, sometimes another type. */
function replacement(random: Random, key: string): string {
  if (key === 'type' || key === 'ty') return pick(random, ['"ticker"', '"trade"', '"orderbook"', '"candle.1m"', '"tick"', '"ticker "', '1', 'null', '"tr\\u0061de"']);
  if (key === 'code' || key === 'cd') return pick(random, ['"KRW-BTC"', '"BTC-ETH"', '"USDT-XRP"', '"KRWBTC"', '"KRW-"', '5', '"KRW-\\u0042TC"']);
  if (key === 'ask_bid' || key === 'ab') return pick(random, ['"ASK"', '"BID"', '"ask"', '"ASKS"', 'true']);
  const roll = random();
  if (roll < 0.8) return randomNumberToken(random);
  if (roll < 0.85) return pick(random, ['-0', '-0.000', '0.0', '1e400', '1E-400', `1${'0'.repeat(300)}`, `0.${'0'.repeat(330)}1`, '9007199254740993']);
  if (roll < 0.95) return randomStringToken(random);
  return pick(random, ['true', 'null', '{}', '[1]', '{"a":1}']);
}

/** A random variant of a template frame: fields replaced, dropped, repeated or renamed, spacing varied. */
function randomFrame(random: Random): string {
  const members: Member[] = [];
  const rate = random() * 0.15; // share of fields replaced: some frames stay intact, others are riddled
  for (const [key, token] of pick(random, TEMPLATES)) {
    const roll = random();
    if (roll < rate / 8) continue; // dropped
    const renamed = random() < 0.01 ? pick(random, ['market', 'mk', 'sid', 'sequential_id', 'status']) : key;
    members.push([renamed, roll < rate ? replacement(random, key) : token]);
    if (random() < 0.02) members.push([key, replacement(random, key)]); // repeated key: the last one counts
  }
  if (random() < 0.02) members.push(['note', '"\uffff"'], ['v', '105514711074.187261']);
  const body = members.map(([key, token]) => `${randomSpace(random)}"${key}"${randomSpace(random)}:${randomSpace(random)}${token}${randomSpace(random)}`);
  const text = `${randomSpace(random)}{${body.join(',')}}${randomSpace(random)}`;
  return random() < 0.05 ? mutate(random, text) : text;
}

const PATHS = { fast: decodeUpbitFastEvent, full: decodeUpbitFrame, general: decodeUpbitFrameGeneral };
const general = (text: string): WsMessage | string => outcomeOf(decodeUpbitFrameGeneral, text);
const decoded = (text: string): WsMessage | string => outcomeOf(decodeUpbitFrame, text);

describe('decodeUpbitFastEvent', () => {
  it('should decode the DEFAULT and SIMPLE ticker and trade examples exactly like the general path', () => {
    for (const members of TEMPLATES) {
      const text = `{${members.map(([key, token]) => `"${key}":${token}`).join(',')}}`;
      const event = decodeUpbitFastEvent(text, 42);
      expect(event).toBeDefined();
      expect({ kind: 'events', events: [event] }).toEqual(decodeUpbitFrameGeneral(text, 42));
    }
  });

  it('should build decimals from the source digits: padded, 17 significant digits, ids beyond 2^53', () => {
    const text = '{"ty":"trade","cd":"KRW-BTC","ttms":1787728554797,"sid":17877285547970001,"tp":105514711074.187261,"tv":0.10000000,"ab":"BID"}';
    const event = decodeUpbitFastEvent(text, 7);
    expect(event).toMatchObject({ type: 'trade', symbol: 'BTC/KRW', id: '17877285547970001', side: 'buy', timestamp: 1787728554797, receivedAt: 7 });
    const trade = event as { price: { toFixed(): string }; amount: { toFixed(): string } };
    expect(trade.price.toFixed()).toBe('105514711074.187261');
    expect(trade.amount.toFixed()).toBe('0.1');
  });

  it('should read exponent spellings, even beyond the double range, as the general path does', () => {
    const base = '{"ty":"trade","cd":"KRW-BTC","ttms":1,"sid":2,"tp":3,"tv":4,"ab":"ASK"}';
    for (const [price, amount] of [['3e0', '7.9276E-4'], ['1.16539E8', '1e400'], ['-2.5e-3', '1.5E-400']] as const) {
      const text = base.replace('"tp":3', `"tp":${price}`).replace('"tv":4', `"tv":${amount}`);
      const event = decodeUpbitFastEvent(text, 0) as { price: Big; amount: Big } | undefined;
      expect(event, text).toBeDefined();
      expect(event?.price.eq(new Big(price))).toBe(true);
      expect(event?.amount.eq(new Big(amount))).toBe(true);
      expect({ kind: 'events', events: [event] }).toEqual(decodeUpbitFrameGeneral(text, 0));
    }
  });

  it('should leave to the general path what it does not read alike: -0, odd ids and times, escapes, nesting, lists', () => {
    const base = '{"ty":"trade","cd":"KRW-BTC","ttms":1,"sid":2,"tp":3,"tv":4,"ab":"ASK"}';
    expect(decodeUpbitFastEvent(base, 0)).toBeDefined();
    for (const text of [
      base.replace('"tp":3', '"tp":-0e5'),
      base.replace('"tv":4', '"tv":-0.0'),
      base.replace('"sid":2', '"sid":2.0'),
      base.replace('"ttms":1', '"ttms":1.5'),
      base.replace('"ASK"', '"\\u0041SK"'),
      base.replace('"tv":4', '"tv":4,"x":{}'),
      base.replace('"ty"', '"type"'), // DEFAULT type with SIMPLE keys: the general path rejects it
      `[${base}]`,
      '{"status":"UP"}',
    ]) {
      expect(decodeUpbitFastEvent(text, 0), text).toBeUndefined();
      expect(decoded(text)).toEqual(general(text));
    }
  });

  it('should give exactly the general path\'s result or error on random frames (seeded fuzz)', () => {
    const random = seededRandom(3);
    const { fast, slow } = expectFastPathAgrees(PATHS, Array.from({ length: 6_000 }, () => randomFrame(random)));
    expect(fast).toBeGreaterThan(1_000);
    expect(slow).toBeGreaterThan(1_000);
  });
});

// The fixtures this fuzz starts from must be the flat records it assumes.
it('should start the fuzz from flat fixture records', () => {
  expect(readFixture('ws_ticker_default.json')).toMatchObject({ type: 'ticker', code: 'KRW-BTC' });
  expect(tradeDefault.every(([, token]) => !token.startsWith('{') && !token.startsWith('['))).toBe(true);
});
