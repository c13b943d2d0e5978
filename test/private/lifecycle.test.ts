/**
 * The private socket runs the public socket's lifecycle (`WsLifecycle`), in virtual time: a freshly
 * signed upgrade per attempt, silent sockets probed and found dead within 4.5 s, a backoff that keeps
 * growing for a server that accepts, sends one frame and closes, attempts paced to the adapter's
 * connect limit, and bad credentials fatal at once. Signing is async, so virtual time advances in
 * steps with the microtasks drained between them.
 */
import { VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { AuthenticationError, type MarketDataError } from '../../src/errors/index.js';
import { ApiCredentials, type PrivateWsAdapter, type PrivateWsMessage } from '../../src/core/private-adapter.js';
import type { PrivateStreamEvent } from '../../src/model/account.js';
import type { StatusEvent } from '../../src/model/market-event.js';
import { PrivateStreams } from '../../src/private/private-streams.js';
import { FakeWebSocketServer, type FakeWebSocket } from '../helpers/fake-websocket.js';

const ASSET = '{"asset":1}';
const AUTH_REFUSED = '{"error":"INVALID_AUTH"}';

/** A private adapter with a JSON-ish wire: `{"asset":…}` is a myAsset event, `{"status":"UP"}` a heartbeat. */
function fakePrivateWs(overrides: Partial<PrivateWsAdapter> = {}): PrivateWsAdapter {
  let token = 0;
  return {
    url: 'ws://fake.invalid/private',
    signConnection: async () => ({ authorization: `Bearer token-${++token}` }),
    subscriptionFrames: (next) => (next.length === 0 ? [] : [JSON.stringify(next.map((s) => s.channel))]),
    decode: (text, receivedAt): PrivateWsMessage => {
      if (text === '{"status":"UP"}') return { kind: 'heartbeat' };
      if (text === AUTH_REFUSED) {
        return { kind: 'error', error: new AuthenticationError('Private socket refused: INVALID_AUTH', { exchange: 'fake', code: 'INVALID_AUTH', raw: text }) };
      }
      return { kind: 'events', events: [{ type: 'myAsset', exchange: 'fake', id: '1', assets: [], assetTime: 1, exchangeTime: 1, receivedAt }] };
    },
    keepalive: { intervalMs: 0, frame: '' },
    heartbeat: { frame: 'PING' },
    sendLimits: [],
    ...overrides,
  };
}

interface PrivateHarness {
  readonly server: FakeWebSocketServer;
  readonly headers: Readonly<Record<string, string>>[];
  readonly statuses: StatusEvent[];
  readonly errors: MarketDataError[];
  readonly events: PrivateStreamEvent[];
  readonly failures: unknown[];
  readonly streams: PrivateStreams;
  /** Runs `fn` at virtual time `ms`. */
  at(ms: number, fn: () => void): void;
  /** Advances virtual time to `ms` in 5 ms steps, draining microtasks (async signing) after each. */
  runTo(ms: number): Promise<void>;
}

/** What the fake server does with a new socket, `now` being the virtual time it was asked for. */
type OnConnect = (socket: FakeWebSocket, at: (ms: number, fn: () => void) => void, now: number) => void;

const openAfter10: OnConnect = (socket, at, now) => at(now + 10, () => socket.open());

function createPrivateHarness(ws: PrivateWsAdapter, onConnect: OnConnect = openAfter10): PrivateHarness {
  const scheduler = new VirtualTimeScheduler(VirtualAction, Infinity);
  const at = (ms: number, fn: () => void): void => void scheduler.schedule(fn, ms - scheduler.now());
  const server = new FakeWebSocketServer(() => scheduler.now());
  server.onConnect = (socket) => onConnect(socket, at, scheduler.now());
  const headers: Readonly<Record<string, string>>[] = [];
  const streams = new PrivateStreams({
    exchange: 'fake',
    ws,
    url: ws.url,
    credentials: new ApiCredentials('access', 'secret'),
    factory: (url, protocols, signed) => {
      headers.push(signed);
      return server.factory(url, protocols ?? []);
    },
    backoff: { initialDelayMs: 100, maxDelayMs: 400, jitter: 0.5, random: () => 0 },
    scheduler,
  });
  const statuses: StatusEvent[] = [];
  const errors: MarketDataError[] = [];
  const events: PrivateStreamEvent[] = [];
  const failures: unknown[] = [];
  streams.errors$.subscribe((error) => errors.push(error));
  streams.stream({ channel: 'myAssets' }).subscribe({
    next: (event) => (event.type === 'status' ? statuses.push(event) : events.push(event)),
    error: (error: unknown) => failures.push(error),
  });
  const runTo = async (ms: number): Promise<void> => {
    for (let t = scheduler.now(); t <= ms; t += 5) {
      scheduler.maxFrames = t;
      scheduler.flush();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { server, headers, statuses, errors, events, failures, streams, at, runTo };
}

const summary = (statuses: StatusEvent[]): unknown[] => statuses.map((s) => [s.status, s.attempt, s.retryInMs]);

describe('PrivateStreams on the shared socket lifecycle', () => {
  it('should sign every attempt afresh and find a silent private socket within 4.5 s with the heartbeat frame', async () => {
    const h = createPrivateHarness(fakePrivateWs());
    h.at(100, () => h.server.latest.receive(ASSET));
    await h.runTo(9_500);
    h.streams.close();
    // A private socket carries no data until the account changes: `reconnect` comes once it is subscribed.
    expect(summary(h.statuses)).toEqual([
      ['connecting', undefined, undefined],
      ['connected', undefined, undefined],
      ['disconnect', 1, 50],
      ['reconnect', 1, undefined],
      ['disconnect', 2, 100],
      ['reconnect', 2, undefined],
    ]);
    const first = h.server.sockets[0]!;
    expect(first.texts).toEqual(['["myAssets"]', 'PING']);
    // Probe 2 s after the last frame, dead 4.5 s after it (± the 5 ms steps of the test clock).
    expect(first.sent[1]!.at).toBeGreaterThanOrEqual(2_100);
    expect(first.closedAt).toBeGreaterThanOrEqual(4_600);
    expect(first.closedAt).toBeLessThanOrEqual(4_610);
    expect(h.headers.map((signed) => signed['authorization'])).toEqual(['Bearer token-1', 'Bearer token-2', 'Bearer token-3']);
    expect(h.events).toHaveLength(1);
    expect(h.failures).toEqual([]);
  });

  it('should keep backing off for a server that accepts, sends one frame and closes', async () => {
    const h = createPrivateHarness(fakePrivateWs(), (socket, at, now) => {
      at(now + 10, () => socket.open());
      at(now + 20, () => socket.receive(ASSET));
      at(now + 30, () => socket.drop(1006));
    });
    await h.runTo(2_000);
    h.streams.close();
    const waits = h.statuses.filter((s) => s.status === 'disconnect').map((s) => s.retryInMs);
    // A backoff reset on each socket's frame would wait 50 ms every time.
    expect(waits.slice(0, 5)).toEqual([50, 100, 200, 200, 200]);
  });

  it('should pace attempts to the adapter connect limit', async () => {
    const h = createPrivateHarness(fakePrivateWs({ connectLimits: [{ limit: 1, windowMs: 1_000 }] }), (socket, at, now) => {
      at(now + 10, () => socket.drop(1006)); // refused every time
    });
    await h.runTo(3_500);
    h.streams.close();
    // Backoff alone (50, 100, 200, 200 ms …) would make ~15 attempts in 3.5 s; one per second is allowed.
    expect(h.server.sockets.length).toBeGreaterThanOrEqual(3);
    expect(h.server.sockets.length).toBeLessThanOrEqual(4);
  });

  it('should stop at once on bad credentials: closed with the reason, streams errored, no reconnect', async () => {
    const h = createPrivateHarness(fakePrivateWs());
    h.at(50, () => h.server.latest.receive(AUTH_REFUSED));
    await h.runTo(5_000);
    expect(h.failures).toHaveLength(1);
    expect(h.failures[0]).toBeInstanceOf(AuthenticationError);
    expect(h.statuses.map((s) => s.status)).toEqual(['connecting', 'connected', 'closed']);
    expect(h.statuses.at(-1)?.reason).toMatch(/INVALID_AUTH/);
    expect(h.server.sockets).toHaveLength(1);
    expect(h.server.sockets[0]!.closedAt).toBe(50);
  });
});
