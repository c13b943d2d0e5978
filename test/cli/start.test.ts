import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Big } from 'market-data-backbone';
import { formatPercent, formatSources, groupDigits, liveRow, type LiveMarketView } from '../../src/cli/format.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Runs `npm start`'s program with `args`; resolves with its exit code and output. */
function runStart(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/start.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    // A safety net, not a timing assertion: a program that does not exit by itself fails with code null.
    const killer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('npm start (src/cli/start.ts)', () => {
  it('should draw the requested number of live frames from the simulator and exit by itself', async () => {
    const { code, stdout, stderr } = await runStart(['--rounds', '2', '--interval', '200', '--markets', 'KRW-BTC,KRW-ETH,BTC-ETH']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('refresh 1');
    expect(stdout).toContain('refresh 2');
    expect(stdout).not.toContain('refresh 3');
    expect(stdout).toMatch(/^market\s+last\s+change\s+best bid\s+best ask\s+spread\s+last trade\s+trades\s+source\s*$/m);
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
    expect(liveRow(empty)).toEqual(['KRW-BTC', '-', '-', '-', '-', '-', '-', '0', '-']);
    const level = (price: string): { price: Big; amount: Big } => ({ price: new Big(price), amount: new Big(1) });
    const ref = { exchange: 'upbit', symbol: 'BTC/KRW', market: 'KRW-BTC', timestamp: 0, receivedAt: 0 } as const;
    const book = { ...ref, type: 'orderBook', bids: [level('100'), level('99')], asks: [level('101'), level('102')] } as const;
    const row = liveRow({ ...empty, book, sources: { book: 'REST' } });
    expect(row.slice(3, 6)).toEqual(['100', '101', '1.0%']);
    expect(row[8]).toBe('REST');
  });
});

describe('mdb --exchange', () => {
  it('should answer from the embedded simulator of the exchange asked for', async () => {
    const run = (args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/mdb.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    const binance = await run(['ticker', 'BTCUSDT', 'ETH/USDT', '--exchange', 'binance']);
    expect(binance.stderr).toBe('');
    // A cent tick: up to two decimals (118016.3 is 118016.30 without its trailing zero).
    expect(binance.stdout).toMatch(/^BTCUSDT +BTC\/USDT +\d+(\.\d{1,2})? /m);
    expect(binance.stdout).toMatch(/^ETHUSDT +ETH\/USDT /m);
    const coinone = await run(['orderbook', 'BTC/KRW', '--exchange', 'coinone', '--depth', '3']);
    expect(coinone.code).toBe(0);
    // Coinone serves 5 levels at least; the client cuts to the 3 asked for.
    expect(coinone.stdout.trim().split('\n').slice(3)).toHaveLength(3);
    const unknown = await run(['ticker', 'X', '--exchange', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown exchange nope/);
  });
});
