/**
 * One client connection of the Upbit WebSocket simulator: request handling (a new request replaces
 * the whole subscription set; a rejected one leaves it as it was), `PING` → `{"status":"UP"}`,
 * keepalive, the idle timeout and the per-connection message limits.
 *
 * Every server message, data, errors and `{"status":"UP"}` alike, goes out as a binary frame of UTF-8
 * JSON, as Upbit sends them. WebSocket ping frames are answered by hand (not by `ws`'s autoPong), so a
 * stalled simulator can leave them unanswered.
 */
import type { WebSocket } from 'ws';
import type { MarketModel } from './market-model.js';
import type { UpbitWsFeed, UpbitWsStreamState } from './upbit-ws-feed.js';
import { MessageLimits, UPBIT_WS_CLOSE_IDLE, UPBIT_WS_CLOSE_TOO_MANY_REQUESTS, type UpbitWsLimitOptions } from './upbit-ws-limits.js';
import { parseUpbitWsRequest, type UpbitWsError } from './upbit-ws-request.js';
import { encodeWsFrames, type UpbitWsFormat, type UpbitWsFrame } from './upbit-ws-wire.js';
import { stringifyWire } from './wire-json.js';

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
  record(entry: UpbitWsRequestLogEntry): void;
  countPing(): void;
  /** Keeps an error the model threw (the connection then closes with 1011). */
  reportFailure(error: unknown): void;
}

const STATUS_UP = stringifyWire({ status: 'UP' });

/**
 * A served connection.
 *
 * @example
 * ```ts
 * const client = new UpbitWsClient(1, socket, host);
 * client.push(model.now());
 * ```
 */
export class UpbitWsClient {
  readonly id: number;
  readonly #socket: WebSocket;
  readonly #host: UpbitWsHost;
  readonly #limits: MessageLimits;
  #idle: NodeJS.Timeout | undefined;
  #states: UpbitWsStreamState[] = [];
  #format: UpbitWsFormat = 'DEFAULT';

  constructor(id: number, socket: WebSocket, host: UpbitWsHost) {
    this.id = id;
    this.#socket = socket;
    this.#host = host;
    this.#limits = new MessageLimits(host.limits);
    socket.on('message', (data) => this.#guard(() => this.#onMessage(toText(data))));
    socket.on('ping', (data) => {
      this.#touch();
      if (!host.isStalled() && socket.readyState === socket.OPEN) socket.pong(data);
    });
    socket.on('pong', () => this.#touch());
    socket.on('error', () => undefined);
    socket.on('close', () => this.#stopIdle());
    this.#touch();
  }

  /** `true` until the socket closes. */
  get open(): boolean {
    return this.#socket.readyState === this.#socket.OPEN;
  }

  /** Sends the REALTIME frames due at `now` (the feed's push must have begun). */
  push(now: number): void {
    if (this.#states.length === 0 || !this.open) return;
    this.#guard(() => this.#sendFrames(this.#host.feed.push(this.#states, now)));
  }

  /** Sends `data` as is (even while stalled): binary by default. */
  sendRaw(data: string | Uint8Array, binary = true): void {
    if (this.open) this.#socket.send(typeof data === 'string' ? Buffer.from(data, 'utf8') : data, { binary });
  }

  /** Closes with a close frame. */
  close(code: number, reason: string): void {
    this.#stopIdle();
    if (this.open) this.#socket.close(code, reason);
  }

  /** Drops the TCP connection without a close frame (the client sees 1006). */
  terminate(): void {
    this.#stopIdle();
    this.#socket.terminate();
  }

  /** Runs `work`; a model failure ends this connection (1011: internal error), never the process. */
  #guard(work: () => void): void {
    try {
      work();
    } catch (error) {
      this.#host.reportFailure(error);
      this.close(1011, 'Simulator failure');
    }
  }

  #onMessage(text: string): void {
    this.#touch();
    const at = this.#host.model.now();
    if (text === 'PING') {
      this.#host.countPing();
      this.#send(STATUS_UP);
      return;
    }
    if (!this.#limits.tryAdd(this.#host.limitNow())) {
      this.close(UPBIT_WS_CLOSE_TOO_MANY_REQUESTS, 'Too many requests');
      return;
    }
    const result = parseUpbitWsRequest(this.#host.model, text, at);
    this.#host.record({ at, connection: this.id, text, parsed: result.parsed, error: result.ok ? undefined : result.error });
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
    if (this.#host.isStalled() || !this.open) return;
    this.#socket.send(Buffer.from(text, 'utf8'), { binary: true });
  }

  /** Restarts the idle timer: every client message or control frame counts as traffic. */
  #touch(): void {
    if (!this.open) return;
    if (this.#idle !== undefined) {
      this.#idle.refresh();
      return;
    }
    if (!Number.isFinite(this.#host.idleTimeoutMs)) return;
    this.#idle = setTimeout(() => this.close(UPBIT_WS_CLOSE_IDLE, 'Idle timeout'), this.#host.idleTimeoutMs);
    this.#idle.unref();
  }

  #stopIdle(): void {
    if (this.#idle !== undefined) clearTimeout(this.#idle);
    this.#idle = undefined;
  }
}

/** A received `ws` payload as UTF-8 text. */
function toText(data: Buffer | ArrayBuffer | Buffer[]): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
