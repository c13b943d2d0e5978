/**
 * One client connection of the Coinone WebSocket simulator: the CONNECTED greeting, SUBSCRIBE and
 * UNSUBSCRIBE (one topic per frame, acked in the long format even for SHORT subscriptions), the JSON
 * `PING` → `PONG` keepalive, error frames, and two idle timers. All frames are JSON text.
 *
 * An unknown pair, or a quote other than KRW, is acked with SUBSCRIBED and then gets a 160012 ERROR
 * (as the probe saw); the socket stays open after errors. A repeated SUBSCRIBE is acked again, takes
 * the new format and replays the snapshot once, without doubling the stream.
 */
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import { COINONE_QUOTE, type CoinoneMarket } from './coinone-market.js';
import { toDataFrame, type WireObject } from './coinone-wire.js';
import type { CoinoneWsData, CoinoneWsFeed, CoinoneWsStream } from './coinone-ws-feed.js';
import { coinoneWsError, parseCoinoneWsRequest } from './coinone-ws-request.js';
import { stringifyWire } from './wire-json.js';

/** One request frame a client sent. */
export interface CoinoneWsRequestLogEntry {
  /** Model-clock time of arrival (ms). */
  readonly at: number;
  /** Id of the connection (1, 2, … in order of connection). */
  readonly connection: number;
  readonly text: string;
  /** The ERROR frame sent back (a 160012 after an ack for unknown pairs), or `undefined`. */
  readonly error: WireObject | undefined;
}

/** What a connection needs from its simulator. */
export interface CoinoneWsHost {
  readonly market: CoinoneMarket;
  readonly feed: CoinoneWsFeed;
  /** Real time after the last PING (or the connection) before the server drops the socket. */
  readonly idleTimeoutMs: number;
  /** Real time a connection may stay without a successful SUBSCRIBE before it is dropped. */
  readonly unsubscribedTimeoutMs: number;
  record(entry: CoinoneWsRequestLogEntry): void;
  countPing(): void;
  /** Keeps an error the model threw (the connection then closes with 1011). */
  reportFailure(error: unknown): void;
}

const PONG = stringifyWire({ response_type: 'PONG' });

/**
 * A served connection.
 *
 * @example
 * ```ts
 * const client = new CoinoneWsClient(1, socket, host);
 * client.push(model.now());
 * ```
 */
export class CoinoneWsClient {
  readonly id: number;
  readonly sessionId = randomUUID();
  readonly #socket: WebSocket;
  readonly #host: CoinoneWsHost;
  readonly #streams = new Map<string, CoinoneWsStream>();
  readonly #timers: NodeJS.Timeout[] = [];
  #idle: NodeJS.Timeout | undefined;
  #unsubscribed: NodeJS.Timeout | undefined;

  constructor(id: number, socket: WebSocket, host: CoinoneWsHost) {
    this.id = id;
    this.#socket = socket;
    this.#host = host;
    socket.on('message', (data) => this.#guard(() => this.#onMessage(toText(data))));
    socket.on('error', () => undefined);
    socket.on('close', () => this.#stopTimers());
    this.#idle = this.#timer(host.idleTimeoutMs);
    this.#unsubscribed = this.#timer(host.unsubscribedTimeoutMs);
    this.#send({ response_type: 'CONNECTED', data: { session_id: this.sessionId } });
  }

  /** `true` until the socket closes. */
  get open(): boolean {
    return this.#socket.readyState === this.#socket.OPEN;
  }

  /** Sends the DATA frames due at `now` (the feed's push must have begun). */
  push(now: number): void {
    if (!this.open) return;
    this.#guard(() => {
      for (const stream of this.#streams.values()) this.#sendData(stream, this.#host.feed.push(stream, now));
    });
  }

  /** Closes with a close frame. */
  close(code: number, reason: string): void {
    this.#stopTimers();
    if (this.open) this.#socket.close(code, reason);
  }

  /** Drops the TCP connection without a close frame (the client sees 1006). */
  terminate(): void {
    this.#stopTimers();
    this.#socket.terminate();
  }

  #guard(work: () => void): void {
    try {
      work();
    } catch (error) {
      this.#host.reportFailure(error);
      this.close(1011, 'Simulator failure');
    }
  }

  #onMessage(text: string): void {
    const { market, feed } = this.#host;
    const at = market.model.now();
    const request = parseCoinoneWsRequest(text);
    if (request.kind === 'PING') {
      this.#host.countPing();
      this.#idle?.refresh();
      this.#send(PONG);
      return;
    }
    if (request.kind === 'ERROR') {
      this.#host.record({ at, connection: this.id, text, error: request.frame });
      this.#send(request.frame);
      return;
    }
    const { channel, topic, format } = request;
    const key = `${channel}|${topic.target}|${topic.interval ?? ''}`;
    this.#send({ response_type: `${request.kind}D`, channel, data: topic.echo });
    if (request.kind === 'UNSUBSCRIBE') {
      this.#host.record({ at, connection: this.id, text, error: undefined });
      this.#streams.delete(key);
      return;
    }
    if (topic.quote !== COINONE_QUOTE || !market.has(topic.target, at)) {
      const error = coinoneWsError(160012);
      this.#host.record({ at, connection: this.id, text, error });
      this.#send(error);
      return;
    }
    this.#host.record({ at, connection: this.id, text, error: undefined });
    this.#clear(this.#unsubscribed);
    this.#unsubscribed = undefined;
    const stream = this.#streams.get(key) ?? { channel, target: topic.target, interval: topic.interval, format, cursor: at + 1, sent: undefined };
    stream.format = format;
    this.#streams.set(key, stream);
    this.#sendData(stream, feed.snapshot(stream, at));
  }

  #sendData(stream: CoinoneWsStream, payloads: readonly CoinoneWsData[]): void {
    for (const payload of payloads) this.#send(toDataFrame(payload.channel, payload.data, stream.format));
  }

  #send(frame: WireObject | string): void {
    if (this.open) this.#socket.send(typeof frame === 'string' ? frame : stringifyWire(frame), { binary: false });
  }

  /** A timer that drops the connection after `ms` of real time (none for an infinite `ms`). */
  #timer(ms: number): NodeJS.Timeout | undefined {
    if (!Number.isFinite(ms)) return undefined;
    const timer = setTimeout(() => this.terminate(), ms);
    timer.unref();
    this.#timers.push(timer);
    return timer;
  }

  #clear(timer: NodeJS.Timeout | undefined): void {
    if (timer !== undefined) clearTimeout(timer);
  }

  #stopTimers(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.length = 0;
  }
}

/** A received `ws` payload as UTF-8 text. */
function toText(data: Buffer | ArrayBuffer | Buffer[]): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
