/**
 * One WebSocket as an Observable, built on `rxjs-websockets`: the only place a socket is opened.
 *
 * `rxjs-websockets` ships CommonJS only, so under plain Node ESM its default import is the module
 * object rather than the function; {@link makeWebSocketObservable} below picks the function either way.
 */
import * as rxjsWebsockets from 'rxjs-websockets';
import { Observable, Subject } from 'rxjs';
import { ConnectionError, MarketDataError, RateLimitError } from '../../errors/index.js';
import type { ExchangeWsAdapter } from '../../core/exchange-adapter.js';
import type { WebSocketFactory, WebSocketLike } from './websocket-factory.js';

type MakeWebSocketObservable = typeof rxjsWebsockets.default;

/** The package's default export, whether this module system hands over the function or its module. */
const makeWebSocketObservable: MakeWebSocketObservable = ((): MakeWebSocketObservable => {
  const imported: unknown = rxjsWebsockets.default;
  if (typeof imported === 'function') return imported as MakeWebSocketObservable;
  return (imported as { readonly default: MakeWebSocketObservable }).default;
})();

/** Sends one frame on an open socket. */
export type SendFrame = (frame: string) => void;

/** An open socket, as {@link connectSocket} hands it over. */
export interface SocketLink {
  /** Sends one text frame. */
  readonly send: SendFrame;
  /**
   * Sends a WebSocket ping frame, whose pong reaches `onPong`; `undefined` where the runtime cannot
   * (browsers: only the `ws` package exposes ping frames).
   */
  readonly ping: (() => void) | undefined;
}

/** The `ws` package's socket, as far as pings go. */
export interface PingingSocket {
  readonly readyState: number;
  ping(): void;
  on(event: 'pong', listener: () => void): unknown;
  off(event: 'pong', listener: () => void): unknown;
}

/** Whether a socket can send ping frames and hear pongs (the `ws` package's can; browsers' cannot). */
export const canPing = (socket: unknown): socket is PingingSocket =>
  typeof (socket as Partial<PingingSocket>).ping === 'function' &&
  typeof (socket as Partial<PingingSocket>).on === 'function' &&
  typeof (socket as Partial<PingingSocket>).off === 'function';

/** What {@link connectSocket} needs. */
export interface SocketConfig {
  readonly url: string;
  readonly protocols: string | string[];
  readonly makeWebSocket: WebSocketFactory;
  /** Exchange id, for error messages. */
  readonly exchange: string;
  /** Called with every frame's `data`, as the socket delivers it. */
  readonly onFrame: (data: unknown) => void;
  /** Called on every pong frame (only sockets that can ping get them). @default undefined */
  readonly onPong?: (() => void) | undefined;
  /** Close codes that ask for a longer wait before the next attempt. @default undefined */
  readonly closeCodes?: ExchangeWsAdapter['closeCodes'];
}

/** Marks an error thrown by the factory itself (bad URL, missing `ws`): retrying cannot help. */
class FactoryFailure extends Error {}

type CloseEvent = { readonly code?: unknown; readonly reason?: unknown };
type CloseHandler = (event: CloseEvent) => unknown;

function describeClose(event: { readonly code?: unknown; readonly reason?: unknown }): string {
  const code = typeof event.code === 'number' ? `code ${event.code}` : 'no code';
  return typeof event.reason === 'string' && event.reason !== '' ? `${code}, ${event.reason}` : code;
}

/**
 * Passes a socket through unchanged except for its close event, whose reason gains the close code:
 * `rxjs-websockets` reports only the reason text, and "code 1006" is what tells an abnormal drop.
 * `onClose` hears the real code and reason first, before `rxjs-websockets` turns the close into an error.
 */
function withCloseCode(socket: WebSocketLike, onClose: (event: CloseEvent) => void): WebSocketLike {
  return {
    send: (data) => socket.send(data),
    close: () => socket.close(),
    get onopen() { return socket.onopen; },
    set onopen(handler) { socket.onopen = handler; },
    get onmessage() { return socket.onmessage; },
    set onmessage(handler) { socket.onmessage = handler; },
    get onerror() { return socket.onerror; },
    set onerror(handler) { socket.onerror = handler; },
    get onclose() { return socket.onclose; },
    set onclose(handler: CloseHandler | null) {
      // rxjs-websockets turns code 1000 into a bare "Normal closure"; an unasked-for close is still a drop
      // to us, so hand it a non-1000 code and keep the real one in the reason.
      socket.onclose = handler === null ? null : (event: { readonly code?: unknown; readonly reason?: unknown }) => {
        onClose(event);
        return handler({ code: event.code === 1000 ? 1001 : event.code, reason: describeClose(event) });
      };
    },
  };
}

/**
 * The error of a close whose code is in `closeCodes` (and whose reason matches the rule's `match`, if
 * any): a retryable `RateLimitError` (status 429) whose `retryAfterMs` makes the reconnect loop wait at
 * least that long; `undefined` for any other close.
 *
 * @example
 * ```ts
 * toCloseCodeError({ code: 4290 }, { 4290: { retryAfterMs: 60_000, reason: 'too many connections' } }, 'coinone')?.retryAfterMs; // 60000
 * ```
 */
export function toCloseCodeError(
  close: CloseEvent | undefined,
  closeCodes: ExchangeWsAdapter['closeCodes'],
  exchange: string,
  cause?: unknown,
): RateLimitError | undefined {
  const code = close?.code;
  if (typeof code !== 'number' || closeCodes === undefined || !Object.hasOwn(closeCodes, code)) return undefined;
  const rule = closeCodes[code];
  if (rule === undefined) return undefined;
  if (rule.match !== undefined && !rule.match.test(typeof close?.reason === 'string' ? close.reason : '')) return undefined;
  const message = `WebSocket closed by a limit: ${exchange} (code ${code}, ${rule.reason}); next attempt in ${rule.retryAfterMs} ms at the earliest`;
  return new RateLimitError(message, { exchange, status: 429, retryAfterMs: rule.retryAfterMs, group: 'websocket', cause });
}

/**
 * Opens a socket on subscribe and emits its {@link SocketLink} once it is open. Any close or error not
 * asked for errors the Observable with a retryable `ConnectionError` (a `RateLimitError` for a code in
 * `closeCodes`); a factory that throws errors it with a plain (fatal) `MarketDataError`. Unsubscribing
 * closes the socket. It never completes.
 *
 * @example
 * ```ts
 * connectSocket({ url, protocols: [], makeWebSocket, exchange: adapter.id, onFrame: console.log })
 *   .subscribe(({ send }) => send('PING'));
 * ```
 */
export function connectSocket(config: SocketConfig): Observable<SocketLink> {
  const { url, protocols, makeWebSocket, exchange, onFrame, closeCodes, onPong } = config;
  return new Observable<SocketLink>((subscriber) => {
    let close: CloseEvent | undefined;
    let raw: unknown;
    const guardedFactory: WebSocketFactory = (socketUrl, socketProtocols) => {
      try {
        raw = makeWebSocket(socketUrl, socketProtocols);
        return withCloseCode(raw as WebSocketLike, (event) => (close = event));
      } catch (cause) {
        throw new FactoryFailure(cause instanceof Error ? cause.message : String(cause), { cause });
      }
    };
    const outgoing$ = new Subject<string>();
    const send: SendFrame = (frame) => outgoing$.next(frame);
    const fail = (error: unknown): void => {
      if (error instanceof FactoryFailure) {
        subscriber.error(new MarketDataError(`WebSocket could not be created: ${exchange}`, { exchange, cause: error.cause }));
        return;
      }
      const limited = toCloseCodeError(close, closeCodes, exchange, error);
      if (limited !== undefined) {
        subscriber.error(limited);
        return;
      }
      const detail = error instanceof Error && error.message !== '' ? ` (${error.message})` : '';
      subscriber.error(new ConnectionError(`WebSocket closed: ${exchange}${detail}`, { exchange, reason: 'closed', cause: error }));
    };
    const pongs = new PongListener(onPong);
    const socket = makeWebSocketObservable(url, { protocols, makeWebSocket: guardedFactory }).subscribe({
      next: (getResponses) => {
        // A closed socket may still hand over frames it had buffered: they belong to no session now.
        getResponses(outgoing$).subscribe({ next: (data) => subscriber.closed || onFrame(data), error: fail });
        subscriber.next({ send, ping: pongs.attach(raw) });
      },
      error: fail,
      complete: () => fail(new Error('closed by the server')),
    });
    return () => {
      pongs.detach();
      socket.unsubscribe();
      outgoing$.complete();
    };
  });
}

/** Listens to the pongs of a socket that can ping, for as long as the connection lasts. */
class PongListener {
  readonly #onPong: (() => void) | undefined;
  #socket: PingingSocket | undefined;

  constructor(onPong: (() => void) | undefined) {
    this.#onPong = onPong;
  }

  /** The socket's ping function, listening to its pongs; `undefined` when it cannot ping. */
  attach(socket: unknown): (() => void) | undefined {
    if (!canPing(socket)) return undefined;
    this.#socket = socket;
    socket.on('pong', this.#handle);
    return () => {
      // `ws` throws when pinging a socket that is no longer open; the close event reports that.
      if (socket.readyState === 1) socket.ping();
    };
  }

  detach(): void {
    this.#socket?.off('pong', this.#handle);
    this.#socket = undefined;
  }

  readonly #handle = (): void => this.#onPong?.();
}
