/**
 * The HTTP plumbing every exchange simulator shares: a `node:http` server bound to 127.0.0.1 that
 * tracks its sockets, so `close()` also ends keep-alive and upgraded connections, plus the small
 * request/reply helpers of a REST handler. Names no exchange: routes, headers and bodies stay with
 * each simulator.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Host every simulator binds to. */
export const SIM_HOST = '127.0.0.1';

/**
 * Starts `server` listening on 127.0.0.1 and resolves with the bound port (rejects on a listen error).
 *
 * @example
 * ```ts
 * const port = await listenLocal(createServer(handler), 0);
 * ```
 */
export function listenLocal(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, SIM_HOST, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * `ws://127.0.0.1:<port><path>` of a listening server, or `''` while it is not listening.
 *
 * @example
 * ```ts
 * localWsUrl(server, '/stream'); // 'ws://127.0.0.1:54321/stream'
 * ```
 */
export function localWsUrl(server: Server, path: string): string {
  const address = server.address();
  if (address === null || typeof address === 'string') return '';
  return `ws://${SIM_HOST}:${address.port}${path}`;
}

/** Method and parsed URL of a request (`GET` and `/` when missing). */
export interface SimRequestTarget {
  readonly method: string;
  readonly url: URL;
}

/**
 * The method and URL of `request`, resolved against the simulator's host.
 *
 * @example
 * ```ts
 * const { method, url } = requestTarget(request);
 * url.searchParams.get('symbol');
 * ```
 */
export function requestTarget(request: IncomingMessage): SimRequestTarget {
  return { method: request.method ?? 'GET', url: new URL(request.url ?? '/', `http://${SIM_HOST}`) };
}

/**
 * Writes a complete reply with its `content-length` (after the given headers), unless the client is gone.
 *
 * @example
 * ```ts
 * writeReply(response, 200, { 'content-type': 'application/json' }, '{"ok":true}');
 * ```
 */
export function writeReply(response: ServerResponse, status: number, headers: Readonly<Record<string, string>>, body: string): void {
  if (response.destroyed) return;
  response.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
  response.end(body);
}

/**
 * An http server on 127.0.0.1 that remembers its sockets: `close()` stops listening and destroys every
 * open socket, keep-alive and upgraded ones included, so it never waits for clients.
 *
 * @example
 * ```ts
 * const http = new SimHttpServer((request, response) => writeReply(response, 404, {}, ''));
 * await http.listen(0);
 * http.url; // 'http://127.0.0.1:54321'
 * await http.close();
 * ```
 */
export class SimHttpServer {
  readonly server: Server;
  readonly #sockets = new Set<Socket>();
  #port = 0;

  constructor(handler: RequestListener) {
    this.server = createServer(handler);
    this.server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  /** The bound port (0 before `listen`). */
  get port(): number {
    return this.#port;
  }

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    return `http://${SIM_HOST}:${this.#port}`;
  }

  /** `ws://127.0.0.1:<port><path>`. */
  wsUrl(path: string): string {
    return `ws://${SIM_HOST}:${this.#port}${path}`;
  }

  async listen(port: number): Promise<void> {
    this.#port = await listenLocal(this.server, port);
  }

  /** Stops listening and destroys every open socket. */
  close(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.#sockets) socket.destroy();
    });
  }
}
