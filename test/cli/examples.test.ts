/**
 * The quick examples run as users run them (`npx tsx examples/<name>.ts`), against the built-in
 * simulators, and print what their comments promise. (The longer ones, which stream for seconds, are
 * type-checked with the rest and covered by the stream tests.)
 */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { startTestRedis } from '../helpers/redis-server.js';
import { closedPort, runCli } from './run-cli.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const runExample = async (name: string, env: Readonly<Record<string, string>> = {}): Promise<string> =>
  (await promisify(execFile)(join(root, 'node_modules', '.bin', 'tsx'), [join('examples', `${name}.ts`)], { cwd: root, timeout: 60_000, env: { ...process.env, ...env } })).stdout;

// The examples run concurrently, each a tsx process starting simulators: on a loaded machine one can take
// longer than the default 20 s. 60 s is execFile's own safety net; nothing here asserts a duration.
describe('examples', { timeout: 60_000 }, () => {
  it.concurrent('get-ticker prints two tickers, the top of the book and five 1m candles', async () => {
    const lines = (await runExample('get-ticker')).trim().split('\n');
    expect(lines[0]).toMatch(/^BTC\/KRW last \d+ \(-?\d+\.\d{2} %\)$/);
    expect(lines[1]).toMatch(/^ETH\/KRW last \d+/);
    expect(lines[2]).toMatch(/^best bid \d+ best ask \d+$/);
    expect(lines.slice(3).filter((line) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z \d+ [\d.]+$/.test(line)).length).toBeGreaterThan(0);
  });

  it.concurrent('watch-premium prints the three exchange pairs with the simulators\' premiums', async () => {
    const out = await runExample('watch-premium');
    const premiums = new Map<string, number[]>();
    for (const [, pair = '', value = ''] of out.matchAll(/^(\w+\/\w+) premium (-?\d+\.\d\d) %/gm)) {
      premiums.set(pair, [...(premiums.get(pair) ?? []), Number(value)]);
    }
    expect([...premiums.keys()].sort(), out).toEqual(['coinone/binance', 'upbit/binance', 'upbit/coinone']);
    expect(premiums.get('upbit/binance'), out).toHaveLength(5);
    // Upbit and Coinone quote the same KRW model: the configured 0.1 %, give or take how far the market
    // moved between the two books' instants (seconds apart on a loaded machine; the wrong sign would be
    // 0.2 off). The Binance pairs go through the FX leg, Upbit's last USDT/KRW trade, which sits a few
    // 1-KRW ticks (0.07 % each) off the rate the Binance simulator converted at: within 0.3.
    const near = (pair: string, expected: number, within: number): void => {
      for (const value of premiums.get(pair) ?? []) expect(Math.abs(value - expected), `${pair} ${value} in:\n${out}`).toBeLessThan(within);
    };
    near('upbit/coinone', 0.1, 0.08);
    near('upbit/binance', 2, 0.3);
    near('coinone/binance', 1.9, 0.3);
  });

  it.concurrent('round-to-tick puts a bid on each exchange\'s tick grid, exactly', async () => {
    const out = await runExample('round-to-tick');
    expect(out).toMatch(/^upbit +BTC\/KRW +last \d+ tick 1000 +bid [\d.]+ -> \d+000 /m);
    expect(out).toMatch(/^coinone +XRP\/KRW +last \d+ tick 1 /m);
    expect(out).toMatch(/^binance +BTC\/USDT +last [\d.]+ tick 0\.01 +bid [\d.]+ -> \d+(\.\d{1,2})? /m);
    expect(out).toContain('exact decimals throughout: 0.3');
  });

  it.concurrent('watch-my-orders prints the balances, the order\'s events and what it bought', async () => {
    const lines = (await runExample('watch-my-orders')).trim().split('\n');
    expect(lines[0]).toBe('balances: KRW 1000000');
    const states = lines.filter((line) => line.startsWith('order ')).map((line) => line.split(/ +/)[1]);
    expect(states[0]).toBe('wait');
    expect(states).toContain('trade');
    expect(['done', 'cancel']).toContain(states.at(-1));
    expect(lines).toContain('assets KRW 899950 (locked 100050)'); // 100,000 KRW + 0.05 % fee locked
    const final = /^balances: KRW (\d+\.?\d*), BTC (0\.\d+)$/.exec(lines.at(-1) ?? '');
    expect(final, lines.at(-1)).not.toBeNull();
    // What was spent is what was bought plus its fee, within the rounding of the last satoshi.
    const bought = /: (0\.\d+) BTC at (\d+) KRW on average$/.exec(lines.filter((line) => line.startsWith('order ')).at(-1) ?? '');
    const spent = 1_000_000 - Number(final?.[1]);
    expect(Math.abs(spent - Number(bought?.[1]) * Number(bought?.[2]) * 1.0005)).toBeLessThan(1);
  });

  it.concurrent('share-replies-redis answers the second worker from Redis, identically', async () => {
    const redis = await startTestRedis();
    try {
      const out = await runExample('share-replies-redis', { REDIS_URL: redis.url });
      expect(out).toMatch(/^24 hourly candles, last close \d+ KRW$/m);
      expect(out).toContain('exchange asked 1 time(s); second worker: 1 Redis hit(s); identical: true');
    } finally {
      await redis.stop();
    }
  });

  it.concurrent('share-replies-redis says there is no Redis server and exits 1 instead of reconnecting forever', async () => {
    const url = `redis://127.0.0.1:${await closedPort()}`;
    const { code, stdout, stderr } = await runCli('examples/share-replies-redis.ts', [], { ...process.env, REDIS_URL: url });
    expect(code).toBe(1);
    expect(stderr).toContain(`No Redis server at ${url} (connect ECONNREFUSED`);
    expect(stderr).toContain('REDIS_URL=');
    expect(stdout).toBe('');
  });
});
