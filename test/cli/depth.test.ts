/**
 * `mdb depth`: the metrics of each exchange's simulated book, once and with `--watch`, as JSON and as a table,
 * and the arguments it refuses (exit code 1, a message and the usage line, nothing on stdout).
 */
import { describe, expect, it } from 'vitest';
import { Big } from 'market-data-backbone';
import { runMdb } from '../../src/cli/mdb-command.js';
import { runCli, type CliRun } from './run-cli.js';

async function mdb(args: readonly string[]): Promise<CliRun> {
  const stdout = { text: '', write: (chunk: string) => (stdout.text += chunk) };
  const stderr = { text: '', write: (chunk: string) => (stderr.text += chunk) };
  const code = await runMdb(args, { stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** The JSON fields the checks read (Big values print as decimal strings). */
interface MetricsJson {
  readonly kind: string;
  readonly exchange: string;
  readonly bestBid: { readonly price: string };
  readonly bestAsk: { readonly price: string };
  readonly mid: string;
  readonly bands: readonly { readonly bps: number; readonly bidSize: string; readonly imbalance?: string }[];
}

function checkMetrics(metrics: MetricsJson, exchange: string, bands: readonly number[]): void {
  expect(metrics.kind).toBe('ok');
  expect(metrics.exchange).toBe(exchange);
  expect(new Big(metrics.bestBid.price).plus(metrics.bestAsk.price).div(2).eq(metrics.mid)).toBe(true);
  expect(metrics.bands.map((band) => band.bps)).toEqual(bands);
  for (let i = 1; i < metrics.bands.length; i++) expect(new Big(metrics.bands[i]!.bidSize).gte(metrics.bands[i - 1]!.bidSize)).toBe(true);
  for (const band of metrics.bands) if (band.imbalance !== undefined) expect(new Big(band.imbalance).abs().lte(1)).toBe(true);
}

describe('mdb depth', () => {
  for (const [exchange, symbol] of [['upbit', 'KRW-BTC'], ['binance', 'BTCUSDT'], ['coinone', 'KRW-BTC']] as const) {
    it(`should print the metrics of the ${exchange} simulator's book as JSON`, async () => {
      const run = await mdb(['depth', symbol, '--exchange', exchange, '--bands', '5,25', '--json']);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      checkMetrics(JSON.parse(run.stdout) as MetricsJson, exchange, [5, 25]);
    });
  }

  it('should print a table with the default bands 10, 50, 100', async () => {
    const run = await mdb(['depth']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^KRW-BTC \(upbit\) @ /);
    expect(run.stdout).toMatch(/^mid [\d,]+ {2}spread [\d,]+ \(\d+\.\d\d bps\) {2}microprice [\d,.]+$/m);
    for (const band of ['10 bps', '50 bps', '100 bps']) expect(run.stdout).toMatch(new RegExp(`^${band} +[\\d.]+ +[\\d,]+ +[\\d.]+ +[\\d,]+ +-?\\d\\.\\d{4} +\\d+/\\d+`, 'm'));
    expect(run.stdout).toMatch(/^top 10 levels: bid [\d.]+, ask [\d.]+, imbalance -?\d\.\d{4}$/m);
  });

  it('should print one line of JSON per streamed book with --watch, and stop after --updates', async () => {
    const run = await mdb(['depth', 'BTCUSDT', '--exchange', 'binance', '--watch', '--updates', '3', '--json', '--bands', '10']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    for (const line of lines) checkMetrics(JSON.parse(line) as MetricsJson, 'binance', [10]);
  });

  const refused: [string, string[], RegExp][] = [
    ['a band of 0', ['depth', '--bands', '0'], /^mdb: --bands takes basis points above 0 and at most 10000, separated by commas \(10,50,100\), not 0$/m],
    ['a band that is not a number', ['depth', '--bands', '10,fifty'], /^mdb: --bands takes basis points .* not 10,fifty$/m],
    ['an empty band', ['depth', '--bands', '10,,50'], /^mdb: --bands takes basis points/m],
    ['levels of 0', ['depth', '--levels', '0'], /^mdb: --levels takes a whole number from 1, not 0$/m],
    ['--updates without --watch', ['depth', '--updates', '2'], /^mdb: --updates goes with --watch$/m],
    ['two symbols', ['depth', 'KRW-BTC', 'KRW-ETH'], /^mdb: mdb depth takes one symbol, not KRW-BTC KRW-ETH$/m],
    ['an unknown exchange', ['depth', '--exchange', 'kraken'], /^mdb: unknown exchange kraken/m],
    ['an unknown flag', ['depth', '--band', '10'], /^mdb: Unknown option '--band'/m],
  ];
  for (const [what, args, message] of refused) {
    it(`should refuse ${what} with the usage line and exit code 1`, async () => {
      const run = await mdb(args);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).toContain('usage: mdb');
      expect(run.stdout).toBe('');
    });
  }

  it('should be listed by mdb --help', async () => {
    const run = await mdb(['--help']);
    expect(run.stdout).toMatch(/^ {2}mdb depth KRW-BTC \[--bands 10,50,100\]/m);
  });

  it('should exit the program with code 1 on bad bands', async () => {
    const run = await runCli('src/cli/mdb.ts', ['depth', '--bands', '20000']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^mdb: --bands takes basis points/);
    expect(run.stdout).toBe('');
  });
});
