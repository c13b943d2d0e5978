import { describe, expect, it } from 'vitest';
import type { WsMessage } from '../../../src/core/exchange-adapter.js';
import { decodeBinanceFrame, decodeBinanceFrameGeneral } from '../../../src/exchanges/binance/ws-decode.js';
import { decodeBinanceFastDepth } from '../../../src/exchanges/binance/ws-fast.js';
import { mutate, randomNumberToken, randomSpace, randomStringToken, type Random } from '../../helpers/random-json.js';
import { seededRandom } from '../../helpers/random.js';
import { expectFastPathAgrees, outcomeOf } from '../../helpers/fast-path.js';
import { readFixtureText } from './fixtures.js';

const PATHS = { fast: decodeBinanceFastDepth, full: decodeBinanceFrame, general: decodeBinanceFrameGeneral };
const general = (text: string): WsMessage | string => outcomeOf(decodeBinanceFrameGeneral, text);
const decoded = (text: string): WsMessage | string => outcomeOf(decodeBinanceFrame, text);

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** A price or quantity token: mostly decimal text as Binance sends it, sometimes any other spelling or type. */
function decimalToken(random: Random): string {
  const roll = random();
  if (roll < 0.9) return `"${(random() * 1000).toFixed(8)}"`;
  if (roll < 0.95) return pick(random, ['"0.00000000"', '"0"', '"1e3"', '"-1.5"', '"-0"', '".5"', '"5."', '"1.2.3"', '""', '" 1"', '"１"', '"1\\u0030"', `"1${'0'.repeat(40)}.5"`]);
  if (roll < 0.98) return randomNumberToken(random);
  if (roll < 0.99) return randomStringToken(random);
  return pick(random, ['null', 'true', '[]', '{}', '["1","2"]']);
}

/** A level list: `[[price, qty], ...]`, now and then with a malformed level. */
function levelsToken(random: Random): string {
  if (random() < 0.03) return pick(random, ['"nope"', 'null', '{}', '[1]', '[[]]', '[["1"]]']);
  const levels: string[] = [];
  const count = Math.floor(random() * 6);
  for (let i = 0; i < count; i++) {
    const parts = [decimalToken(random), decimalToken(random)];
    if (random() < 0.03) parts.push(decimalToken(random)); // a third element: the general path ignores it
    if (random() < 0.02) parts.pop();
    levels.push(`${randomSpace(random)}[${parts.map((part) => `${randomSpace(random)}${part}${randomSpace(random)}`).join(',')}]${randomSpace(random)}`);
  }
  return `[${levels.join(',')}${randomSpace(random)}]`;
}

/** A value for `key` of a depthUpdate payload: usually a valid one, sometimes any other token. */
function valueToken(random: Random, key: string): string {
  const valid = random() > 0.12;
  switch (key) {
    case 'e':
      return valid ? '"depthUpdate"' : pick(random, ['"trade"', '"depthupdate"', '"depth\\u0055pdate"', '1', 'null', '"serverShutdown"']);
    case 's':
      return valid ? pick(random, ['"BTCUSDT"', '"BNBBTC"', '"ETHUSDT"']) : pick(random, ['5', 'null', '""', randomStringToken(random)]);
    case 'E':
      return valid ? String(1_767_225_600_000 + Math.floor(random() * 1e6)) : pick(random, ['"1"', '1.5', '1e3', '-1', '12345678901234567', randomNumberToken(random)]);
    case 'U':
    case 'u':
      return valid ? String(71_234_567_890 + Math.floor(random() * 100)) : pick(random, ['"123"', '"0012"', '"12a"', '""', '18446744073709551617', '"18446744073709551617"', '1.0', '-3', '2e3', 'null']);
    case 'b':
    case 'a':
      return levelsToken(random);
    default:
      return pick(random, ['1', '"x"', 'null', 'true', '[1]', '{"y":2}', randomNumberToken(random)]);
  }
}

const KEYS = ['e', 'E', 's', 'U', 'u', 'b', 'a'] as const;

/** A random depthUpdate frame, raw or combined: keys dropped, repeated, added or reordered, spacing varied. */
function randomFrame(random: Random): string {
  const members: string[] = [];
  const keys: string[] = [...KEYS];
  if (random() < 0.2) keys.sort(() => random() - 0.5);
  if (random() < 0.1) keys.push(pick(random, ['pu', 'T', 'x', 'stream', 'data']));
  for (const key of keys) {
    if (random() < 0.02) continue;
    members.push(`${randomSpace(random)}"${key}"${randomSpace(random)}:${randomSpace(random)}${valueToken(random, key)}${randomSpace(random)}`);
    if (random() < 0.02) members.push(`"${key}":${valueToken(random, key)}`);
  }
  const payload = `{${members.join(',')}}`;
  const roll = random();
  let text: string;
  if (roll < 0.3) text = payload;
  else if (roll < 0.9) text = `{"stream":"btcusdt@depth@100ms",${randomSpace(random)}"data":${payload}}`;
  else text = pick(random, [`{"data":${payload},"stream":"x"}`, `{"stream":1,"data":${payload}}`, `{"stream":"x","data":${payload},"id":1}`, `[${payload}]`, `{"data":${payload}}`]);
  text = `${randomSpace(random)}${text}${randomSpace(random)}`;
  return random() < 0.05 ? mutate(random, text) : text;
}

describe('decodeBinanceFastDepth', () => {
  it('should decode the depthUpdate examples, raw and combined, exactly like the general path', () => {
    const raw = readFixtureText('ws_depth_diff.json');
    const frames = [raw, JSON.stringify(JSON.parse(raw)), `{"stream":"bnbbtc@depth","data":${raw}}`];
    for (const text of frames) {
      const event = decodeBinanceFastDepth(text, 42);
      expect(event, text).toBeDefined();
      expect({ kind: 'events', events: [event] }).toEqual(decodeBinanceFrameGeneral(text, 42));
    }
    const capture = JSON.parse(readFixtureText('ws_depth_sync_sequence_capture.json')) as unknown[];
    let diffs = 0;
    for (const frame of capture) {
      const text = JSON.stringify(frame);
      const expected = decodeBinanceFrameGeneral(text, 42);
      const event = decodeBinanceFastDepth(text, 42);
      if (expected.kind !== 'events') expect(event).toBeUndefined();
      else {
        diffs++;
        expect({ kind: 'events', events: [event] }).toEqual(expected);
      }
    }
    expect(diffs).toBeGreaterThan(1);
  });

  it('should keep ids beyond 2^53 and decimals of any length exact', () => {
    const text = '{"stream":"btcusdt@depth","data":{"e":"depthUpdate","E":1,"s":"BTCUSDT","U":18446744073709551615,"u":"18446744073709551616","b":[["97123.450000000000000000001","0.10"]],"a":[]}}';
    const event = decodeBinanceFastDepth(text, 0);
    expect(event).toMatchObject({ firstUpdateId: '18446744073709551615', finalUpdateId: '18446744073709551616', symbol: 'BTC/USDT' });
    expect(event?.bids.map((level) => [level.price.toFixed(), level.amount.toFixed()])).toEqual([['97123.450000000000000000001', '0.1']]);
  });

  it('should leave negative, exponent and odd values, escapes, other events and other keys to the general path', () => {
    const base = '{"stream":"s","data":{"e":"depthUpdate","E":1,"s":"BTCUSDT","U":5,"u":6,"b":[["1.5","2"]],"a":[["2.5","0"]]}}';
    expect(decodeBinanceFastDepth(base, 0)).toBeDefined();
    for (const text of [
      base.replace('"1.5"', '"-1.5"'),
      base.replace('"2"', '-0.0'),
      base.replace('"2"', '"2e0"'),
      base.replace('"E":1', '"E":1.0'),
      base.replace('"U":5', '"U":"5a"'),
      base.replace('"BTCUSDT"', '"BTC\\u0055SDT"'),
      base.replace('"depthUpdate"', '"trade"'),
      base.replace('"a":[', '"a":[["3","4","5"],'),
      base.replace('"E":1', '"E":1,"E":2'),
      base.replace('"E":1', '"x":{"y":1},"E":1'),
      base.replace('{"stream":"s",', '{"stream":"s","id":1,'),
      `[${base}]`,
      '{"result":null,"id":1}',
    ]) {
      expect(decodeBinanceFastDepth(text, 0), text).toBeUndefined();
      expect(decoded(text)).toEqual(general(text));
    }
  });

  it("should give exactly the general path's result or error on random frames (seeded fuzz)", () => {
    const random = seededRandom(11);
    const { fast, slow } = expectFastPathAgrees(PATHS, Array.from({ length: 6_000 }, () => randomFrame(random)));
    expect(fast).toBeGreaterThan(1_000);
    expect(slow).toBeGreaterThan(1_000);
  });
});
