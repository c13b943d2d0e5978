/**
 * `mdb serve` as a user runs it: over the simulators (`--simulate`, offline), answering HTTP and
 * `/v1/stream`; SIGTERM drains it (sockets closed with 1001, exit code 0); bad arguments end with a
 * message and exit code 1 before anything starts.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE_GOING_AWAY } from 'market-data-backbone/gateway';
import { until } from '../helpers/wait.js';
import { TestClient } from '../gateway/helpers.js';
import { parseServeFlags, runServe } from '../../src/cli/serve.js';
import { root, runCli } from './run-cli.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe('mdb serve', () => {
  it('serves the simulators and drains on SIGTERM: 1001 to sockets, exit code 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/mdb.ts', 'serve', '--simulate', '--port', '0', '--exchanges', 'upbit', '--grace-ms', '5000'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cleanups.push(() => child.kill('SIGKILL'));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = once(child, 'exit');
    await until(() => /listening on http:\/\/\S+/.test(stdout), 20_000, `mdb serve to listen (stderr: ${stderr})`);
    const url = /listening on (http:\/\/\S+)/.exec(stdout)![1]!;
    const ticker = await fetch(`${url}/v1/ticker?symbol=KRW-BTC`);
    expect(ticker.status).toBe(200);
    expect(((await ticker.json()) as { market: string }).market).toBe('KRW-BTC');
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    // Prometheus metrics of the upstream, the gateway and the process; the ticker just asked is counted.
    const metrics = await fetch(`${url}/metrics`);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    const exposition = await metrics.text();
    expect(exposition).toMatch(/^mdb_upstream_rest_requests_total\{[^}]*exchange="upbit"[^}]*\} [1-9]/m);
    expect(exposition).toMatch(/^mdb_gateway_http_request_duration_seconds_count\{[^}]*route="\/v1\/ticker"[^}]*\} 1$/m);
    expect(exposition).toMatch(/^process_cpu_seconds_total /m);
    const client = await TestClient.open(`${url.replace('http', 'ws')}/v1/stream`);
    cleanups.push(() => client.close());
    client.send({ op: 'subscribe', channel: 'trades', symbol: 'KRW-BTC' });
    await client.next((frame) => frame.type === 'ack', 'ack');
    child.kill('SIGTERM');
    await until(() => client.closed !== undefined, 10_000, 'socket closed by the drain');
    expect(client.closed?.code).toBe(CLOSE_GOING_AWAY);
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
    expect(stdout).toMatch(/SIGTERM received, draining[\s\S]*stopped/);
  }, 60_000);

  it('refuses bad arguments with a message and exit code 1', async () => {
    const port = await runCli('src/cli/mdb.ts', ['serve', '--port', 'eighty']);
    expect(port.code).toBe(1);
    expect(port.stderr).toMatch(/--port takes a port from 0 to 65535, not eighty/);
    const output = { stdout: { text: '', write(t: string) { this.text += t; } }, stderr: { text: '', write(t: string) { this.text += t; } } };
    for (const args of [['--exchanges', 'upbit,kraken'], ['--bogus'], ['KRW-BTC'], ['--redis', 'localhost:6379'], ['--grace-ms', '1.5']]) {
      output.stderr.text = '';
      expect(await runServe(args, output), args.join(' ')).toBe(1);
      expect(output.stderr.text, args.join(' ')).toMatch(/^mdb serve: .+\nusage: mdb serve/);
    }
    expect(output.stderr.text).toMatch(/--grace-ms takes a whole number of ms, not 1.5/);
    expect(await runServe(['--help'], output)).toBe(0);
    expect(output.stdout.text).toMatch(/--simulate\s+serve the built-in exchange simulators/);
    expect(parseServeFlags(['--simulate', '--exchanges', 'binance,upbit', '--port', '0'], { MDB_GATEWAY_TOKENS: 'a, b' })).toMatchObject({ exchanges: ['binance', 'upbit'], port: 0, tokens: ['a', 'b'] });
  }, 40_000);
});
