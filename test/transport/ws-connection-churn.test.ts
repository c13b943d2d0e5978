import { describe, expect, it } from 'vitest';
import type { ExchangeWsAdapter, Subscription } from '../../src/core/exchange-adapter.js';
import { createBinanceWs } from '../../src/exchanges/binance/ws.js';
import { createCoinoneWs } from '../../src/exchanges/coinone/ws.js';
import { createUpbitWs } from '../../src/exchanges/upbit/ws.js';
import { WS_SEND_MARGIN_MS } from '../../src/transport/ws/ws-support.js';
import { seededRandom } from '../helpers/random.js';
import { busiestWindow, createToggler } from '../helpers/churn.js';
import { createWsHarness } from '../helpers/ws-harness.js';
import type { SentFrame } from '../helpers/fake-websocket.js';

/** What the server holds after `frames`, starting from nothing, in the exchange's own terms. */
type Replay = (frames: readonly string[]) => Set<string>;

/** Upbit: every request replaces the whole set. */
const replayUpbit: Replay = (frames) => {
  const last = frames.at(-1);
  if (last === undefined) return new Set();
  const parts = JSON.parse(last) as { type?: string; codes?: string[] }[];
  return new Set(parts.flatMap((part) => (part.type === undefined ? [] : (part.codes ?? []).map((code) => `${part.type}|${code}`))));
};

/** Binance: SUBSCRIBE and UNSUBSCRIBE with lists of stream names. */
const replayBinance: Replay = (frames) => {
  const held = new Set<string>();
  for (const frame of frames) {
    const { method, params } = JSON.parse(frame) as { method: string; params: string[] };
    for (const name of params) {
      if (method === 'SUBSCRIBE') held.add(name);
      else held.delete(name);
    }
  }
  return held;
};

/** Coinone: one SUBSCRIBE or UNSUBSCRIBE per topic. */
const replayCoinone: Replay = (frames) => {
  const held = new Set<string>();
  for (const frame of frames) {
    const { request_type: type, channel, topic } = JSON.parse(frame) as { request_type: string; channel: string; topic: { target_currency: string } };
    const key = `${channel}|${topic.target_currency}`;
    if (type === 'SUBSCRIBE') held.add(key);
    else held.delete(key);
  }
  return held;
};

/** No keepalive: the frames on the socket are the subscription requests alone. */
const quiet = (adapter: ExchangeWsAdapter, overrides: Partial<ExchangeWsAdapter> = {}): ExchangeWsAdapter => ({
  ...adapter,
  keepalive: { intervalMs: 0, frame: '' },
  ...overrides,
});

interface Case {
  readonly name: string;
  readonly adapter: ExchangeWsAdapter;
  readonly replay: Replay;
  readonly market: (i: number) => string;
  /** Most frames one diff can take in these toggles (Binance: UNSUBSCRIBE + SUBSCRIBE; Coinone: one per topic). */
  readonly framesPerDiff: number;
}

const CASES: readonly Case[] = [
  { name: 'Upbit (one full request)', adapter: quiet(createUpbitWs({ ticket: 't' })), replay: replayUpbit, market: (i) => `KRW-C${i}`, framesPerDiff: 1 },
  { name: 'Binance (SUBSCRIBE/UNSUBSCRIBE lists)', adapter: quiet(createBinanceWs()), replay: replayBinance, market: (i) => `C${i}USDT`, framesPerDiff: 2 },
  {
    // Coinone publishes no message limit; one is imposed here (fewer frames than toggles per second) so
    // its one-frame-per-topic diffs would queue.
    name: 'Coinone (a frame per topic), under a 20/s budget',
    adapter: quiet(createCoinoneWs(), { sendLimits: [{ limit: 20, windowMs: 1_000 }] }),
    replay: replayCoinone,
    market: (i) => `KRW-C${i}`,
    framesPerDiff: 40,
  },
];

const TOGGLES = 4_000;
const SPACING_MS = 25;
const MARKETS = 20;
const START = 100;
/** The last toggle. */
const CHURN_END = START + (TOGGLES - 1) * SPACING_MS;

/**
 * `TOGGLES` toggles, one every `SPACING_MS` of virtual time (100 s: past Upbit's minute budget), each
 * subscribing or unsubscribing the ticker or trades of one of `MARKETS` markets; then two idle minutes.
 */
function churn({ adapter, market }: Case) {
  const { ts, server, connection, errors, statuses, at } = createWsHarness({ adapter, exchange: 'x', staleAfterMs: Infinity });
  const toggler = createToggler(connection, Array.from({ length: MARKETS }, (_, i) => market(i)), seededRandom(7));
  const anchor: Subscription = { channel: 'ticker', market: market(999) };
  ts.run(() => {
    connection.stream(anchor).subscribe(); // keeps the socket open
    for (let i = 0; i < TOGGLES; i++) at(START + i * SPACING_MS, () => toggler.toggle());
    at(CHURN_END + 120_000, () => connection.close());
  });
  return { server, errors, statuses, wanted: [anchor, ...toggler.live()] };
}

describe('WsConnection under subscription churn', () => {
  for (const testCase of CASES) {
    describe(testCase.name, () => {
      const run = (): ReturnType<typeof churn> & { frames: SentFrame[] } => {
        const result = churn(testCase);
        expect(result.server.sockets).toHaveLength(1);
        return { ...result, frames: result.server.latest.sent };
      };

      it('should stay within the budget and queue nothing obsolete: after the churn at most one diff goes out, and the server then holds the wanted set', () => {
        const { frames, wanted, errors, statuses } = run();
        const times = frames.map((frame) => frame.at);
        for (const { limit, windowMs } of testCase.adapter.sendLimits) expect(busiestWindow(times, windowMs)).toBeLessThanOrEqual(limit);
        expect(statuses.map((status) => status.status)).toEqual(['connecting', 'connected', 'closed']);
        expect(errors).toEqual([]);
        // The rest of the diff in flight at the last toggle, then one diff.
        const after = frames.filter((frame) => frame.at > CHURN_END);
        expect(after.length).toBeLessThanOrEqual(2 * testCase.framesPerDiff - 1);
        const expected = testCase.replay(testCase.adapter.subscriptionFrames(wanted, []));
        expect(testCase.replay(frames.map((frame) => frame.data))).toEqual(expected);
        // The churn changed the set far more often than the budget allows frames: the frames are the
        // budget's, not the toggles' (4,000 toggles).
        expect(frames.length).toBeLessThan(TOGGLES / 2);
      });

      it('should bring the server to the wanted set within 2 s of the permit allowing the first frame after the churn', () => {
        const { frames } = run();
        const after = frames.filter((frame) => frame.at > CHURN_END);
        if (after.length === 0) return; // the set in force at the last toggle was sent during the churn (checked above)
        const before = frames.filter((frame) => frame.at <= CHURN_END);
        // The earliest a frame could go after the churn: when every limit has a unit back (window + margin).
        const allowedAt = Math.max(
          CHURN_END,
          ...testCase.adapter.sendLimits.map(({ limit, windowMs }) => (before.at(-limit)?.at ?? -Infinity) + windowMs + WS_SEND_MARGIN_MS),
        );
        expect(after[0]!.at).toBe(allowedAt);
        expect(after.at(-1)!.at - allowedAt).toBeLessThanOrEqual(2_000);
      });
    });
  }
});
