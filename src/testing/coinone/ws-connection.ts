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
import { COINONE_QUOTE, type CoinoneMarket } from './market.js';
import { toDataFrame, type WireObject } from './wire.js';
import type { CoinoneWsData, CoinoneWsFeed, CoinoneWsStream } from './ws-feed.js';
import { coinoneWsError, parseCoinoneWsRequest } from './ws-request.js';
import { SimWsPeer, wsText, type SimWsLog } from '../server/sim-ws.js';
import { stringifyWire } from '../server/wire-json.js';

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
  /** Request log, ping count and the errors the model threw (each closes its connection with 1011). */
  readonly log: SimWsLog<CoinoneWsRequestLogEntry>;
  /** `true` while the simulator sends nothing. */
  isStalled(): boolean;
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
  readonly sessionId = randomUUID();
  readonly #peer: SimWsPeer;
  readonly #host: CoinoneWsHost;
  readonly #streams = new Map<string, CoinoneWsStream>();
  readonly #idle: NodeJS.Timeout | undefined;
  #unsubscribed: NodeJS.Timeout | undefined;

  constructor(id: number, socket: WebSocket, host: CoinoneWsHost) {
    this.#peer = new SimWsPeer(id, socket, (error) => host.log.reportFailure(error));
    this.#host = host;
    socket.on('message', (data) => this.#peer.guard(() => this.#onMessage(wsText(data))));
    // Ping frames are answered by hand (not by `ws`'s autoPong), so a stalled simulator can leave them unanswered.
    socket.on('ping', (data) => {
      if (!host.isStalled() && this.open) socket.pong(data);
    });
    this.#idle = this.#peer.after(host.idleTimeoutMs, () => this.terminate());
    this.#unsubscribed = this.#peer.after(host.unsubscribedTimeoutMs, () => this.terminate());
    this.#send({ response_type: 'CONNECTED', data: { session_id: this.sessionId } });
  }

  /** Id of the connection (1, 2, … in order of connection). */
  get id(): number {
    return this.#peer.id;
  }

  /** `true` until the socket closes. */
  get open(): boolean {
    return this.#peer.open;
  }

  /** Sends the DATA frames due at `now` (the feed's push must have begun). */
  push(now: number): void {
    if (!this.open) return;
    this.#peer.guard(() => {
      for (const stream of this.#streams.values()) this.#sendData(stream, this.#host.feed.push(stream, now));
    });
  }

  /** Closes with a close frame. */
  close(code: number, reason: string): void {
    this.#peer.close(code, reason);
  }

  /** Drops the TCP connection without a close frame (the client sees 1006). */
  terminate(): void {
    this.#peer.terminate();
  }

  #onMessage(text: string): void {
    const { market, feed } = this.#host;
    const at = market.model.now();
    const request = parseCoinoneWsRequest(text);
    if (request.kind === 'PING') {
      this.#host.log.countPing();
      this.#idle?.refresh();
      this.#send(PONG);
      return;
    }
    if (request.kind === 'ERROR') {
      this.#host.log.record({ at, connection: this.id, text, error: request.frame });
      this.#send(request.frame);
      return;
    }
    const { channel, topic, format } = request;
    const key = `${channel}|${topic.target}|${topic.interval ?? ''}`;
    this.#send({ response_type: `${request.kind}D`, channel, data: topic.echo });
    if (request.kind === 'UNSUBSCRIBE') {
      this.#host.log.record({ at, connection: this.id, text, error: undefined });
      this.#streams.delete(key);
      return;
    }
    if (topic.quote !== COINONE_QUOTE || !market.has(topic.target, at)) {
      const error = coinoneWsError(160012);
      this.#host.log.record({ at, connection: this.id, text, error });
      this.#send(error);
      return;
    }
    this.#host.log.record({ at, connection: this.id, text, error: undefined });
    if (this.#unsubscribed !== undefined) clearTimeout(this.#unsubscribed);
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
    if (this.#host.isStalled()) return;
    this.#peer.send(typeof frame === 'string' ? frame : stringifyWire(frame), false);
  }
}
