/**
 * `npm run bench -- routing`: the adaptive router against always-REST, always-stream, today's rule and
 * an offline oracle, on eleven traces (seven for development, four held out) replayed in virtual time
 * (see `routing-sim.ts` for the network model and `routing-traces.ts` for the traces). Per trace and for
 * the held-out set: accuracy versus the oracle (socket or REST, per call and market), response time
 * p50/p99, REST requests, stream-minutes, subscription changes, freshness violations, socket answers
 * from a degraded (lagging) socket, and the cost total
 * (REST request 1, stream-minute 1, subscription change 1). Ends with the summary line of issue 14.
 */
import { quantile } from './stats.js';
import { buildTraces, streamTimes, type Trace } from './routing-traces.js';
import { adaptive, alwaysRest, DEGRADED_LAG_MS, alwaysStream, costOf, runOracle, runPolicy, todaysRule, TraceNetworkModel, type OracleRun, type Policy, type PolicyRun, type Served } from './routing-sim.js';

/** The measures of one policy (or the oracle) over one or more traces. */
interface Measures {
  served: Served[];
  oracle: Served[];
  latencies: number[];
  requests: number;
  streamMinutes: number;
  changes: number;
  violations: number;
  lagged: number;
}

const POLICIES: readonly ((now: () => number) => Policy)[] = [alwaysRest, alwaysStream, todaysRule, adaptive];

function merge(a: Measures | undefined, b: Measures): Measures {
  if (a === undefined) return b;
  return {
    served: [...a.served, ...b.served],
    oracle: [...a.oracle, ...b.oracle],
    latencies: [...a.latencies, ...b.latencies],
    requests: a.requests + b.requests,
    streamMinutes: a.streamMinutes + b.streamMinutes,
    changes: a.changes + b.changes,
    violations: a.violations + b.violations,
    lagged: a.lagged + b.lagged,
  };
}

const accuracy = (m: Measures): number => m.served.filter((s, i) => s === m.oracle[i]).length / m.served.length;
const pad = (text: string, width: number): string => text.padStart(width);

function row(name: string, m: Measures): string {
  return [
    name.padEnd(14),
    pad(accuracy(m).toFixed(3), 8),
    pad(quantile(m.latencies, 0.5).toFixed(1), 8),
    pad(quantile(m.latencies, 0.99).toFixed(1), 8),
    pad(m.requests.toFixed(0), 8),
    pad(m.streamMinutes.toFixed(1), 8),
    pad(m.changes.toFixed(0), 7),
    pad(String(m.violations), 5),
    pad(String(m.lagged), 6),
    pad(costOf(m).toFixed(1), 8),
  ].join(' ');
}

const HEADER = `${'policy'.padEnd(14)} ${pad('accuracy', 8)} ${pad('p50 ms', 8)} ${pad('p99 ms', 8)} ${pad('REST', 8)} ${pad('strm-min', 8)} ${pad('changes', 7)} ${pad('fresh', 5)} ${pad('lagged', 6)} ${pad('cost', 8)}`;

function fromPolicy(run: PolicyRun, oracle: OracleRun): Measures {
  return { served: run.served, oracle: oracle.served, latencies: run.latencies, requests: run.requests, streamMinutes: run.streamMinutes, changes: run.changes, violations: run.violations, lagged: run.lagged };
}

function fromOracle(oracle: OracleRun): Measures {
  return { served: oracle.served, oracle: oracle.served, latencies: oracle.latencies, requests: oracle.requests, streamMinutes: oracle.streamMinutes, changes: oracle.changes, violations: 0, lagged: 0 };
}

/** Runs every policy and the oracle on `trace`; prints its table; returns the measures by policy name. */
function runTrace(trace: Trace): Map<string, Measures> {
  const markets = new Set(trace.calls.flatMap((c) => c.markets));
  const net = new TraceNetworkModel(trace, streamTimes(new Set([...markets, ...trace.userStreams]), trace.durationMs + 60_000));
  const oracle = runOracle(trace, net);
  const results = new Map<string, Measures>();
  const peaks: string[] = [];
  for (const build of POLICIES) {
    const run = runPolicy(trace, net, build);
    const name = build(() => 0).name;
    results.set(name, fromPolicy(run, oracle));
    if (name === 'adaptive') peaks.push(`adaptive peaks: ${run.peaks.held} held, ${run.peaks.frames1s} frames/1 s, ${run.peaks.frames60s} frames/60 s, ${run.peaks.requests1s} requests/1 s`);
  }
  results.set('oracle', fromOracle(oracle));
  const calls = results.get('oracle')!.served.length;
  console.log(`\n## ${trace.name} (${trace.set}; ${calls} answers, ${markets.size} markets)`);
  console.log(HEADER);
  for (const [name, m] of results) console.log(row(name, m));
  console.log(peaks.join(''));
  return results;
}

/** Every trace, the held-out totals and the summary line. */
export async function benchRouting(): Promise<void> {
  console.log('cost model: REST request 1, stream-minute 1, subscription change 1; accuracy = same source class (socket or REST) as the oracle');
  console.log(`fresh = answers received more than maxAgeMs before the call; lagged = socket answers delivered with lag above REST latency (${DEGRADED_LAG_MS} ms: a degraded socket, never an oracle answer)`);
  const sets = { development: new Map<string, Measures>(), 'held-out': new Map<string, Measures>() };
  for (const trace of buildTraces()) {
    const results = runTrace(trace);
    for (const [name, m] of results) sets[trace.set].set(name, merge(sets[trace.set].get(name), m));
  }
  for (const [set, results] of Object.entries(sets)) {
    console.log(`\n## ${set} set, all traces`);
    console.log(HEADER);
    for (const [name, m] of results) console.log(row(name, m));
  }
  const held = sets['held-out'];
  const routed = held.get('adaptive')!;
  const p50 = quantile(routed.latencies, 0.5) / quantile(held.get('always-REST')!.latencies, 0.5);
  const cost = costOf(routed) / costOf(held.get('oracle')!);
  const versusToday = costOf(routed) / costOf(held.get("today's rule")!);
  console.log(`\nadaptive vs today's rule (held-out): cost ${versusToday.toFixed(2)}x, p50 ${(quantile(routed.latencies, 0.5) / quantile(held.get("today's rule")!.latencies, 0.5)).toFixed(2)}x`);
  console.log(`adaptive lagged-socket answers (held-out): ${routed.lagged}`);
  console.log(
    `routing held-out: accuracy ${accuracy(routed).toFixed(3)} (target >= 0.95), p50 vs always-REST ${p50.toFixed(2)} (target <= 0.5), cost vs oracle ${cost.toFixed(2)}, freshness violations ${routed.violations}`,
  );
}
