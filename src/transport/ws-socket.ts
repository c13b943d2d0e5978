/**
 * One WebSocket as an Observable, built on `rxjs-websockets`: the only place a socket is opened.
 *
 * `rxjs-websockets` ships CommonJS only, so under plain Node ESM its default import is the module
 * object rather than the function; {@link makeWebSocketObservable} below picks the function either way.
 */
import * as rxjsWebsockets from 'rxjs-websockets';
import { Observable, Subject } from 'rxjs';
import { ConnectionError, MarketDataError } from '../errors.js';
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

/** What {@link connectSocket} needs. */
export interface SocketConfig {
  readonly url: string;
  readonly protocols: string | string[];
  readonly makeWebSocket: WebSocketFactory;
  /** Exchange id, for error messages. */
  readonly exchange: string;
  /** Called with every frame's `data`, as the socket delivers it. */
  readonly onFrame: (data: unknown) => void;
}

/** Marks an error thrown by the factory itself (bad URL, missing `ws`): retrying cannot help. */
class FactoryFailure extends Error {}

type CloseHandler = (event: { readonly code?: unknown; readonly reason?: unknown }) => unknown;

function describeClose(event: { readonly code?: unknown; readonly reason?: unknown }): string {
  const code = typeof event.code === 'number' ? `code ${event.code}` : 'no code';
  return typeof event.reason === 'string' && event.reason !== '' ? `${code}, ${event.reason}` : code;
}

/**
 * Passes a socket through unchanged except for its close event, whose reason gains the close code:
 * `rxjs-websockets` reports only the reason text, and "code 1006" is what tells an abnormal drop.
 */
function withCloseCode(socket: WebSocketLike): WebSocketLike {
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
      socket.onclose = handler === null ? null : (event: { readonly code?: unknown; readonly reason?: unknown }) =>
        handler({ code: event.code === 1000 ? 1001 : event.code, reason: describeClose(event) });
    },
  };
}

/**
 * Opens a socket on subscribe and emits a {@link SendFrame} once it is open. Any close or error not
 * asked for errors the Observable with a retryable `ConnectionError`; a factory that throws errors it
 * with a plain (fatal) `MarketDataError`. Unsubscribing closes the socket. It never completes.
 *
 * @example
 * ```ts
 * connectSocket({ url, protocols: [], makeWebSocket, exchange: adapter.id, onFrame: console.log })
 *   .subscribe((send) => send('PING'));
 * ```
 */
export function connectSocket(config: SocketConfig): Observable<SendFrame> {
  const { url, protocols, makeWebSocket, exchange, onFrame } = config;
  const guardedFactory: WebSocketFactory = (socketUrl, socketProtocols) => {
    try {
      return withCloseCode(makeWebSocket(socketUrl, socketProtocols));
    } catch (cause) {
      throw new FactoryFailure(cause instanceof Error ? cause.message : String(cause), { cause });
    }
  };
  return new Observable<SendFrame>((subscriber) => {
    const outgoing$ = new Subject<string>();
    const send: SendFrame = (frame) => outgoing$.next(frame);
    const fail = (error: unknown): void => {
      if (error instanceof FactoryFailure) {
        subscriber.error(new MarketDataError(`WebSocket could not be created: ${exchange}`, { exchange, cause: error.cause }));
        return;
      }
      const detail = error instanceof Error && error.message !== '' ? ` (${error.message})` : '';
      subscriber.error(new ConnectionError(`WebSocket closed: ${exchange}${detail}`, { exchange, reason: 'closed', cause: error }));
    };
    const socket = makeWebSocketObservable(url, { protocols, makeWebSocket: guardedFactory }).subscribe({
      next: (getResponses) => {
        getResponses(outgoing$).subscribe({ next: onFrame, error: fail });
        subscriber.next(send);
      },
      error: fail,
      complete: () => fail(new Error('closed by the server')),
    });
    return () => {
      socket.unsubscribe();
      outgoing$.complete();
    };
  });
}
