/** `mdb record` and `mdb replay`: a short recording of the Upbit simulator replayed, and bad arguments. */
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMdb } from '../../src/cli/mdb-command.js';
import type { CliRun } from './run-cli.js';

async function mdb(args: readonly string[]): Promise<CliRun> {
  const stdout = { text: '', write: (chunk: string) => (stdout.text += chunk) };
  const stderr = { text: '', write: (chunk: string) => (stderr.text += chunk) };
  const code = await runMdb(args, { stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mdb-record-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('mdb record and mdb replay', () => {
  it('should record the simulator and replay it as tables of the recorded markets', async () => {
    const out = join(dir, 'rec');
    const recorded = await mdb(['record', '--simulate', '--exchange', 'upbit', '--symbols', 'KRW-BTC,KRW-ETH', '--channels', 'ticker,trades,orderbook', '--out', out, '--duration', '1.5']);
    expect(recorded.stderr).toContain('recording ticker,trades,orderbook of KRW-BTC,KRW-ETH');
    expect(recorded.code).toBe(0);
    expect(recorded.stdout).toMatch(/recorded [1-9]\d* frames/);

    const replayed = await mdb(['replay', out, '--speed', 'max']);
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toContain('upbit replay @');
    expect(replayed.stdout).toMatch(/KRW-BTC +\d[\d,]* /);
    expect(replayed.stdout).toMatch(/KRW-ETH +\d[\d,]* /);
    expect(replayed.stderr).toContain('0 unmatched');
  }, 30_000);

  it.each([
    [['record', '--out', 'x'], '--symbols'],
    [['record', '--symbols', 'KRW-BTC'], '--out'],
    [['record', '--symbols', 'KRW-BTC', '--out', 'x', '--channels', 'ticker,candles'], 'unknown channel candles'],
    [['record', '--symbols', 'KRW-BTC', '--out', 'x', '--exchange', 'kraken'], 'unknown exchange kraken'],
    [['record', '--symbols', 'KRW-BTC', '--out', 'x', '--duration', '-3'], '--duration'],
    [['record', '--symbols', 'KRW-BTC', '--out', 'x', '--live', '--simulate'], 'exclude each other'],
    [['replay'], 'needs the folder'],
    [['replay', 'a', 'b'], 'takes one folder'],
    [['replay', 'rec', '--speed', '0'], '--speed takes a positive number or max'],
    [['replay', 'rec', '--speed', 'fast'], '--speed takes a positive number or max'],
    [['replay', 'rec', '--bogus'], "Unknown option '--bogus'"],
  ])('should refuse %j with a message naming the problem and exit code 1', async (args, message) => {
    const run = await mdb(args);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe('');
  });

  it('should fail with exit code 1 and a typed error on a path or folder that is no recording', async () => {
    const missing = await mdb(['replay', join(dir, 'missing')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/InvalidArgumentError: No recording at \S*missing: no such file or folder/);
    const empty = join(dir, 'empty');
    mkdirSync(empty, { recursive: true });
    const nothing = await mdb(['replay', empty]);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toMatch(/No recording in \S*empty: the folder holds no \.ndjson\.gz file/);
  });
});
