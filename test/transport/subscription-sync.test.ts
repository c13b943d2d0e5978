import { describe, expect, it } from 'vitest';
import { MarketDataError } from '../../src/errors/index.js';
import type { Subscription } from '../../src/core/exchange-adapter.js';
import { createCoinoneWs } from '../../src/exchanges/coinone/ws.js';
import type { StreamEvent } from '../../src/transport/ws/ws-router.js';
import { createFakeAdapter } from '../helpers/fake-websocket.js';
import { createWsHarness } from '../helpers/ws-harness.js';

const TRADES_BTC: Subscription = { channel: 'trades', market: 'KRW-BTC' };
const TICKER_ETH: Subscription = { channel: 'ticker', market: 'KRW-ETH' };

/** The fake adapter (one full-set request per frame, 5/s and 100/min) without keepalives. */
const quietHarness = () => createWsHarness({ adapter: createFakeAdapter({ keepalive: { intervalMs: 0, frame: '' } }), staleAfterMs: Infinity });

describe('WsConnection subscription sync', () => {
  it('should send nothing, and spend nothing, when the set is back to what the server holds by the time the budget allows a frame', () => {
    const { ts, server, connection, at } = quietHarness();
    ts.run(() => {
      connection.stream(TRADES_BTC).subscribe(); // frame 1 at 10 (socket open)
      // Four more sets use up the second's budget (frames at 20, 30, 40, 50).
      for (let i = 0; i < 4; i++) at(20 + 10 * i, () => connection.stream({ channel: 'ticker', market: `KRW-X${i}` }).subscribe());
      // Then ETH's ticker on and off 200 times, one change per tick, while no frame is allowed.
      let handle: { unsubscribe(): void } | undefined;
      for (let i = 0; i < 400; i++) {
        at(100 + i, () => {
          if (handle === undefined) handle = connection.stream(TICKER_ETH).subscribe();
          else {
            handle.unsubscribe();
            handle = undefined;
          }
        });
      }
      // Much later, one change: it goes out at once, since no unit was spent on the toggles.
      at(5_000, () => connection.stream({ channel: 'ticker', market: 'KRW-Y' }).subscribe());
      at(6_000, () => connection.close());
    });
    const frames = server.latest.sent;
    expect(frames.map((frame) => frame.at)).toEqual([10, 20, 30, 40, 50, 5_000]);
    expect(JSON.parse(frames[5]!.data)).not.toContain('ticker|KRW-ETH');
  });

  it('should error the streams with the adapter\'s typed error, not throw, when a subscription cannot be expressed', () => {
    const { ts, connection, statuses } = createWsHarness({ adapter: { ...createCoinoneWs(), keepalive: { intervalMs: 0, frame: '' } }, staleAfterMs: Infinity });
    const failures: unknown[] = [];
    const events: StreamEvent[] = [];
    ts.run(() => {
      // Coinone streams no monthly candles: its frame builder throws a MarketDataError.
      connection.stream({ channel: 'candles', market: 'KRW-BTC', interval: '1M' }).subscribe({ next: (event) => events.push(event), error: (error: unknown) => failures.push(error) });
    });
    expect(failures).toHaveLength(1);
    expect(failures[0]).toBeInstanceOf(MarketDataError);
    expect((failures[0] as Error).message).toMatch(/Coinone candle subscription is invalid/);
    expect(statuses.at(-1)?.status).toBe('closed');
    expect(connection.isOpen).toBe(false);
  });
});
