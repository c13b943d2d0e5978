/**
 * The sockets and the fetch a replay hands to the library: a {@link ReplaySocket} behaves like Node's
 * `ws` socket (open, frames, pongs, errors, closes), driven by the recording instead of a server; a
 * {@link ReplayFetch} keeps the library's REST calls until the recording's replies answer them.
 */
import type { WebSocketLike } from '../transport/ws/websocket-factory.js';
import type { FetchLike } from '../transport/http/rest-client.js';
import type { ReplyRecord } from './record-format.js';

/** A socket the recording drives; what the library sends is dropped (the recording has the answers). */
export class ReplaySocket implements WebSocketLike {
  readyState: 0 | 1 | 2 | 3 = 0;
  /** Set when the library closed it: the rest of its connection's records are dropped. */
  closedByClient = false;
  onopen: WebSocketLike['onopen'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onerror: WebSocketLike['onerror'] = null;
  readonly exchange: string;
  readonly #pongs = new Set<() => void>();

  constructor(exchange: string) {
    this.exchange = exchange;
  }

  send(): void {
    // The recorded server already answered what the library sends.
  }

  close(): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.closedByClient = true;
  }

  ping(): void {
    // Pongs come from the recording.
  }

  on(_event: 'pong', listener: () => void): this {
    this.#pongs.add(listener);
    return this;
  }

  off(_event: 'pong', listener: () => void): this {
    this.#pongs.delete(listener);
    return this;
  }

  /** Recorded: the handshake finished. */
  open(): void {
    if (this.readyState !== 0) return;
    this.readyState = 1;
    this.onopen?.({ type: 'open' });
  }

  /** Recorded: a frame arrived. */
  receive(data: unknown): void {
    if (this.readyState === 1) this.onmessage?.({ data });
  }

  /** Recorded: a pong arrived. */
  pong(): void {
    if (this.readyState === 1) for (const listener of this.#pongs) listener();
  }

  /** Recorded: the socket failed (`ws` reports an error before its close). */
  fail(message: string): void {
    if (this.readyState !== 3) this.onerror?.({ message });
  }

  /** Recorded: the server closed or the connection dropped. */
  drop(code: number, reason: string): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.({ code, reason, wasClean: code === 1000 });
  }
}

/** One REST call of the library waiting for its recorded reply. */
interface PendingCall {
  readonly key: string;
  resolve(reply: ReplyRecord): void;
  reject(error: Error): void;
}

/** Calls by `exchange path?query`, oldest first. */
export class ReplayFetch {
  readonly #pending = new Map<string, PendingCall[]>();
  /** Called when a call arrives (the player may be waiting for one). */
  onCall: (() => void) | undefined;
  #ended = false;

  /** The fetch of one exchange's client. */
  fetchFor(exchange: string): FetchLike {
    return (url, init) =>
      new Promise((resolve, reject) => {
        if (this.#ended) {
          reject(new Error('the recording has ended'));
          return;
        }
        const parsed = new URL(url);
        const key = `${exchange} ${parsed.pathname}${parsed.search}`;
        const call: PendingCall = {
          key,
          resolve: (reply) => resolve({ status: reply.status, headers: toHeaders(reply.headers), text: () => Promise.resolve(reply.body) }),
          reject,
        };
        const queue = this.#pending.get(key) ?? [];
        queue.push(call);
        this.#pending.set(key, queue);
        init.signal.addEventListener('abort', () => {
          if (this.#take(key, call)) reject(new Error('aborted'));
        });
        this.onCall?.();
      });
  }

  /** Whether a call for `exchange path?query` is waiting. */
  has(exchange: string, url: string): boolean {
    return (this.#pending.get(`${exchange} ${url}`)?.length ?? 0) > 0;
  }

  /** Answers the oldest call for `reply.exchange reply.url`; `false` when none waits. */
  answer(reply: ReplyRecord): boolean {
    const call = this.#pending.get(`${reply.exchange} ${reply.url}`)?.[0];
    if (call === undefined) return false;
    this.#take(call.key, call);
    call.resolve(reply);
    return true;
  }

  /** Fails the oldest call for `exchange url` as the recorded request failed; `false` when none waits. */
  fail(exchange: string, url: string, message: string): boolean {
    const call = this.#pending.get(`${exchange} ${url}`)?.[0];
    if (call === undefined) return false;
    this.#take(call.key, call);
    call.reject(new Error(message));
    return true;
  }

  /** Fails every waiting call and every later one: the recording has no more replies. */
  end(): number {
    this.#ended = true;
    let count = 0;
    for (const queue of this.#pending.values()) {
      for (const call of queue) {
        count++;
        call.reject(new Error('the recording has ended'));
      }
    }
    this.#pending.clear();
    return count;
  }

  #take(key: string, call: PendingCall): boolean {
    const queue = this.#pending.get(key);
    const index = queue?.indexOf(call) ?? -1;
    if (queue === undefined || index < 0) return false;
    queue.splice(index, 1);
    if (queue.length === 0) this.#pending.delete(key);
    return true;
  }
}

/** Recorded headers, read case-insensitively as `Headers` does. */
function toHeaders(headers: Readonly<Record<string, string>>): { get(name: string): string | null } {
  const lower = new Map(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  return { get: (name) => lower.get(name.toLowerCase()) ?? null };
}
