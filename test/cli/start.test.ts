import { describe, expect, it } from 'vitest';
import { Big } from 'market-data-backbone';
import { formatPercent, formatSources, groupDigits, liveRow, type LiveMarketView } from '../../src/cli/format.js';
import { closedPort, runCli, type CliRun } from './run-cli.js';

/** Runs `npm start`'s program with `args`. */
const runStart = (args: readonly string[]): Promise<CliRun> => runCli('src/cli/start.ts', args);

describe('npm start (src/cli/start.ts)', () => {
  it('should draw the requested number of live frames from the simulator and exit by itself', async () => {
    const { code, stdout, stderr } = await runStart(['--rounds', '2', '--interval', '200', '--markets', 'KRW-BTC,KRW-ETH,BTC-ETH']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('refresh 1');
    expect(stdout).toContain('refresh 2');
    expect(stdout).not.toContain('refresh 3');
    expect(stdout).toMatch(/^market\s+last\s+change\s+best bid\s+best ask\s+spread\s+size ±10 bps \(bid \/ ask\)\s+last trade\s+trades\s+source\s*$/m);
    // each book's size within 10 bps of its mid, both sides (the simulator's books are deep there)
    expect(stdout).toMatch(/^KRW-BTC .* \d+\.\d{4} \/ \d+\.\d{4} /m);
    // a KRW-BTC row with a price, a signed change, a best bid below the best ask and its source
    const rows = [...stdout.matchAll(/^KRW-BTC +([\d,]+) +([+-]?\d+\.\d\d%) +([\d,]+) +([\d,]+) .* (WS|REST|WS\+REST) *$/gm)];
    expect(rows).toHaveLength(2);
    for (const [, , , bid = '', ask = ''] of rows) {
      expect(new Big(bid.replaceAll(',', '')).lt(new Big(ask.replaceAll(',', '')))).toBe(true);
    }
    expect(stdout).toMatch(/^BTC-ETH +0\.\d+ /m);
    expect(stdout).toContain('recent trades');
    // The three exchanges run on one market model, Upbit 2 % over Binance: the live premium shows it.
    expect(stdout).toContain('cross-exchange premium');
    const premium = /^BTC +upbit\/binance +[\d,]+ +[\d,]+ +\+(\d+\.\d\d)% .*fresh *$/m.exec(stdout);
    expect(premium, 'a BTC upbit/binance premium row').not.toBeNull();
    expect(Math.abs(Number(premium![1]) - 2)).toBeLessThan(0.3);
    // ... and on both bases: the official USD/KRW sits 0.5 % under the model's USDT/KRW, so the premium over
    // it is (1 + usdt base) × (1 + USDT vs official) − 1, give or take the simulators' moves.
    expect(stdout).toContain('premium on both bases');
    const bases = /^BTC +upbit\/binance +\+(\d+\.\d\d)% +\+(\d+\.\d\d)% +([+-]\d+\.\d\d)% +\S.* (fresh|STALE) *$/m.exec(stdout);
    expect(bases, 'a BTC upbit/binance row on both bases').not.toBeNull();
    const [usdtBase, officialBase, tether] = [bases![1], bases![2], bases![3]].map(Number) as [number, number, number];
    expect(Math.abs((1 + officialBase / 100) - (1 + usdtBase / 100) * (1 + tether / 100))).toBeLessThan(0.0003);
  });

  it('should print its options on --help and refuse a bad number with them, exit code 1', async () => {
    const help = await runStart(['--help']);
    expect(help.code).toBe(0);
    for (const option of ['--live', '--markets', '--rounds', '--interval']) expect(help.stdout).toContain(option);
    const bad = await runStart(['--rounds', 'two']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^RangeError: --rounds takes a whole number/);
    expect(bad.stderr).toContain('usage: npm start');
    expect(bad.stdout).toBe('');
  });
});

describe('npm start --exchange and unreachable exchanges', () => {
  it('should stream the markets of the exchange asked for', async () => {
    const { code, stdout, stderr } = await runStart(['--exchange', 'binance', '--rounds', '1', '--interval', '50', '--markets', 'BTCUSDT,ETHUSDT']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('live streams from the binance simulator');
    // USDT prices with a cent tick, not KRW-BTC's millions
    expect(stdout).toMatch(/^BTCUSDT +[\d,]+(\.\d{1,2})? /m);
    expect(stdout).toMatch(/^ETHUSDT +/m);
    expect(stdout).not.toMatch(/^KRW-/m);
  });

  it('should refuse an unknown exchange with exit code 1 before starting anything', async () => {
    const { code, stdout, stderr } = await runStart(['--exchange', 'kraken']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^RangeError: unknown exchange kraken \(upbit, coinone, binance\)/);
    expect(stderr).toContain('usage: npm start');
    expect(stdout).toBe('');
  });

  it('should refuse an unknown option or a missing value with the usage, exit code 1', async () => {
    for (const args of [['--bogus'], ['--markets']]) {
      const { code, stdout, stderr } = await runStart(args);
      expect(code, args.join(' ')).toBe(1);
      expect(stderr).toMatch(/^RangeError: /);
      expect(stderr).toContain('usage: npm start');
      expect(stdout).toBe('');
    }
  });

  it('should say the exchange cannot be reached and exit 1 when the network is not there, instead of empty tables', async () => {
    const port = await closedPort();
    const { code, stdout, stderr } = await runStart(['--rest-url', `http://127.0.0.1:${port}`, '--ws-url', `ws://127.0.0.1:${port}`]);
    expect(code).toBe(1);
    expect(stderr).toContain(`Could not reach http://127.0.0.1:${port} and ws://127.0.0.1:${port}`);
    expect(stderr).toMatch(/^ConnectionError: /);
    expect(stdout).toBe('');
  });
});

describe('live view cells (src/cli/format.ts)', () => {
  it('should group integer digits and keep every fraction digit', () => {
    expect(groupDigits(new Big('161917000'))).toBe('161,917,000');
    expect(groupDigits(new Big('1234.000123'))).toBe('1,234.000123');
    expect(groupDigits(new Big('0.03805689'))).toBe('0.03805689');
    expect(groupDigits(new Big('-1234567'))).toBe('-1,234,567');
  });

  it('should sign percentages of ratios', () => {
    expect(formatPercent(new Big('0.0182'))).toBe('+1.82%');
    expect(formatPercent(new Big('-0.0592'))).toBe('-5.92%');
    expect(formatPercent(new Big(0))).toBe('0.00%');
  });

  it('should name the sources of a row in one word', () => {
    expect(formatSources({})).toBe('-');
    expect(formatSources({ ticker: 'WS', book: 'WS', trade: 'WS' })).toBe('WS');
    expect(formatSources({ ticker: 'REST', book: 'REST' })).toBe('REST');
    expect(formatSources({ ticker: 'REST', book: 'WS' })).toBe('WS+REST');
  });

  it('should render dashes for a market without data and the best levels of its book', () => {
    const empty: LiveMarketView = { market: 'KRW-BTC', trades: 0, sources: {} };
    expect(liveRow(empty)).toEqual(['KRW-BTC', '-', '-', '-', '-', '-', '-', '-', '0', '-']);
    const level = (price: string): { price: Big; amount: Big } => ({ price: new Big(price), amount: new Big(1) });
    const ref = { exchange: 'upbit', symbol: 'BTC/KRW', market: 'KRW-BTC', timestamp: 0, receivedAt: 0 } as const;
    const book = { ...ref, type: 'orderBook', bids: [level('100'), level('99')], asks: [level('101'), level('102')] } as const;
    const row = liveRow({ ...empty, book, sources: { book: 'REST' } });
    // mid 100.5, spread ~100 bps: nothing lies within 10 bps (bids >= 100.3995, asks <= 100.6005)
    expect(row.slice(3, 7)).toEqual(['100', '101', '1.0%', '0.0000 / 0.0000']);
    expect(row[9]).toBe('REST');
  });
});
