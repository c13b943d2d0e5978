/**
 * `mdb`: every command against the embedded simulator of each exchange (`--exchange`), bad arguments,
 * and a server that cannot be reached. The matrix runs the program in this process (`runMdb`, what the
 * binary runs); exit codes and the binary itself are checked in a child process.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMdb } from '../../src/cli/mdb-command.js';
import { closedPort, runCli, type CliRun } from './run-cli.js';

/** Runs `mdb args` in this process and collects what it writes. */
async function mdb(args: readonly string[]): Promise<CliRun> {
  const stdout = { text: '', write: (chunk: string) => (stdout.text += chunk) };
  const stderr = { text: '', write: (chunk: string) => (stderr.text += chunk) };
  const code = await runMdb(args, { stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
const SYMBOL = { upbit: 'KRW-BTC', coinone: 'KRW-BTC', binance: 'BTCUSDT' } as const;
const EXCHANGES = Object.keys(SYMBOL) as (keyof typeof SYMBOL)[];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mdb-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The `exchange` field of every object a command printed as JSON (one object or an array). */
function exchangesIn(run: CliRun): string[] {
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const parsed = JSON.parse(run.stdout) as { exchange: string } | { exchange: string }[];
  return (Array.isArray(parsed) ? parsed : [parsed]).map((item) => item.exchange);
}

describe('mdb --exchange', () => {
  for (const exchange of EXCHANGES) {
    const symbol = SYMBOL[exchange];
    it(`should answer every command from the ${exchange} simulator`, async () => {
      const runs = await Promise.all([
        mdb(['ticker', symbol, '--exchange', exchange, '--json']),
        mdb(['orderbook', symbol, '--exchange', exchange, '--depth', '3', '--json']),
        mdb(['trades', symbol, '--exchange', exchange, '--count', '5', '--json']),
        mdb(['candles', symbol, '1h', '--exchange', exchange, '--count', '4', '--json']),
        mdb(['markets', '--exchange', exchange, '--json']),
      ]);
      for (const run of runs) {
        const seen = exchangesIn(run);
        expect(seen.length).toBeGreaterThan(0);
        expect(new Set(seen)).toEqual(new Set([exchange]));
      }
      const [, book] = runs;
      expect((JSON.parse(book!.stdout) as { bids: unknown[] }).bids).toHaveLength(3);
    });

    it(`should download candles from the ${exchange} simulator into a file`, async () => {
      const out = join(dir, `${exchange}.jsonl`);
      const run = await mdb(['candles', symbol, '1h', '--from', '2026-01-01', '--to', '2026-01-02', '--out', out, '--exchange', exchange]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain(`wrote 24 candles to ${out}`);
      const rows = (await readFile(out, 'utf8')).trimEnd().split('\n').map((line) => JSON.parse(line) as { exchange: string; market: string; openTimeMs: number });
      expect(rows.map((r) => r.openTimeMs)).toEqual(Array.from({ length: 24 }, (_, i) => Date.UTC(2026, 0, 1) + i * 3_600_000));
      expect(new Set(rows.map((r) => `${r.exchange} ${r.market}`))).toEqual(new Set([`${exchange} ${symbol}`]));
    });
  }

  it('should default to Upbit and use each exchange\'s own default market', async () => {
    expect(exchangesIn(await mdb(['ticker', '--json']))).toEqual(['upbit']);
    const binance = JSON.parse((await mdb(['ticker', '--exchange', 'binance', '--json'])).stdout) as { market: string }[];
    expect(binance.map((t) => t.market)).toEqual(['BTCUSDT']);
  });
});

describe('mdb arguments', () => {
  const refused: [string, string[], RegExp][] = [
    ['an unknown exchange', ['ticker', 'X', '--exchange', 'nope'], /^mdb: unknown exchange nope \(upbit, coinone, binance\)$/m],
    ['an unknown exchange on a download', ['candles', 'KRW-BTC', '1h', '--from', '2026-01-01', '--to', '2026-01-02', '--out', 'x.csv', '--exchange', 'kraken'], /^mdb: unknown exchange kraken/m],
    ['an unknown command', ['tickers', 'KRW-BTC'], /^mdb: unknown command tickers$/m],
    ['an unknown flag', ['ticker', '--exchnage', 'binance'], /^mdb: Unknown option '--exchnage'/m],
    ['a depth of 0', ['orderbook', 'KRW-BTC', '--depth', '0'], /^mdb: --depth takes a whole number from 1 to 500, not 0$/m],
    ['a count that is not a number', ['trades', 'KRW-BTC', '--count', 'ten'], /^mdb: --count takes a whole number/m],
    ['an unknown interval', ['candles', 'KRW-BTC', '2m'], /^mdb: unknown candle interval 2m/m],
    ['a range that ends before it starts', ['candles', 'KRW-BTC', '1h', '--from', '2026-01-02', '--to', '2026-01-01', '--out', 'x.csv'], /^mdb: mdb candles: --from \(2026-01-02\) must be before --to/m],
    ['--sim with --live', ['ticker', '--sim', '--live'], /^mdb: --sim excludes --live/m],
    ['--live with --rest-url', ['ticker', '--live', '--rest-url', 'http://127.0.0.1:9'], /^mdb: --live and --rest-url\/--ws-url exclude each other/m],
  ];
  for (const [what, args, message] of refused) {
    it(`should refuse ${what} with the usage line and exit code 1, printing nothing else`, async () => {
      const run = await mdb(args);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).toContain('usage: mdb <ticker|orderbook|trades|candles|markets|depth|record|replay|serve>');
      expect(run.stdout).toBe('');
    });
  }

  it('should list every command and flag on --help', async () => {
    const run = await mdb(['--help']);
    expect(run.code).toBe(0);
    for (const word of ['ticker', 'orderbook', 'trades', 'candles', 'markets', '--exchange', '--live', '--rest-url', '--json', '--depth', '--count', '--from', '--to', '--out', '--fill']) {
      expect(run.stdout).toContain(word);
    }
  });
});

describe('the mdb program', () => {
  it('should exit with code 1 and the usage line on an unknown exchange', async () => {
    const run = await runCli('src/cli/mdb.ts', ['candles', 'KRW-BTC', '1h', '--count', '3', '--exchange', 'nope']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^mdb: unknown exchange nope/);
    expect(run.stdout).toBe('');
  });

  it('should say which server it could not reach and exit 1', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const run = await runCli('src/cli/mdb.ts', ['ticker', 'KRW-BTC', '--rest-url', url]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^ConnectionError: /);
    expect(run.stderr).toContain(`Could not reach ${url}`);
    expect(run.stdout).toBe('');
  });
});
