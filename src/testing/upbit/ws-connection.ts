/**
 * One client connection of the Upbit WebSocket simulator: request handling (a new request replaces
 * the whole subscription set; a rejected one leaves it as it was), `PING` → `{"status":"UP"}`,
 * keepalive, the idle timeout and the per-connection message limits (stricter on a connection opened
 * with an `Origin` header; `PING`s and control frames never count).
 *
 * Every server message, data, errors and `{"status":"UP"}` alike, goes out as a binary frame of UTF-8
 * JSON, as Upbit sends them. WebSocket ping frames are answered by hand (not by `ws`'s autoPong), so a
 * stalled simulator can leave them unanswered.
 */
import type { WebSocket } from 'ws';
import type { MarketModel } from '../market/market-model.js';
import { SimWsPeer, wsText, type SimWsLog } from '../server/sim-ws.js';
import type { UpbitWsFeed, UpbitWsStreamState } from './ws-feed.js';
import { MessageLimits, UPBIT_WS_CLOSE_IDLE, UPBIT_WS_CLOSE_TOO_MANY_REQUESTS, type UpbitWsLimitOptions } from './ws-limits.js';
import { parseUpbitWsRequest, type UpbitWsError, type UpbitWsSubscription } from './ws-request.js';
import { encodeWsFrames, type UpbitWsFormat, type UpbitWsFrame } from './ws-wire.js';
import { stringifyWire } from '../server/wire-json.js';

/** One request frame a client sent (keepalive `PING`s are counted, not logged). */
export interface UpbitWsRequestLogEntry {
  /** Simulator clock time of arrival (ms). */
  readonly at: number;
  /** Id of the connection (1, 2, … in order of connection). */
  readonly connection: number;
  /** The frame's text (binary frames decoded as UTF-8). */
  readonly text: string;
  /** The JSON value (numbers parsed exactly), or `undefined` when the text is not JSON. */
  readonly parsed: unknown;
  /** The error frame sent back, or `undefined` when the request was accepted. */
  readonly error: UpbitWsError | undefined;
}

/** What a connection needs from its simulator. */
export interface UpbitWsHost {
  readonly model: MarketModel;
  readonly feed: UpbitWsFeed;
  readonly idleTimeoutMs: number;
  readonly limits: UpbitWsLimitOptions;
  /** Time on the clock of the limits (the model's, unless the simulator was given a `limitClock`). */
  limitNow(): number;
  /** `true` while the simulator sends nothing. */
  isStalled(): boolean;
  /** Request log, ping count and the errors the model threw (each closes its connection with 1011). */
  readonly log: SimWsLog<UpbitWsRequestLogEntry>;
}

const STATUS_UP = stringifyWire({ status: 'UP' });

/**
 * A served connection.
 *
 * @example
 * ```ts
 * const client = new UpbitWsClient(1, socket, host, request.headers.origin !== undefined);
 * client.push(model.now());
 * ```
 */
export class UpbitWsClient {
  readonly #peer: SimWsPeer;
  readonly #host: UpbitWsHost;
  readonly #limits: MessageLimits;
  #idle: NodeJS.Timeout | undefined;
  #states: UpbitWsStreamState[] = [];
  #format: UpbitWsFormat = 'DEFAULT';

  /**
   * @param id Connection id.
   * @param socket The accepted socket.
   * @param host The simulator.
   * @param hasOrigin The upgrade request carried an `Origin` header (Upbit's browser limit applies).
   */
  constructor(id: number, socket: WebSocket, host: UpbitWsHost, hasOrigin = false) {
    this.#peer = new SimWsPeer(id, socket, (error) => host.log.reportFailure(error));
    this.#host = host;
    this.#limits = new MessageLimits(host.limits, hasOrigin);
    socket.on('message', (data) => this.#peer.guard(() => this.#onMessage(wsText(data))));
    socket.on('ping', (data) => {
      this.#touch();
      if (!host.isStalled() && socket.readyState === socket.OPEN) socket.pong(data);
    });
    socket.on('pong', () => this.#touch());
    socket.on('close', () => {
      this.#idle = undefined;
    });
    this.#touch();
  }

  /** Id of the connection (1, 2, … in order of connection). */
  get id(): number {
    return this.#peer.id;
  }

  /** `true` until the socket closes. */
  get open(): boolean {
    return this.#peer.open;
  }

  /** The streams this connection holds: those of its last accepted request (none before one). */
  get subscriptions(): readonly UpbitWsSubscription[] {
    return this.#states.map((state) => state.sub);
  }

  /** Sends the REALTIME frames due at `now` (the feed's push must have begun). */
  push(now: number): void {
    if (this.#states.length === 0 || !this.open) return;
    this.#peer.guard(() => this.#sendFrames(this.#host.feed.push(this.#states, now)));
  }

  /** Sends `data` as is (even while stalled): binary by default. */
  sendRaw(data: string | Uint8Array, binary = true): void {
    this.#peer.send(typeof data === 'string' ? Buffer.from(data, 'utf8') : data, binary);
  }

  /** Closes with a close frame. */
  close(code: number, reason: string): void {
    this.#idle = undefined;
    this.#peer.close(code, reason);
  }

  /** Drops the TCP connection without a close frame (the client sees 1006). */
  terminate(): void {
    this.#idle = undefined;
    this.#peer.terminate();
  }

  #onMessage(text: string): void {
    this.#touch();
    const at = this.#host.model.now();
    if (text === 'PING') {
      this.#host.log.countPing();
      this.#send(STATUS_UP);
      return;
    }
    if (!this.#limits.tryAdd(this.#host.limitNow())) {
      this.close(UPBIT_WS_CLOSE_TOO_MANY_REQUESTS, 'Too many requests');
      return;
    }
    const result = parseUpbitWsRequest(this.#host.model, text, at);
    this.#host.log.record({ at, connection: this.id, text, parsed: result.parsed, error: result.ok ? undefined : result.error });
    if (!result.ok) {
      this.#send(stringifyWire({ error: { name: result.error.name, message: result.error.message } }));
      return;
    }
    const { feed } = this.#host;
    const snapshots: UpbitWsFrame[] = [];
    this.#format = result.request.format;
    this.#states = result.request.subscriptions.map((sub) => {
      const { frames, state } = feed.subscribe(sub, at);
      snapshots.push(...frames);
      return state;
    });
    this.#sendFrames(snapshots);
  }

  #sendFrames(frames: readonly UpbitWsFrame[]): void {
    for (const text of encodeWsFrames(frames, this.#format)) this.#send(text);
  }

  #send(text: string): void {
    if (!this.#host.isStalled()) this.#peer.send(Buffer.from(text, 'utf8'), true);
  }

  /** Restarts the idle timer: every client message or control frame counts as traffic. */
  #touch(): void {
    if (!this.open) return;
    if (this.#idle !== undefined) {
      this.#idle.refresh();
      return;
    }
    this.#idle = this.#peer.after(this.#host.idleTimeoutMs, () => this.close(UPBIT_WS_CLOSE_IDLE, 'Idle timeout'));
  }
}
