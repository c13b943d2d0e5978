/**
 * A plain `ws` test client for the Upbit WebSocket simulator tests.
 *
 * Ordering on one socket makes the tests deterministic without timing: the server answers a text
 * `PING` after everything it sent before, so {@link TestClient.barrier} returns exactly the frames sent
 * between two points (a request's replies, or one `tick()`'s pushes).
 */
import { WebSocket } from 'ws';
import { isWireNumber, toBig } from '../../src/model/decimal.js';
import type { Big } from '../../src/model/decimal.js';
import { parseJsonExact } from '../../src/transport/json/json.js';

/** One frame the client received. */
export interface Received {
  readonly binary: boolean;
  readonly text: string;
  /** Exactly parsed JSON, or `undefined` when not JSON. */
  readonly json: unknown;
}

/** How the server closed the connection. */
export interface Closed {
  readonly code: number;
  readonly reason: string;
}

/** Resolves once `predicate` holds, checking every few milliseconds (for server-side state). */
export async function eventually(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise<void>((resolve) => setTimeout(resolve, 5));
}

/** `true` for the `{"status":"UP"}` reply. */
export function isStatusUp(frame: Received): boolean {
  return frame.text === '{"status":"UP"}';
}

/** The frame as a record (throws when it is not a JSON object). */
export function rec(frame: Received | unknown): Record<string, unknown> {
  const value = frame !== null && typeof frame === 'object' && 'json' in frame && 'text' in frame ? (frame as Received).json : frame;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`not an object: ${JSON.stringify(value)}`);
  return value as Record<string, unknown>;
}

/** The decimal text of a parsed number field. */
export function dec(value: unknown): string {
  if (!isWireNumber(value)) throw new Error(`not a number: ${String(value)}`);
  return toBig(value).toFixed();
}

/** The decimal text of a model value. */
export function big(value: Big): string {
  return value.toFixed();
}

/**
 * A connected client that records every frame and pong.
 *
 * @example
 * ```ts
 * const client = await TestClient.open(sim.url);
 * const replies = await client.exchange([{ ticket: 't' }, { type: 'ticker', codes: ['KRW-BTC'] }]);
 * ```
 */
export class TestClient {
  readonly frames: Received[] = [];
  readonly pongs: string[] = [];
  readonly closed: Promise<Closed>;
  readonly #socket: WebSocket;
  #listeners: Array<() => void> = [];

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.on('message', (data: Buffer, binary: boolean) => {
      const text = data.toString('utf8');
      let json: unknown;
      try {
        json = parseJsonExact(text);
      } catch {
        json = undefined;
      }
      this.frames.push({ binary, text, json });
      this.#notify();
    });
    socket.on('pong', (data: Buffer) => {
      this.pongs.push(data.toString('utf8'));
      this.#notify();
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString('utf8') });
        this.#notify();
      }),
    );
  }

  /** Opens a connection; rejects with the HTTP status (`Unexpected server response: 503`) when refused. */
  static open(url: string): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      const client = new TestClient(socket);
      socket.once('open', () => resolve(client));
      socket.once('error', reject);
    });
  }

  /** Sends a string as a text frame, anything else as JSON text. */
  send(message: unknown): void {
    this.#socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Sends a WebSocket ping frame. */
  ping(data: string): void {
    this.#socket.ping(data);
  }

  /** Resolves once `predicate` holds (checked on every frame and pong). */
  async until(predicate: () => boolean): Promise<void> {
    while (!predicate()) {
      if (this.#socket.readyState === WebSocket.CLOSED) throw new Error('TestClient: closed while waiting');
      await new Promise<void>((resolve) => this.#listeners.push(resolve));
    }
  }

  /** Sends `PING` and returns the frames received before its `{"status":"UP"}` (from now on). */
  async barrier(): Promise<Received[]> {
    const mark = this.frames.length;
    this.send('PING');
    const up = (): number => this.frames.findIndex((frame, i) => i >= mark && isStatusUp(frame));
    await this.until(() => up() >= 0);
    return this.frames.slice(mark, up());
  }

  /** Sends `message` and returns what the server sent in reply (snapshots or an error). */
  async exchange(message: unknown): Promise<Received[]> {
    // Nothing can arrive between the two sends (same tick), so the barrier's frames are the replies.
    this.send(message);
    return this.barrier();
  }

  /** Closes from the client side. */
  close(): void {
    this.#socket.terminate();
  }

  #notify(): void {
    const listeners = this.#listeners;
    this.#listeners = [];
    for (const listener of listeners) listener();
  }
}
