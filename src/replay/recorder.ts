/**
 * The recorder: a {@link TransportTap} that writes down what enters a backbone (every frame with its
 * receive time and connection id, socket opens, closes with their code, the frames the library sent,
 * and the REST replies its streams used) into rotating gzip files, and {@link record}, which opens the
 * streams to record.
 */
import { asyncScheduler, merge, Subject, type Observable, type Subscription } from 'rxjs';
import type { MarketDataBackboneOptions } from '../backbone/backbone-options.js';
import type { TapSettings, TransportTap } from '../backbone/transport-tap.js';
import type { ExchangeId } from '../exchanges/registry.js';
import type { RecordingWriteError } from '../errors/index.js';
import type { FetchLike } from '../transport/http/rest-client.js';
import { resolveWebSocketFactory, type WebSocketFactory, type WebSocketLike } from '../transport/ws/websocket-factory.js';
import { canPing, type PingingSocket } from '../transport/ws/ws-socket.js';
import { formatRecord, type RecordKind } from './record-format.js';
import { RecordingWriter, type RecordingWriterOptions, type RecordingWriterStats } from './recording-writer.js';
import { MarketDataBackbone } from '../backbone/backbone.js';

/** Options of {@link createRecorder}: where and how the files are written. */
export type RecorderOptions = Omit<RecordingWriterOptions, 'onError'>;

/** What a {@link Recorder} has written. */
export interface RecorderStats extends RecordingWriterStats {
  /** Frames received. */
  readonly frames: number;
  /** REST replies. */
  readonly replies: number;
  /** Sockets asked for. */
  readonly sockets: number;
  /** REST requests sent and not yet answered. */
  readonly inFlight: number;
}

type Handler = WebSocketLike['onopen'];

/**
 * Records what enters a backbone. Pass it as the backbone's `tap`, then open the streams to record
 * (see {@link record}); `close()` (also on SIGINT, when the program asks) flushes the files.
 *
 * @example
 * ```ts
 * import { MarketDataBackbone } from 'market-data-backbone';
 * import { createRecorder, record } from 'market-data-backbone/replay';
 *
 * const recorder = await createRecorder({ dir: 'recordings/' });
 * const backbone = new MarketDataBackbone({ tap: recorder });
 * const streams = record(backbone, { exchange: 'upbit', channels: ['ticker', 'trades'], symbols: ['KRW-BTC'] });
 * process.once('SIGINT', () => {
 *   streams.unsubscribe();
 *   void backbone.close().then(() => recorder.close());
 * });
 * ```
 */
export class Recorder implements TransportTap {
  readonly #writer: RecordingWriter;
  readonly #defaultFactory: WebSocketFactory;
  readonly #errors$ = new Subject<RecordingWriteError>();
  #sockets = 0;
  #requests = 0;
  #frames = 0;
  #replies = 0;
  #inFlight = 0;

  /** Write failures and dropped lines; recording goes on after each. */
  readonly errors$: Observable<RecordingWriteError> = this.#errors$.asObservable();

  constructor(options: RecorderOptions, defaultFactory: WebSocketFactory) {
    this.#writer = new RecordingWriter({ ...options, onError: (error) => this.#errors$.next(error) });
    this.#defaultFactory = defaultFactory;
  }

  /** Counters of what was recorded. */
  get stats(): RecorderStats {
    return { ...this.#writer.stats, frames: this.#frames, replies: this.#replies, sockets: this.#sockets, inFlight: this.#inFlight };
  }

  /** Wraps the fetch and the socket factory of `exchange`'s client; everything else is left as it is. */
  wrap(exchange: string, settings: TapSettings): TapSettings {
    const scheduler = settings.scheduler ?? asyncScheduler;
    const socketClock = (): number => scheduler.now();
    const restClock = settings.now ?? socketClock;
    return {
      ...settings,
      fetch: this.#wrapFetch(exchange, settings.fetch ?? defaultFetch, restClock),
      webSocketFactory: this.#wrapFactory(exchange, settings.webSocketFactory ?? this.#defaultFactory, socketClock),
    };
  }

  /** Writes what is queued to disk (the files stay open). */
  flush(): Promise<void> {
    return this.#writer.flush();
  }

  /** Flushes and closes the files; later data is not recorded. */
  async close(): Promise<void> {
    await this.#writer.close();
    this.#errors$.complete();
  }

  #write(time: number, kind: RecordKind, id: number, payload: string): void {
    this.#writer.write(time, formatRecord(time, kind, id, payload));
  }

  #wrapFetch(exchange: string, inner: FetchLike, now: () => number): FetchLike {
    return async (url, init) => {
      const id = ++this.#requests;
      const path = pathOf(url);
      this.#write(now(), 'request', id, JSON.stringify({ exchange, url: path }));
      this.#inFlight++;
      try {
        const response = await inner(url, init);
        const body = await response.text();
        this.#replies++;
        const reply = { exchange, url: path, status: response.status, headers: headersOf(response.headers), body };
        this.#write(now(), 'reply', id, JSON.stringify(reply));
        return { status: response.status, headers: response.headers, text: () => Promise.resolve(body) };
      } catch (error) {
        this.#write(now(), 'fail', id, JSON.stringify({ exchange, url: path, message: error instanceof Error ? error.message : String(error) }));
        throw error;
      } finally {
        this.#inFlight--;
      }
    };
  }

  #wrapFactory(exchange: string, inner: WebSocketFactory, now: () => number): WebSocketFactory {
    return (url, protocols) => {
      const id = ++this.#sockets;
      const socket = inner(url, protocols);
      this.#write(now(), 'socket', id, JSON.stringify({ exchange, url, protocols, ping: canPing(socket) }));
      return this.#wrapSocket(socket, id, now);
    };
  }

  /** The socket with every handler the library sets recording first; pings and pongs too on `ws` sockets. */
  #wrapSocket(socket: WebSocketLike, id: number, now: () => number): WebSocketLike {
    const record = (kind: RecordKind, payload = ''): void => this.#write(now(), kind, id, payload);
    const onFrame = (data: unknown): void => {
      this.#frames++;
      const time = now();
      this.#writer.writeFrame(time, id, data);
    };
    const hook = <E>(handler: Handler, before: (event: E) => void): Handler =>
      handler === null ? null : (event: E) => {
        before(event);
        return handler(event);
      };
    const wrapped: WebSocketLike & Partial<PingingSocket> = {
      send: (data) => {
        record('send', typeof data === 'string' ? JSON.stringify(data) : '"(binary)"');
        return socket.send(data);
      },
      close: () => {
        record('close', JSON.stringify({ code: 1000, reason: '', by: 'client' }));
        return socket.close();
      },
      get onopen() { return socket.onopen; },
      set onopen(handler) { socket.onopen = hook(handler, () => record('open')); },
      get onmessage() { return socket.onmessage; },
      set onmessage(handler) { socket.onmessage = hook(handler, (event: { readonly data: unknown }) => onFrame(event.data)); },
      get onerror() { return socket.onerror; },
      set onerror(handler) {
        socket.onerror = hook(handler, (event: { readonly message?: unknown }) => record('error', JSON.stringify({ message: typeof event.message === 'string' ? event.message : '' })));
      },
      get onclose() { return socket.onclose; },
      set onclose(handler) {
        socket.onclose = hook(handler, (event: { readonly code?: unknown; readonly reason?: unknown }) =>
          record('close', JSON.stringify({ code: typeof event.code === 'number' ? event.code : 1006, reason: typeof event.reason === 'string' ? event.reason : '', by: 'server' })));
      },
    };
    if (!canPing(socket)) return wrapped;
    const pongs = new Map<() => void, () => void>();
    return Object.assign(wrapped, {
      get readyState() { return socket.readyState; },
      ping: () => socket.ping(),
      on: (event: 'pong', listener: () => void) => {
        const recorded = (): void => {
          record('pong');
          listener();
        };
        pongs.set(listener, recorded);
        return socket.on(event, recorded);
      },
      off: (event: 'pong', listener: () => void) => {
        const recorded = pongs.get(listener);
        pongs.delete(listener);
        return recorded === undefined ? undefined : socket.off(event, recorded);
      },
    });
  }
}

/** The global fetch (Node ≥ 18), called as a plain function. */
const defaultFetch: FetchLike = (url, init) => globalThis.fetch(url, init);

/** Path and query of a URL: a replay serves it whatever host the replaying backbone names. */
function pathOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}

/** Every header of a reply (the limiter reads rate-limit headers back on replay). */
function headersOf(headers: { get(name: string): string | null }): Record<string, string> {
  const all: Record<string, string> = {};
  const iterable = headers as { forEach?: (callback: (value: string, name: string) => void) => void };
  iterable.forEach?.((value, name) => {
    all[name] = value;
  });
  return all;
}

/**
 * A {@link Recorder} writing into `options.dir`, with the socket factory the library would use
 * (the global `WebSocket`, else the `ws` package) for exchanges whose settings name none.
 *
 * @example
 * ```ts
 * const recorder = await createRecorder({ dir: 'recordings/', maxBufferBytes: 4 * 1024 * 1024 });
 * ```
 */
export async function createRecorder(options: RecorderOptions): Promise<Recorder> {
  return new Recorder(options, await resolveWebSocketFactory());
}

/** The channels {@link record} can open. */
export type RecordChannel = 'ticker' | 'trades' | 'orderbook';

/** What {@link record} opens: every channel of every symbol on one exchange. */
export interface RecordOptions {
  readonly exchange: ExchangeId;
  readonly channels: readonly RecordChannel[];
  readonly symbols: readonly string[];
  /** Order-book depth. @default the exchange's stream default */
  readonly depth?: number | undefined;
}

/**
 * Opens the streams to record on a backbone whose `tap` is a {@link Recorder}: every value they
 * produce comes from frames and replies the recorder writes down. Stream errors end only that stream.
 *
 * @example
 * ```ts
 * const streams = record(backbone, { exchange: 'upbit', channels: ['ticker', 'trades', 'orderbook'], symbols: ['KRW-BTC', 'KRW-ETH'] });
 * streams.unsubscribe(); // stop
 * ```
 *
 * @returns The subscription to the streams: unsubscribe to stop.
 */
export function record(backbone: MarketDataBackbone, options: RecordOptions): Subscription {
  const { exchange, channels, symbols, depth } = options;
  const streams = symbols.flatMap((symbol) =>
    channels.map((channel): Observable<unknown> => {
      if (channel === 'ticker') return backbone.streamTicker(symbol, { exchange });
      if (channel === 'trades') return backbone.streamTrades(symbol, { exchange });
      return backbone.streamOrderBook(symbol, { exchange, depth });
    }),
  );
  return merge(...streams).subscribe({ error: () => undefined });
}

/** A recording in progress made by {@link startRecording}. */
export interface RecordingSession {
  readonly backbone: MarketDataBackbone;
  readonly recorder: Recorder;
  /** Stops the streams, closes the backbone and flushes and closes the files. */
  stop(): Promise<void>;
}

/**
 * Creates a recorder, a backbone tapped by it (with `backbone` options: URLs, timings) and opens the
 * streams: what `mdb record` does.
 *
 * @example
 * ```ts
 * const session = await startRecording({ dir: 'rec/', exchange: 'upbit', channels: ['ticker'], symbols: ['KRW-BTC'] });
 * process.once('SIGINT', () => void session.stop());
 * ```
 */
export async function startRecording(options: RecordOptions & RecorderOptions & { readonly backbone?: MarketDataBackboneOptions }): Promise<RecordingSession> {
  const { exchange, channels, symbols, depth, backbone: settings, ...files } = options;
  const recorder = await createRecorder({ ...files, meta: { exchange, channels, symbols, ...files.meta } });
  const backbone = new MarketDataBackbone({ ...settings, defaultExchange: exchange, tap: recorder });
  const streams = record(backbone, { exchange, channels, symbols, depth });
  return {
    backbone,
    recorder,
    stop: async () => {
      streams.unsubscribe();
      await backbone.close();
      await recorder.close();
    },
  };
}
