/**
 * A real Prometheus (Debian's, started on a free port with a temporary config and data folder, killed
 * after) scrapes a process serving `collectMetrics` and the gateway metrics over the Upbit simulator,
 * with the alert rules loaded; then every query of the dashboard and of the alerts must return data
 * through the Prometheus HTTP API. Catches metric names, labels and PromQL that only agree on paper.
 *
 * The gateway serves `/metrics` itself, with real HTTP and WebSocket clients on it; only the two events
 * that need a client too slow to read (a conflation, a slow-client close: proven in the gateway's own
 * tests) are fed to its observer by hand.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Registry } from 'prom-client';
import { firstValueFrom } from 'rxjs';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MarketDataBackbone, RedisRateBudget } from 'market-data-backbone';
import { collectMetrics, createGatewayMetrics } from 'market-data-backbone/metrics';
import { startUpbitSimulator } from 'market-data-backbone/testing';
import { connectTestRedis, freePort, startTestRedis } from '../helpers/redis-server.js';
import { startGateway, TestClient } from '../gateway/helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const JOB = 'market-data-backbone';
const cleanups: (() => Promise<unknown> | void)[] = [];
let prometheusUrl = '';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface QueryResult {
  readonly status: string;
  readonly data: { readonly result: readonly unknown[] };
  readonly error?: string;
}

async function query(expr: string): Promise<QueryResult> {
  const response = await fetch(`${prometheusUrl}/api/v1/query?${new URLSearchParams({ query: expr })}`);
  return (await response.json()) as QueryResult;
}

/** Grafana's variables as Prometheus reads them here: every exchange, a rate window of ten scrapes. */
const withVariables = (expr: string): string => expr.replaceAll('$__rate_interval', '10s').replaceAll('$exchange', '.+');

/** An alert's query without its threshold: what must return data while nothing is wrong. */
const withoutThreshold = (expr: string): string => expr.replace(/\s*(?:>|<|==|!=|>=|<=)\s*[\d.]+\s*$/, '');

beforeAll(async () => {
  const redis = await startTestRedis();
  cleanups.push(() => redis.stop());
  const { command, close } = await connectTestRedis(redis);
  cleanups.push(close);
  const simulator = await startUpbitSimulator({ limitClock: { now: () => Date.now() } });
  cleanups.push(() => simulator.close());
  const rateBudget = new RedisRateBudget({ command, timeoutMs: 2_000 });
  const backbone = new MarketDataBackbone({ rateBudget, exchanges: { upbit: { restUrl: simulator.url, wsUrl: simulator.wsUrl } } });
  cleanups.push(() => backbone.close());

  const registry = new Registry();
  collectMetrics(backbone, registry, { exchanges: ['upbit'] });
  const observer = createGatewayMetrics(registry);
  const gateway = await startGateway(backbone, { observer, metrics: registry });
  cleanups.push(() => gateway.stop());
  const port = new URL(gateway.url).port;

  // Traffic upstream: two streams, REST calls of several groups through the shared budget.
  const streams = [backbone.streamTicker('KRW-BTC').subscribe(), backbone.streamTrades('KRW-ETH').subscribe()];
  cleanups.push(() => streams.forEach((s) => s.unsubscribe()));
  await firstValueFrom(backbone.streamTicker('KRW-BTC'));
  await Promise.all([backbone.getCandles('KRW-BTC', '1m', { count: 3 }), backbone.getTrades('KRW-XRP', { count: 5 }), backbone.getOrderBook('KRW-BTC')]);
  // Gateway traffic: an HTTP answer, one client that stays subscribed and one that comes and goes.
  expect((await fetch(`${gateway.url}/v1/ticker?symbol=KRW-BTC`)).status).toBe(200);
  const staying = await TestClient.open(gateway.wsUrl);
  cleanups.push(() => staying.close());
  staying.send({ op: 'subscribe', channel: 'ticker', symbol: 'KRW-BTC' });
  await staying.next((frame) => frame.type === 'ack', 'ack');
  const leaving = await TestClient.open(gateway.wsUrl);
  leaving.send({ op: 'subscribe', channel: 'trades', symbol: 'KRW-ETH' });
  await leaving.next((frame) => frame.type === 'ack', 'ack');
  leaving.close();
  // A client too slow to read: what the gateway reports for it (the gateway tests prove when it does).
  observer.conflated('ticker');
  observer.slowClientClosed();

  const dir = mkdtempSync(join(tmpdir(), 'mdb-prometheus-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const config = {
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    rule_files: [join(root, 'deploy/prometheus/alerts.yml')],
    scrape_configs: [{ job_name: JOB, static_configs: [{ targets: [`127.0.0.1:${port}`] }] }],
  };
  writeFileSync(join(dir, 'prometheus.yml'), JSON.stringify(config));
  const promPort = await freePort();
  prometheusUrl = `http://127.0.0.1:${promPort}`;
  const prometheus = spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`, '--log.level=warn'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  prometheus.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        if (prometheus.exitCode !== null) return resolve();
        prometheus.once('exit', () => resolve());
        prometheus.kill('SIGKILL');
      }),
  );
  // Ready, then at least five scrapes, so that rates and increases have samples to work on.
  for (let i = 0; ; i++) {
    if (prometheus.exitCode !== null) throw new Error(`prometheus exited: ${log}`);
    const ready = await fetch(`${prometheusUrl}/-/ready`).then((r) => r.ok, () => false);
    if (ready && (await query(`count_over_time(up{job="${JOB}"}[1m]) >= 5`)).data.result.length > 0) break;
    if (i > 300) throw new Error(`prometheus did not scrape in time: ${log}`);
    await sleep(100);
  }
}, 120_000);

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a real Prometheus scraping collectMetrics and the gateway metrics', () => {
  it('should return data for every query of the dashboard', async () => {
    const dashboard = JSON.parse(readFileSync(join(root, 'deploy/grafana/market-data-backbone.json'), 'utf8')) as { panels: { title: string; targets?: { expr: string }[] }[] };
    const exprs = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => withVariables(target.expr)));
    expect(exprs.length).toBeGreaterThan(20);
    const empty: string[] = [];
    for (const expr of exprs) {
      const result = await query(expr);
      if (result.status !== 'success' || result.data.result.length === 0) empty.push(`${expr}: ${result.error ?? 'no data'}`);
    }
    expect(empty).toEqual([]);
  });

  it('should return data for the query of every alert, and load and evaluate the rules without error', async () => {
    const rules = (parse(readFileSync(join(root, 'deploy/prometheus/alerts.yml'), 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] }).groups.flatMap((g) => g.rules);
    const empty: string[] = [];
    for (const rule of rules) {
      const expr = withoutThreshold(rule.expr);
      expect(expr).not.toBe(rule.expr);
      const result = await query(expr);
      if (result.status !== 'success' || result.data.result.length === 0) empty.push(`${rule.alert}: ${expr}: ${result.error ?? 'no data'}`);
    }
    expect(empty).toEqual([]);
    const loaded = (await (await fetch(`${prometheusUrl}/api/v1/rules`)).json()) as { data: { groups: { rules: { name: string; health: string }[] }[] } };
    const health = loaded.data.groups.flatMap((g) => g.rules.map((r) => `${r.name} ${r.health}`));
    expect(health.sort()).toEqual(rules.map((r) => `${r.alert} ok`).sort());
    // Nothing is wrong in this run: no alert fires.
    const firing = (await query('ALERTS{alertstate="firing"}')).data.result;
    expect(firing).toEqual([]);
  });
});
