/**
 * Upbit stream frames for the benchmarks, exactly as the exchange sends them: compact JSON (no
 * whitespace between tokens), the fixture's keys in the fixture's order, every number spelled as in the
 * captured payload (`109847000.0`, `31883000.00000000`). The project's simulator writes the same keys,
 * order and compact layout (`src/testing/upbit/ws-wire.ts`).
 */
import { readFileSync } from 'node:fs';
import { compactJson } from '../test/helpers/compact-json.js';

const FIXTURES = new URL('../../shared/fixtures/upbit/', import.meta.url);

/** The DEFAULT ticker example (`ws_ticker_default.json`), compact. */
export const TICKER_FRAME = compactJson(readFileSync(new URL('ws_ticker_default.json', FIXTURES), 'utf8'));

/** The first record of the DEFAULT trade example (`ws_trade_default.json`), compact, as a live `REALTIME` trade. */
export const TRADE_FRAME = ((): string => {
  const list = compactJson(readFileSync(new URL('ws_trade_default.json', FIXTURES), 'utf8'));
  // A flat record: its first `}` closes it.
  return list.slice(1, list.indexOf('}') + 1).replace('"stream_type":"SNAPSHOT"', '"stream_type":"REALTIME"');
})();

/** The trade id of {@link TRADE_FRAME}: beyond 2^53, as all of Upbit's are. */
export const TRADE_ID = 17877285547970000n;

/** `text` with the one occurrence of `from` replaced; throws when it is missing, so a template change cannot go unnoticed. */
export function replaceOnce(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`bench frame: "${from}" not found`);
  return text.replace(from, to);
}

/** `count` binary frames: tickers of KRW-BTC with increasing trade times, or trades with increasing ids. */
export function makeFrames(kind: 'ticker' | 'trade', count: number): Buffer[] {
  return Array.from({ length: count }, (_, i) => {
    const text = kind === 'ticker'
      ? replaceOnce(TICKER_FRAME, '"trade_timestamp":1676965262139', `"trade_timestamp":${1676965262139 + i}`)
      : replaceOnce(TRADE_FRAME, `"sequential_id":${TRADE_ID}`, `"sequential_id":${TRADE_ID + BigInt(i) * 10000n}`);
    return Buffer.from(text, 'utf8');
  });
}
