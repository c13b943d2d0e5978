/**
 * Marble specs of `createTestBackbone` itself: diagrams drive typed values, streams are hot and shared
 * per market with the last value replayed, getters answer at the virtual time they are called, `#` and
 * missing markets give the library's typed errors, and `streamArbitrage` runs the library's own pipeline.
 */
import { map, take, type Observable } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConnectionError, ExchangeError, InvalidArgumentError, MarketDataError, UnknownSymbolError, type MarketDataSource, type Ticker } from 'market-data-backbone';
import { buildOrderBook, buildTicker, createTestBackbone, type TestBackbone } from 'market-data-backbone/testing';
import { createScheduler } from '../../marbles/helpers.js';

const lastOf = (ticker$: Observable<Ticker>): Observable<string> => ticker$.pipe(map((t) => t.last.toFixed()));

/** Runs `work` at virtual frame `frame` of the running scheduler. */
const at = (scheduler: TestScheduler, frame: number, work: () => void): void => void scheduler.schedule(work, frame);

describe('createTestBackbone', () => {
  let scheduler: TestScheduler;

  beforeEach(() => {
    scheduler = createScheduler();
  });

  it('should emit complete tickers built from the specs, stamped with their frame, with either symbol spelling', () => {
    scheduler.run(({ expectObservable }) => {
      const backbone = createTestBackbone(scheduler);
      backbone.ticker('KRW-BTC', '--a--b--|', { a: { last: '100' }, b: { last: '101', prevClose: '100' } });
      const expected = '                  --a--b--|';

      expectObservable(backbone.streamTicker('BTC/KRW')).toBe(expected, {
        a: buildTicker({ last: '100' }, { symbol: 'KRW-BTC', at: 2 }),
        b: buildTicker({ last: '101', prevClose: '100' }, { symbol: 'KRW-BTC', at: 5 }),
      });
      expectObservable(backbone.streamTicker('KRW-BTC').pipe(map((t) => `${t.symbol} ${t.market} ${t.receivedAt} ${t.changeRate.toFixed()}`))).toBe(expected, {
        a: 'BTC/KRW KRW-BTC 2 0',
        b: 'BTC/KRW KRW-BTC 5 0.01',
      });
    });
  });

  it('should be hot: a late subscriber gets the last value at once, then the live ones', () => {
    scheduler.run(({ expectObservable }) => {
      const backbone = createTestBackbone(scheduler);
      backbone.ticker('KRW-BTC', '-a--b----c-|', { a: { last: '1' }, b: { last: '2' }, c: { last: '3' } });
      const late = '                 ------^-----';
      const expected = '             ------b--c-|';

      expectObservable(lastOf(backbone.streamTicker('KRW-BTC')), late).toBe(expected, { b: '2', c: '3' });
    });
  });

  it('should replay only a value younger than replayTtlMs, as the backbone does', () => {
    scheduler.run(({ expectObservable }) => {
      const backbone = createTestBackbone(scheduler, { replayTtlMs: 3 });
      backbone.ticker('KRW-BTC', '-a-------b-', { a: { last: '1' }, b: { last: '2' } });
      const young = '                 ---^-------';
      const old = '                   -----^-----';

      expectObservable(lastOf(backbone.streamTicker('KRW-BTC')), young).toBe('---a-----b-', { a: '1', b: '2' });
      expectObservable(lastOf(backbone.streamTicker('KRW-BTC')), old).toBe('---------b-', { b: '2' });
    });
  });

  it('should refuse what is not a TestScheduler and a negative replayTtlMs', () => {
    expect(() => createTestBackbone({} as TestScheduler)).toThrow(expect.objectContaining({ name: 'InvalidArgumentError', argument: 'scheduler' }));
    expect(() => createTestBackbone(scheduler, { replayTtlMs: -1 })).toThrow(expect.objectContaining({ argument: 'options.replayTtlMs' }));
  });

  it('should share one diagram per market and log each subscription for expectSubscriptions', () => {
    scheduler.run(({ expectObservable, expectSubscriptions }) => {
      const backbone = createTestBackbone(scheduler);
      const btc = backbone.ticker('KRW-BTC', '-a-b-c-|', { a: { last: '1' }, b: { last: '2' }, c: { last: '3' } });
      const first = '  ^--!    ';
      const second = ' --^-----';

      expectObservable(lastOf(backbone.streamTicker('KRW-BTC')), first).toBe('-a-', { a: '1' });
      expectObservable(lastOf(backbone.streamTicker('BTC/KRW')), second).toBe('--ab-c-|', { a: '1', b: '2', c: '3' });
      expectSubscriptions(btc.subscriptions).toBe([first, '--^----!']);
    });
  });

  it('should build values once per frame, so every subscriber gets the very same object', () => {
    const seen: Ticker[][] = [[], []];
    scheduler.run(() => {
      const backbone = createTestBackbone(scheduler);
      backbone.ticker('KRW-BTC', '-a-a|', { a: { last: '1' } });
      backbone.streamTicker('KRW-BTC').subscribe((t) => seen[0]?.push(t));
      backbone.streamTicker('KRW-BTC').subscribe((t) => seen[1]?.push(t));
    });
    expect(seen[0]?.map((t) => t.timestamp)).toEqual([1, 3]);
    expect(seen[0]?.[0]).toBe(seen[1]?.[0]);
  });

  it('should keep markets and exchanges apart and select the exchange per call', () => {
    scheduler.run(({ expectObservable }) => {
      const backbone = createTestBackbone(scheduler);
      backbone.ticker('BTC/USDT', '-a-|', { a: { last: '70000.5' } }, { exchange: 'binance' });
      backbone.ticker('BTC/KRW', '--a|', { a: { last: '100000000' } });

      expectObservable(backbone.streamTicker('BTCUSDT', { exchange: 'binance' }).pipe(map((t) => `${t.exchange} ${t.market} ${t.last.toFixed()}`))).toBe('-a-|', { a: 'binance BTCUSDT 70000.5' });
      expectObservable(backbone.streamTicker('BTC/KRW', { exchange: 'upbit' }).pipe(map((t) => `${t.exchange} ${t.market}`))).toBe('--a|', { a: 'upbit KRW-BTC' });
    });
  });

  it('should pass the error of # on, the given one or an ExchangeError naming the stream', () => {
    const outage = new ConnectionError('socket closed', { reason: 'closed', exchange: 'upbit' });
    scheduler.run(({ expectObservable }) => {
      const backbone = createTestBackbone(scheduler);
      backbone.ticker('KRW-BTC', '-a-#', { a: { last: '1' } }, { error: outage });
      backbone.trades('KRW-ETH', '--#');

      expectObservable(lastOf(backbone.streamTicker('KRW-BTC'))).toBe('-a-#', { a: '1' }, outage);
      expectObservable(backbone.streamTrades('KRW-ETH')).toBe('--#', undefined, new ExchangeError("The trades of upbit KRW-ETH errored: '#' in its marble diagram", { code: 'marble_error', exchange: 'upbit' }));
    });
  });

  it('should error streams of a market no diagram drives with UnknownSymbolError, and keep other streams of a driven one silent', () => {
    scheduler.run(({ expectObservable }) => {
      const backbone = createTestBackbone(scheduler);
      backbone.orderBook('KRW-BTC', '-a-', { a: { bid: '1', ask: '2' } });

      expectObservable(backbone.streamTicker('KRW-XRP')).toBe('#', undefined, new UnknownSymbolError('Unknown market KRW-XRP on upbit: no diagram of this test backbone drives it', { exchange: 'upbit', symbol: 'KRW-XRP' }));
      expectObservable(backbone.streamTicker('KRW-BTC')).toBe('---');
      expectObservable(backbone.streamStatus()).toBe('---');
    });
  });

  it('should stream trades numbered by position, and candles per interval', () => {
    scheduler.run(({ expectObservable }) => {
      const backbone = createTestBackbone(scheduler);
      backbone.trades('KRW-BTC', '-a-b-', { a: { price: '100' }, b: { price: '101', amount: '0.5', side: 'sell' } });
      backbone.candles('KRW-BTC', '1m', '-a-b', { a: { close: '100' }, b: { close: '101', open: '100', closed: true } });

      expectObservable(backbone.streamTrades('BTC/KRW').pipe(map((t) => `${t.id} ${t.price.toFixed()} ${t.amount.toFixed()} ${t.side}`))).toBe('-a-b-', {
        a: '1 100 1 buy',
        b: '2 101 0.5 sell',
      });
      expectObservable(backbone.streamCandles('KRW-BTC', '1m').pipe(map((c) => `${c.interval} ${c.openTime} ${c.high.toFixed()} ${c.closed}`))).toBe('-a-b', {
        a: '1m 0 100 false',
        b: '1m 0 101 true',
      });
      expectObservable(backbone.streamCandles('KRW-BTC', '5m')).toBe('----');
    });
  });

  it('should cut order books to the depth asked, from one diagram', () => {
    scheduler.run(({ expectObservable }) => {
      const backbone = createTestBackbone(scheduler);
      backbone.orderBook('KRW-BTC', '-a-', { a: { bids: [['3', '1'], ['2', '1'], ['1', '1']], asks: [['4', '1'], ['5', '1']] } });
      const sizes = (depth?: number): Observable<string> => backbone.streamOrderBook('KRW-BTC', { depth }).pipe(map((b) => `${b.bids.length}/${b.asks.length}`));

      expectObservable(sizes()).toBe('-a-', { a: '3/2' });
      expectObservable(sizes(1)).toBe('-a-', { a: '1/1' });
    });
  });

  it('should drive status events and errors per exchange', () => {
    const drop = new ConnectionError('socket closed', { reason: 'closed', exchange: 'binance' });
    scheduler.run(({ expectObservable }) => {
      const backbone = createTestBackbone(scheduler);
      backbone.status('c--d', { c: { status: 'connected' }, d: { status: 'disconnect', reason: 'stale', attempt: 1, retryInMs: 1000 } }, { exchange: 'binance' });
      backbone.errors('---e', { e: drop }, { exchange: 'binance' });

      expectObservable(backbone.streamStatus({ exchange: 'binance' }).pipe(map((s) => `${s.exchange} ${s.status} ${s.timestamp} ${s.reason ?? '-'}`))).toBe('c--d', {
        c: 'binance connected 0 -',
        d: 'binance disconnect 3 stale',
      });
      expectObservable(backbone.streamErrors({ exchange: 'binance' })).toBe('---e', { e: drop });
      expectObservable(backbone.streamStatus()).toBe('----');
    });
  });

  it('should price streamArbitrage with the library pipeline over the driven books and FX ticker, aging legs on the virtual clock', () => {
    scheduler.run(({ expectObservable }) => {
      const backbone = createTestBackbone(scheduler);
      // Upbit 125/127 KRW (mid 126); Binance 0.074/0.076 USDT (mid 0.075) at 1,400 KRW: 105 KRW. Premium 20 %.
      backbone.orderBook('KRW-BTC', '-a-------', { a: { bid: '125', ask: '127' } });
      backbone.orderBook('BTCUSDT', '--a------', { a: { bid: '0.074', ask: '0.076' } }, { exchange: 'binance' });
      backbone.ticker('KRW-USDT', '-a-------', { a: { last: '1400' } });
      const arbitrage$ = backbone.streamArbitrage('BTC', ['upbit', 'binance'], { staleAfterMs: 5 });

      expectObservable(arbitrage$.pipe(map((s) => `${s.pairs[0]?.premium?.toFixed()} ${s.pairs[0]?.stale}`))).toBe('--a---b--', {
        a: '20 false',
        b: '20 true', // Upbit's book and the rate, received at 1, are 5 frames old at 6
      });
    });
  });

  it('should answer getters from the latest value at the virtual time they are called', async () => {
    const answers: Promise<unknown>[] = [];
    scheduler.run(() => {
      const backbone = createTestBackbone(scheduler);
      backbone.ticker('KRW-BTC', '-a---b-', { a: { last: '100' }, b: { last: '105' } });
      backbone.orderBook('KRW-BTC', '--a---', { a: { bids: [['99', '1'], ['98', '2']], ask: '101' } });
      at(scheduler, 0, () => answers.push(backbone.getTicker('KRW-BTC').catch((e: unknown) => e)));
      at(scheduler, 3, () => answers.push(backbone.getTicker('KRW-BTC').then((t) => `${t.last.toFixed()} at ${t.timestamp}`)));
      at(scheduler, 6, () => answers.push(backbone.getTickers(['KRW-BTC', 'BTC/KRW']).then((ts) => ts.map((t) => t.last.toFixed()))));
      at(scheduler, 6, () => answers.push(backbone.getOrderBook('KRW-BTC', { depth: 1 }).then((b) => b.bids.map((l) => l.price.toFixed()))));
    });
    const [none, early, late, book] = await Promise.all(answers);
    expect(none).toBeInstanceOf(MarketDataError);
    expect((none as Error).message).toBe('No ticker of upbit KRW-BTC in this test backbone: its diagram has emitted nothing by frame 0');
    expect(early).toBe('100 at 1');
    expect(late).toEqual(['105', '105']);
    expect(book).toEqual(['99']);
  });

  it('should resolve getTicker({ realtime: true }) with the next value when none was emitted yet', async () => {
    let answer: Promise<Ticker> | undefined;
    scheduler.run(() => {
      const backbone = createTestBackbone(scheduler);
      backbone.ticker('KRW-BTC', '----a-', { a: { last: '7' } });
      at(scheduler, 1, () => (answer = backbone.getTicker('KRW-BTC', { realtime: true })));
    });
    expect((await answer)?.timestamp).toBe(4);
  });

  it('should reject getters with the error of # once it is reached, and unknown markets with UnknownSymbolError', async () => {
    const outage = new ConnectionError('down', { exchange: 'upbit' });
    const answers: Promise<unknown>[] = [];
    let backbone: TestBackbone | undefined;
    scheduler.run(() => {
      backbone = createTestBackbone(scheduler);
      const b = backbone;
      b.ticker('KRW-BTC', '-a-#', { a: { last: '1' } }, { error: outage });
      b.trades('KRW-BTC', '-a-#', { a: { price: '1' } }, { error: outage });
      at(scheduler, 2, () => answers.push(b.getTicker('KRW-BTC').then((t) => t.last.toFixed())));
      at(scheduler, 4, () => answers.push(b.getTicker('KRW-BTC').catch((e: unknown) => e)));
      at(scheduler, 4, () => answers.push(b.getTrades('KRW-BTC').catch((e: unknown) => e)));
    });
    const [before, after, trades] = await Promise.all(answers);
    expect(before).toBe('1');
    expect(after).toBe(outage);
    expect(trades).toBe(outage);
    await expect(backbone?.getOrderBook('KRW-XRP')).rejects.toBeInstanceOf(UnknownSymbolError);
    await expect(backbone?.getTicker('KRW-BTC', { exchange: 'kraken' as 'upbit' })).rejects.toMatchObject({ name: 'InvalidArgumentError', argument: 'options.exchange' });
  });

  it('should list the driven markets and serve trades and candles as history', async () => {
    let backbone: TestBackbone | undefined;
    scheduler.run(() => {
      backbone = createTestBackbone(scheduler);
      backbone.trades('KRW-BTC', 'a-b-c', { a: { price: '1' }, b: { price: '2', side: 'sell' }, c: { price: '3' } });
      backbone.candles('KRW-BTC', '1s', 'a-b 996ms c 1000ms d', {
        a: { close: '10' }, b: { close: '12' }, c: { close: '11', closed: true, openTime: 0 }, d: { close: '13' },
      });
      backbone.ticker('USDT/KRW', 'a', { a: { last: '1400' } });
    });
    const markets = await backbone?.getMarkets();
    expect(markets?.map((m) => `${m.symbol} ${m.market}`)).toEqual(['BTC/KRW KRW-BTC', 'USDT/KRW KRW-USDT']);
    expect((await backbone?.getTrades('KRW-BTC', { count: 2 }))?.map((t) => `${t.id} ${t.price.toFixed()} ${t.side}`)).toEqual(['2 2 sell', '3 3 buy']);
    const candles = await backbone?.getCandles('KRW-BTC', '1s');
    expect(candles?.map((c) => `${c.openTime} ${c.open.toFixed()}-${c.close.toFixed()}`)).toEqual(['0 11-11', '2000 13-13']);
    expect(candles?.[0]).not.toHaveProperty('closed');
    const filled = await backbone?.getCandles('KRW-BTC', '1s', { from: 0, to: 3000, fill: true });
    expect(filled?.map((c) => `${c.openTime} ${c.close.toFixed()}`)).toEqual(['0 11', '1000 11', '2000 13']);
    expect(await backbone?.getTrades('KRW-ETH').catch((e: unknown) => e)).toBeInstanceOf(UnknownSymbolError);
    expect(await backbone?.getMarkets({ exchange: 'binance' })).toEqual([]);
  });

  it('should refuse a second diagram for one stream, a marble without a spec and a bad spec, naming the field', () => {
    scheduler.run(() => {
      const backbone = createTestBackbone(scheduler);
      backbone.ticker('KRW-BTC', '-a', { a: { last: '1' } });
      expect(() => backbone.ticker('BTC/KRW', '-a', { a: { last: '1' } })).toThrow(/driven already/);
      expect(() => backbone.ticker('KRW-ETH', '-a-b', { a: { last: '1' } })).toThrow(expect.objectContaining({ name: 'InvalidArgumentError', argument: 'values.b' }));
      expect(() => backbone.trades('KRW-ETH', '-a', { a: { price: '1.2.3' } })).toThrow(expect.objectContaining({ argument: 'values.a.price' }));
      expect(() => backbone.ticker('KRW-XRP', '-a', { a: { last: '1', bid: '1' } as never })).toThrow(InvalidArgumentError);
    });
  });

  it('should have the market-data methods of MarketDataBackbone (a strategy typed against it takes the test backbone)', () => {
    const firstLast = (source: MarketDataSource): Observable<string> => lastOf(source.streamTicker('KRW-BTC').pipe(take(1)));
    scheduler.run(({ expectObservable }) => {
      const backbone = createTestBackbone(scheduler);
      backbone.ticker('KRW-BTC', '-a-b', { a: { last: '1' }, b: { last: '2' } });
      expectObservable(firstLast(backbone)).toBe('-(a|)', { a: '1' });
    });
  });

  it('should not break unsubscription chains', () => {
    scheduler.run(({ expectObservable, expectSubscriptions }) => {
      const backbone = createTestBackbone(scheduler);
      const btc = backbone.orderBook('KRW-BTC', '-a-b-c-', { a: { bid: '1' }, b: { bid: '2' }, c: { bid: '3' } });
      const unsub = '   ---!   ';
      const subs = '    ^--!   ';
      const bestBid$ = backbone.streamOrderBook('KRW-BTC', { depth: 1 }).pipe(map((book) => book.bids[0]?.price.toFixed()));

      expectObservable(bestBid$, unsub).toBe('-a-', { a: '1' });
      expectSubscriptions(btc.subscriptions).toBe(subs);
    });
  });

  it('should build expected values equal to emitted ones, Big compared by value', () => {
    scheduler.run(({ expectObservable }) => {
      const backbone = createTestBackbone(scheduler);
      backbone.orderBook('BTC/USDT', '-a', { a: { bid: 0.1, ask: '0.30', bidSize: '1.50' } }, { exchange: 'binance' });
      expectObservable(backbone.streamOrderBook('BTCUSDT', { exchange: 'binance' })).toBe('-a', {
        a: buildOrderBook({ bid: '0.10', ask: '0.3', bidSize: '1.5' }, { exchange: 'binance', symbol: 'BTCUSDT', at: 1 }),
      });
    });
  });
});
