/**
 * The WebSocket plumbing every exchange simulator shares, on the upgrade requests of an http server:
 * a hub that accepts upgrades, numbers and tracks connections, runs the push timer, drops and closes
 * them; a per-connection wrapper with real-time timers, failure guard and close handling; and the
 * refusal of an upgrade with a plain HTTP reply. Names no exchange: paths, frames and limits stay with
 * each simulator.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type ServerOptions, type WebSocket } from 'ws';

const REASONS: Readonly<Record<number, string>> = { 404: 'Not Found', 429: 'Too Many Requests', 503: 'Service Unavailable' };

/** A body for {@link rejectUpgrade}. */
export interface SimUpgradeBody {
  readonly contentType: string;
  readonly text: string;
}

/**
 * Answers an upgrade request with a plain HTTP reply (`Connection: close`) instead of a WebSocket.
 *
 * @example
 * ```ts
 * rejectUpgrade(socket, 404); // HTTP/1.1 404 Not Found, empty body
 * ```
 */
export function rejectUpgrade(socket: Duplex, status: number, body?: SimUpgradeBody): void {
  socket.on('error', () => undefined);
  const head = [`HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}`];
  if (body !== undefined) head.push(`Content-Type: ${body.contentType}`);
  head.push(`Content-Length: ${body === undefined ? 0 : Buffer.byteLength(body.text)}`, 'Connection: close');
  socket.end(`${head.join('\r\n')}\r\n\r\n${body?.text ?? ''}`);
}

/**
 * A received `ws` payload as UTF-8 text.
 *
 * @example
 * ```ts
 * socket.on('message', (data) => handle(wsText(data)));
 * ```
 */
export function wsText(data: Buffer | ArrayBuffer | Buffer[]): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

/**
 * One server-side socket: its real-time timers (unref'd, all cleared when the socket closes), the
 * guard that turns a simulator failure into a 1011 close, and close/terminate. Socket errors are
 * swallowed (the client sees the close).
 *
 * @example
 * ```ts
 * const peer = new SimWsPeer(1, socket, (error) => failures.push(error)); // reporter optional
 * peer.after(60_000, () => peer.terminate());
 * peer.guard(() => peer.send('{"hello":1}'));
 * ```
 */
export class SimWsPeer {
  readonly id: number;
  readonly socket: WebSocket;
  readonly #onFailure: (error: unknown) => void;
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(id: number, socket: WebSocket, onFailure: (error: unknown) => void = () => undefined) {
    this.id = id;
    this.socket = socket;
    this.#onFailure = onFailure;
    socket.on('error', () => undefined);
    socket.on('close', () => this.stopTimers());
  }

  /** `true` until the socket closes. */
  get open(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  /** Sends `data` while open. */
  send(data: string | Uint8Array, binary?: boolean): void {
    if (!this.open) return;
    if (binary === undefined) this.socket.send(data);
    else this.socket.send(data, { binary });
  }

  /** Runs `fn` once after `ms` of real time; no timer for an infinite `ms`. */
  after(ms: number, fn: () => void): NodeJS.Timeout | undefined {
    if (!Number.isFinite(ms)) return undefined;
    return this.#track(setTimeout(fn, ms));
  }

  /** Runs `fn` every `ms` of real time. */
  every(ms: number, fn: () => void): NodeJS.Timeout {
    return this.#track(setInterval(fn, ms));
  }

  /** Clears every timer of this socket. */
  stopTimers(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  /** Runs `work`; a failure is reported and ends this connection (1011), never the process. */
  guard(work: () => void): void {
    try {
      work();
    } catch (error) {
      this.#onFailure(error);
      this.close(1011, 'Simulator failure');
    }
  }

  /** Closes with a close frame. */
  close(code: number, reason: string): void {
    this.stopTimers();
    if (this.open) this.socket.close(code, reason);
  }

  /** Drops the TCP connection without a close frame (the client sees 1006). */
  terminate(): void {
    this.stopTimers();
    this.socket.terminate();
  }

  #track(timer: NodeJS.Timeout): NodeJS.Timeout {
    timer.unref();
    this.#timers.add(timer);
    return timer;
  }
}

/**
 * What a WebSocket endpoint keeps for tests: the request frames it logged, the keepalive pings it
 * counted, and the errors its model threw while serving.
 *
 * @example
 * ```ts
 * const log = new SimWsLog<{ text: string }>();
 * log.record({ text: 'hello' });
 * log.countPing();
 * log.clear(); // entries and pings (failures stay)
 * ```
 */
export class SimWsLog<E> {
  readonly entries: E[] = [];
  readonly failures: unknown[] = [];
  #pings = 0;

  get pings(): number {
    return this.#pings;
  }

  record(entry: E): void {
    this.entries.push(entry);
  }

  countPing(): void {
    this.#pings++;
  }

  reportFailure(error: unknown): void {
    this.failures.push(error);
  }

  /** Empties the entries and the ping count. */
  clear(): void {
    this.entries.length = 0;
    this.#pings = 0;
  }
}

/**
 * A fault for new connections: accept, let `afterFrames` frames out (0: none), then close with `code`
 * and `reason` (e.g. 1008 "Too many requests", or 1011 after one frame: the server that accepts, sends
 * one frame and closes).
 */
export interface SimCloseFault {
  readonly afterFrames: number;
  readonly code: number;
  readonly reason: string;
}

/** Makes `socket` close with the fault's code once it has sent `afterFrames` frames. */
function armCloseFault(socket: WebSocket, fault: SimCloseFault): void {
  const close = (): void => {
    if (socket.readyState === socket.OPEN) socket.close(fault.code, fault.reason);
  };
  if (fault.afterFrames <= 0) {
    close();
    return;
  }
  let left = fault.afterFrames;
  const send = socket.send.bind(socket) as (data: unknown, ...rest: unknown[]) => void;
  const counted = (data: unknown, ...rest: unknown[]): void => {
    if (left <= 0) return;
    send(data, ...rest);
    if (--left === 0) close();
  };
  socket.send = counted as WebSocket['send'];
}

/** What the hub needs of a connection. */
export interface SimWsClient {
  readonly open: boolean;
  terminate(): void;
}

/** Options of {@link SimWsHub}. */
export interface SimWsHubOptions {
  /** Options of the `ws` server (`noServer` is always set). @default `ws`'s */
  readonly ws?: Omit<ServerOptions, 'noServer' | 'server' | 'port'> | undefined;
  /** Real time between two calls of `tick`; `0` disables the timer. @default 100 */
  readonly pushIntervalMs?: number | undefined;
  /** Called by the push timer. */
  readonly tick: () => void;
  /** Called for every upgrade request while attached: route it, then `accept` or `rejectUpgrade`. */
  readonly upgrade: (request: IncomingMessage, socket: Duplex, head: Buffer, url: URL) => void;
}

/**
 * The connections of one WebSocket endpoint on a shared http server: routes upgrade requests to
 * `options.upgrade`, numbers accepted connections 1, 2, … and forgets them when they close, runs the
 * push timer, and detaches on `close()` (the http server keeps running).
 *
 * @example
 * ```ts
 * const hub = new SimWsHub<Client>(server, {
 *   tick: () => hub.clients.forEach((c) => c.push()),
 *   upgrade: (request, socket, head, url) =>
 *     url.pathname === '/ws' ? hub.accept(request, socket, head, (ws, id) => new Client(id, ws)) : rejectUpgrade(socket, 404),
 * });
 * ```
 */
export class SimWsHub<C extends SimWsClient> {
  readonly #server: Server;
  readonly #wss: WebSocketServer;
  readonly #clients = new Map<C, string>();
  readonly #timer: NodeJS.Timeout | undefined;
  readonly #onUpgrade: (request: IncomingMessage, socket: Duplex, head: Buffer) => void;
  #nextId = 1;
  #closed = false;
  #closeFault: SimCloseFault | undefined;

  constructor(server: Server, options: SimWsHubOptions) {
    this.#server = server;
    this.#wss = new WebSocketServer({ ...options.ws, noServer: true });
    this.#onUpgrade = (request, socket, head) => options.upgrade(request, socket, head, new URL(request.url ?? '/', 'http://127.0.0.1'));
    server.on('upgrade', this.#onUpgrade);
    const interval = options.pushIntervalMs ?? 100;
    if (interval > 0) {
      this.#timer = setInterval(options.tick, interval);
      this.#timer.unref();
    }
  }

  /** `true` after `close()`. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Tracked connections (open or closing), oldest first. */
  get clients(): IterableIterator<C> {
    return this.#clients.keys();
  }

  /** Tracked connections, open or not. */
  get size(): number {
    return this.#clients.size;
  }

  /** Open connections. */
  get connections(): number {
    return [...this.#clients.keys()].filter((client) => client.open).length;
  }

  /** Open connections from remote address `ip`. */
  openFrom(ip: string): number {
    return [...this.#clients].filter(([client, address]) => address === ip && client.open).length;
  }

  /**
   * Completes the upgrade and tracks the connection `create` builds (with the next id); when `create`
   * returns `undefined` it has dealt with the socket itself (e.g. closed it).
   */
  accept(request: IncomingMessage, socket: Duplex, head: Buffer, create: (ws: WebSocket, id: number) => C | undefined): void {
    const ip = request.socket.remoteAddress ?? 'unknown';
    this.#wss.handleUpgrade(request, socket, head, (ws) => {
      if (this.#closeFault !== undefined) armCloseFault(ws, this.#closeFault);
      const client = create(ws, this.#nextId);
      if (client === undefined) return;
      this.#nextId++;
      this.#clients.set(client, ip);
      ws.on('close', () => this.#clients.delete(client));
    });
  }

  /**
   * From now on, every accepted connection sends `fault.afterFrames` frames and is then closed with
   * `fault.code` and `fault.reason`; `undefined` ends the fault. Open connections are not touched.
   */
  closeNewConnections(fault: SimCloseFault | undefined): void {
    this.#closeFault = fault;
  }

  /** Terminates every connection without a close frame (clients see 1006). */
  dropAll(): void {
    for (const client of this.#clients.keys()) client.terminate();
  }

  /** Stops the timer, detaches from the server, terminates every connection. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#server.off('upgrade', this.#onUpgrade);
    this.dropAll();
    this.#clients.clear();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }
}
