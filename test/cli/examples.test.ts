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

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const runExample = async (name: string): Promise<string> =>
  (await promisify(execFile)(join(root, 'node_modules', '.bin', 'tsx'), [join('examples', `${name}.ts`)], { cwd: root, timeout: 60_000 })).stdout;

describe('examples', () => {
  it.concurrent('get-ticker prints two tickers, the top of the book and five 1m candles', async () => {
    const lines = (await runExample('get-ticker')).trim().split('\n');
    expect(lines[0]).toMatch(/^BTC\/KRW last \d+ \(-?\d+\.\d{2} %\)$/);
    expect(lines[1]).toMatch(/^ETH\/KRW last \d+/);
    expect(lines[2]).toMatch(/^best bid \d+ best ask \d+$/);
    expect(lines.slice(3).filter((line) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z \d+ [\d.]+$/.test(line)).length).toBeGreaterThan(0);
  });

  it.concurrent('watch-premium prints the three exchange pairs with the simulators\' premiums', async () => {
    const out = await runExample('watch-premium');
    expect(out).toMatch(/upbit\/coinone premium 0\.10 %/);
    expect(out).toMatch(/upbit\/binance premium 2\.00 %/);
    expect(out).toMatch(/coinone\/binance premium 1\.90 %/);
  });

  it.concurrent('round-to-tick puts a bid on each exchange\'s tick grid, exactly', async () => {
    const out = await runExample('round-to-tick');
    expect(out).toMatch(/^upbit +BTC\/KRW +last \d+ tick 1000 +bid [\d.]+ -> \d+000 /m);
    expect(out).toMatch(/^coinone +XRP\/KRW +last \d+ tick 1 /m);
    expect(out).toMatch(/^binance +BTC\/USDT +last [\d.]+ tick 0\.01 +bid [\d.]+ -> \d+(\.\d{1,2})? /m);
    expect(out).toContain('exact decimals throughout: 0.3');
  });
});
