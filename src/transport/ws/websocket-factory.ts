/**
 * Where sockets come from: the browser's `WebSocket`, or the `ws` package in Node, loaded lazily so
 * the browser entry never pulls `ws` in. Also decodes frames (text, or UTF-8 in binary frames).
 */
import type { WebSocketFactory, WebSocketLike } from 'rxjs-websockets';

export type { WebSocketFactory, WebSocketLike } from 'rxjs-websockets';

/** Options of the Node socket factory (the `ws` package). */
export interface NodeWebSocketOptions {
  /**
   * Extra headers of the upgrade request, e.g. `Authorization` for a private endpoint. Browsers
   * cannot send them, so asking for headers always selects the `ws` package.
   * @default undefined (no extra headers)
   */
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/** Node's `Buffer`, when there is one (its UTF-8 decoding is the fastest for Node frames). */
const NodeBuffer = (globalThis as { Buffer?: { isBuffer(value: unknown): boolean } }).Buffer;

/** Binary frames should arrive as `ArrayBuffer` (not `Blob`, which cannot be read synchronously). */
function useArrayBuffers(socket: WebSocketLike): WebSocketLike {
  if ('binaryType' in socket) (socket as { binaryType: string }).binaryType = 'arraybuffer';
  return socket;
}

/**
 * A socket factory backed by the `ws` package, imported on first use (Node only).
 *
 * The import is dynamic so bundlers for the browser never include `ws`; a browser build that calls
 * this gets the `ws` package's "does not work in the browser" error.
 *
 * @example
 * ```ts
 * import { nodeWebSocketFactory } from 'market-data-backbone';
 * const makeWebSocket = await nodeWebSocketFactory({ headers: { Authorization: `Bearer ${jwt}` } });
 * ```
 *
 * @param options Upgrade request headers.
 * @returns A factory whose sockets deliver binary frames as Node `Buffer`s.
 */
export async function nodeWebSocketFactory(options: NodeWebSocketOptions = {}): Promise<WebSocketFactory> {
  const { WebSocket: NodeWebSocket } = await import('ws');
  const { headers } = options;
  return (url, protocols) => {
    const socket = new NodeWebSocket(url, protocols, headers === undefined ? undefined : { headers: { ...headers } });
    // Node Buffers decode straight to text; 'arraybuffer' would copy every frame first.
    socket.binaryType = 'nodebuffer';
    return socket;
  };
}

/**
 * The global `WebSocket` (browsers, Deno, Node ≥ 22) as a factory, or `undefined` when there is none.
 *
 * @example
 * ```ts
 * const makeWebSocket = globalWebSocketFactory() ?? (await nodeWebSocketFactory());
 * ```
 */
export function globalWebSocketFactory(): WebSocketFactory | undefined {
  const GlobalWebSocket = (globalThis as { WebSocket?: typeof WebSocket }).WebSocket;
  if (GlobalWebSocket === undefined) return undefined;
  return (url, protocols) => useArrayBuffers(new GlobalWebSocket(url, protocols));
}

/**
 * Picks the socket factory: `custom` when given, else the global `WebSocket` when there is one,
 * else the `ws` package (imported lazily). Headers force the `ws` package, since the global
 * `WebSocket` cannot send them.
 *
 * @example
 * ```ts
 * import { resolveWebSocketFactory } from 'market-data-backbone';
 * const makeWebSocket = await resolveWebSocketFactory();
 * const socket = makeWebSocket(adapter.ws.url, []);
 * ```
 *
 * @param custom A factory of the caller's own (tests, proxies); returned as it is.
 * @param options Upgrade request headers (Node only).
 * @returns The factory to open sockets with.
 */
export async function resolveWebSocketFactory(
  custom?: WebSocketFactory,
  options: NodeWebSocketOptions = {},
): Promise<WebSocketFactory> {
  if (custom !== undefined) return custom;
  if (options.headers === undefined) {
    const global = globalWebSocketFactory();
    if (global !== undefined) return global;
  }
  return nodeWebSocketFactory(options);
}

const utf8 = new TextDecoder('utf-8');

/**
 * The text of one frame: text frames as they are, binary frames (`ArrayBuffer`, any typed array or
 * Node `Buffer`, or `ws` fragments) decoded as UTF-8 (some exchanges send JSON in binary frames).
 *
 * @example
 * ```ts
 * frameText(new TextEncoder().encode('{"status":"UP"}').buffer); // '{"status":"UP"}'
 * frameText('PONG'); // 'PONG'
 * ```
 *
 * @param data A frame's `data` as a socket's `message` event carries it.
 * @returns The frame as a string.
 * @throws TypeError for payloads that cannot be read synchronously (`Blob`).
 */
export function frameText(data: unknown): string {
  if (typeof data === 'string') return data;
  if (NodeBuffer?.isBuffer(data) === true) return (data as { toString(encoding: 'utf8'): string }).toString('utf8');
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return utf8.decode(data);
  if (Array.isArray(data) && data.every((part): part is Uint8Array => part instanceof Uint8Array)) {
    let text = '';
    const streaming = new TextDecoder('utf-8');
    for (const part of data) text += streaming.decode(part, { stream: true });
    return text + streaming.decode();
  }
  throw new TypeError(`Unsupported WebSocket frame: ${Object.prototype.toString.call(data)}`);
}
