import { Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { Subscription } from '../../src/core/exchange-adapter.js';
import type { MarketEvent, StatusEvent } from '../../src/model/market-event.js';
import { subscriptionKey, SubscriptionRouter, type StreamEvent } from '../../src/transport/ws/ws-router.js';
import { toFakeEvent } from '../helpers/fake-websocket.js';

/** Joins `router` under `subscription`; returns what the joined stream receives and a leave function. */
function join(router: SubscriptionRouter, subscription: Subscription): { seen: StreamEvent[]; leave: () => void; isNew: boolean } {
  const seen: StreamEvent[] = [];
  let isNew = false;
  const sub = new Observable<StreamEvent>((subscriber) => {
    isNew = router.add(subscription, subscriber);
    return () => router.remove(subscription, subscriber);
  }).subscribe((event) => seen.push(event));
  return { seen, leave: () => sub.unsubscribe(), isNew };
}

const event = (wire: Parameters<typeof toFakeEvent>[0]): MarketEvent => toFakeEvent(wire, 0);

describe('subscriptionKey', () => {
  it('should tell apart channels, markets, depths and intervals', () => {
    expect(subscriptionKey({ channel: 'ticker', market: 'KRW-BTC' })).toBe('ticker|KRW-BTC');
    expect(subscriptionKey({ channel: 'trades', market: 'KRW-BTC' })).toBe('trades|KRW-BTC');
    expect(subscriptionKey({ channel: 'orderBook', market: 'KRW-BTC' })).toBe('orderBook|KRW-BTC|');
    expect(subscriptionKey({ channel: 'orderBook', market: 'KRW-BTC', depth: 5 })).toBe('orderBook|KRW-BTC|5');
    expect(subscriptionKey({ channel: 'candles', market: 'KRW-BTC', interval: '1m' })).toBe('candles|KRW-BTC|1m');
  });
});

describe('SubscriptionRouter', () => {
  it('should route each event to the subscriptions of its type and market only', () => {
    const router = new SubscriptionRouter();
    const ticker = join(router, { channel: 'ticker', market: 'KRW-BTC' });
    const trades = join(router, { channel: 'trades', market: 'KRW-BTC' });
    const ethTrades = join(router, { channel: 'trades', market: 'KRW-ETH' });
    const btcTrade = event({ type: 'trade', market: 'KRW-BTC', id: '1' });
    const btcTicker = event({ type: 'ticker', market: 'KRW-BTC', last: '5' });
    router.route(btcTrade);
    router.route(btcTicker);
    router.route(event({ type: 'trade', market: 'KRW-XRP', id: '2' }));
    expect(ticker.seen).toEqual([btcTicker]);
    expect(trades.seen).toEqual([btcTrade]);
    expect(trades.seen[0]).toBe(btcTrade);
    expect(ethTrades.seen).toEqual([]);
  });

  it('should route candles by interval', () => {
    const router = new SubscriptionRouter();
    const oneMinute = join(router, { channel: 'candles', market: 'KRW-BTC', interval: '1m' });
    const oneHour = join(router, { channel: 'candles', market: 'KRW-BTC', interval: '1h' });
    router.route(event({ type: 'candle', market: 'KRW-BTC', interval: '1m', close: '1' }));
    router.route(event({ type: 'candle', market: 'KRW-BTC', interval: '1h', close: '2' }));
    router.route(event({ type: 'candle', market: 'KRW-BTC', interval: '1h', close: '3' }));
    expect(oneMinute.seen.map((e) => e.type === 'candle' && e.close.toString())).toEqual(['1']);
    expect(oneHour.seen.map((e) => e.type === 'candle' && e.close.toString())).toEqual(['2', '3']);
  });

  it('should cut order books to the depth a subscription asked for, and not copy them otherwise', () => {
    const router = new SubscriptionRouter();
    const shallow = join(router, { channel: 'orderBook', market: 'KRW-BTC', depth: 2 });
    const full = join(router, { channel: 'orderBook', market: 'KRW-BTC' });
    const book = event({ type: 'orderBook', market: 'KRW-BTC', levels: 5 });
    router.route(book);
    const [cut] = shallow.seen;
    expect(cut?.type === 'orderBook' && cut.bids.map((level) => level.price.toString())).toEqual(['100', '101']);
    expect(cut?.type === 'orderBook' && cut.asks).toHaveLength(2);
    expect(full.seen[0]).toBe(book);
    const small = event({ type: 'orderBook', market: 'KRW-BTC', levels: 2 });
    router.route(small);
    expect(shallow.seen[1]).toBe(small);
  });

  it('should ref-count subscribers of one key and drop the key with the last one', () => {
    const router = new SubscriptionRouter();
    const a = join(router, { channel: 'trades', market: 'KRW-BTC' });
    const b = join(router, { channel: 'trades', market: 'KRW-BTC' });
    expect([a.isNew, b.isNew]).toEqual([true, false]);
    expect(router.size).toBe(1);
    a.leave();
    expect(router.subscriptions()).toEqual([{ channel: 'trades', market: 'KRW-BTC' }]);
    router.route(event({ type: 'trade', market: 'KRW-BTC', id: '1' }));
    expect(b.seen).toHaveLength(1);
    expect(a.seen).toHaveLength(0);
    b.leave();
    expect(router.size).toBe(0);
    router.route(event({ type: 'trade', market: 'KRW-BTC', id: '2' }));
    expect(b.seen).toHaveLength(1);
  });

  it('should broadcast status events to every stream and hand every subscriber back on clear', () => {
    const router = new SubscriptionRouter();
    const a = join(router, { channel: 'trades', market: 'KRW-BTC' });
    const b = join(router, { channel: 'ticker', market: 'KRW-ETH' });
    const status: StatusEvent = { type: 'status', exchange: 'fake', status: 'connected', timestamp: 0 };
    router.broadcast(status);
    expect([a.seen, b.seen]).toEqual([[status], [status]]);
    const subscribers = router.clear();
    expect(subscribers).toHaveLength(2);
    expect(router.size).toBe(0);
    for (const subscriber of subscribers) subscriber.complete();
  });

  it('should keep routing to the other entries of a market as entries of it come and go', () => {
    const router = new SubscriptionRouter();
    const five = join(router, { channel: 'orderBook', market: 'KRW-BTC', depth: 5 });
    const two = join(router, { channel: 'orderBook', market: 'KRW-BTC', depth: 2 });
    const all = join(router, { channel: 'orderBook', market: 'KRW-BTC' });
    router.route(event({ type: 'orderBook', market: 'KRW-BTC', levels: 5 }));
    two.leave(); // three entries -> two
    router.route(event({ type: 'orderBook', market: 'KRW-BTC', levels: 5 }));
    all.leave(); // two -> one
    router.route(event({ type: 'orderBook', market: 'KRW-BTC', levels: 5 }));
    expect([five.seen.length, two.seen.length, all.seen.length]).toEqual([3, 1, 2]);
    five.leave();
    router.route(event({ type: 'orderBook', market: 'KRW-BTC', levels: 5 }));
    expect(five.seen).toHaveLength(3);
    expect(router.size).toBe(0);
  });

  it('should tell whether the set still matches the one marked sent, whatever came and went in between', () => {
    const router = new SubscriptionRouter();
    expect(router.matchesSent()).toBe(true); // empty, nothing sent
    const btc = join(router, { channel: 'ticker', market: 'KRW-BTC' });
    expect(router.matchesSent()).toBe(false);
    router.markSent();
    expect(router.matchesSent()).toBe(true);
    const eth = join(router, { channel: 'ticker', market: 'KRW-ETH' });
    eth.leave(); // added and gone before a send: nothing to tell
    expect(router.matchesSent()).toBe(true);
    btc.leave();
    expect(router.matchesSent()).toBe(false);
    const again = join(router, { channel: 'ticker', market: 'KRW-BTC' }); // the sent set again
    expect(router.matchesSent()).toBe(true);
    join(router, { channel: 'ticker', market: 'KRW-BTC' }); // a second sink of a sent key changes nothing
    expect(router.matchesSent()).toBe(true);
    again.leave();
    join(router, { channel: 'trades', market: 'KRW-BTC' });
    expect(router.matchesSent()).toBe(false);
    router.markSent();
    expect(router.matchesSent()).toBe(true);
  });
});
