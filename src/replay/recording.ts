/**
 * Replay: a {@link Recording} serves a backbone's every exchange from a recording on a virtual clock.
 * The library runs as it does live (adapters, decoders, order-book sync, operators, timers); only its
 * sockets, its fetch and its clock are the recording's. Each record is delivered when the virtual
 * clock reaches its time, after the timers due by then, so values carry the times they had live.
 */
import { setImmediate as nextMacrotask, setTimeout as sleepReal } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { Subject, VirtualTimeScheduler, type Observable } from 'rxjs';
import type { ReplaySource, ReplaySpeed, TapSettings, TransportTap } from '../backbone/transport-tap.js';
import { InvalidArgumentError, type RecordingFormatError } from '../errors/index.js';
import type { WebSocketFactory } from '../transport/ws/websocket-factory.js';
import { frameData, readPayload, type CloseRecord, type ReplyRecord, type SocketRecord } from './record-format.js';
import { readRecording, type ReadRecord, type ReadRecordingOptions } from './recording-reader.js';
import { ReplayFetch, ReplaySocket } from './replay-socket.js';

/** The wall clock a replay is paced by (tests inject one that never waits). */
export interface ReplayPacer {
  /** Milliseconds, any origin. */
  now(): number;
  /** Resolves after `ms`. */
  sleep(ms: number): Promise<void>;
}

/** Options of {@link openRecording}. */
export interface OpenRecordingOptions extends ReadRecordingOptions {
  /**
   * How long (real ms) the replay waits for the library to ask for what the next record answers (a
   * socket, a REST call) before it counts the record as unmatched and goes on. @default 1_000
   */
  readonly waitMs?: number | undefined;
  /** The wall clock that paces speeds other than `'max'`. @default performance.now and timers */
  readonly pacer?: ReplayPacer | undefined;
}

/** What a replay did, when it has finished. */
export interface ReplaySummary {
  /** Virtual time of the first and the last record. */
  readonly from: number;
  readonly to: number;
  readonly records: number;
  readonly frames: number;
  readonly replies: number;
  /** Records nothing in the library asked for (it behaved differently from when it was recorded). */
  readonly unmatched: number;
  /** Corrupt files skipped (`skipCorrupt`). */
  readonly corrupt: readonly RecordingFormatError[];
  /** Wall-clock ms the replay took, on the pacer. */
  readonly wallMs: number;
}

const realPacer: ReplayPacer = { now: () => performance.now(), sleep: (ms) => sleepReal(ms) };

/**
 * A recording opened for replay. Give it to a backbone as `replay: { from: recording, speed }`; the
 * replay starts with the backbone and ends with the recording ({@link Recording.done}).
 *
 * @example
 * ```ts
 * import { MarketDataBackbone } from 'market-data-backbone';
 * import { openRecording } from 'market-data-backbone/replay';
 *
 * const recording = await openRecording('recordings/', { skipCorrupt: true });
 * const backbone = new MarketDataBackbone({ replay: { from: recording, speed: 'max' } });
 * backbone.streamTrades('KRW-BTC').subscribe((t) => console.log(t.price.toFixed()));
 * console.log(await recording.done);
 * await backbone.close();
 * ```
 */
export class Recording implements ReplaySource {
  /** The virtual clock: every timer of the replaying backbone runs on it. */
  readonly scheduler = new VirtualTimeScheduler();
  /** Resolves when the last record has been delivered; rejects on a corrupt file (unless `skipCorrupt`). */
  readonly done: Promise<ReplaySummary>;
  /** Corrupt files skipped. */
  readonly errors$: Observable<RecordingFormatError>;
  /** What the recorder said the recording holds (`startRecording` and `mdb record` write exchange, channels, symbols). */
  readonly meta: Readonly<Record<string, unknown>>;
  readonly #errors$ = new Subject<RecordingFormatError>();
  readonly #from: string;
  readonly #options: OpenRecordingOptions;
  readonly #reader: AsyncGenerator<ReadRecord[]>;
  readonly #first: ReadRecord[];
  readonly #fetch = new ReplayFetch();
  /** Sockets the library asked for that no recorded connection has been matched to yet, per exchange. */
  readonly #unbound = new Map<string, ReplaySocket[]>();
  /** Recorded connection id → the library's socket (`undefined`: nothing matched; records dropped). */
  readonly #sockets = new Map<number, ReplaySocket | undefined>();
  readonly #corrupt: RecordingFormatError[] = [];
  #finish: ((summary: ReplaySummary) => void) | undefined;
  #abort: ((error: unknown) => void) | undefined;
  #started = false;
  #closed = false;
  #speed: ReplaySpeed = 1;
  #counts = { records: 0, frames: 0, replies: 0, unmatched: 0 };
  /** Something async happened in the library (a call, a socket): yield before moving the clock on. */
  #activity = false;

  constructor(from: string, options: OpenRecordingOptions, reader: AsyncGenerator<ReadRecord[]>, first: ReadRecord[]) {
    this.#from = from;
    this.#options = options;
    this.#reader = reader;
    this.#first = first;
    this.scheduler.frame = first[0]?.time ?? 0;
    const head = first[0];
    this.meta = head?.kind === 'meta' ? readPayload<Record<string, unknown>>(head, head.file, head.line) : {};
    this.errors$ = this.#errors$.asObservable();
    this.done = new Promise((resolve, reject) => {
      this.#finish = resolve;
      this.#abort = reject;
    });
    // A replay nobody awaits must not crash the process with an unhandled rejection.
    this.done.catch(() => undefined);
    this.#fetch.onCall = () => (this.#activity = true);
  }

  /** The virtual clock's time. */
  now(): number {
    return this.scheduler.now();
  }

  /** Starts the replay (the backbone calls this); a recording plays once. */
  start(speed: ReplaySpeed): TransportTap {
    if (this.#started) throw new InvalidArgumentError(`Recording is already playing: ${this.#from}`, { argument: 'replay.from', value: this.#from });
    if (speed !== 'max' && !(typeof speed === 'number' && speed > 0 && Number.isFinite(speed))) {
      throw new InvalidArgumentError(`Replay speed is a positive number or 'max', not ${String(speed)}`, { argument: 'replay.speed', value: speed });
    }
    this.#started = true;
    this.#speed = speed;
    void nextMacrotask().then(() => this.#run()).then(
      (summary) => this.#finish?.(summary),
      (error: unknown) => this.#abort?.(error),
    );
    return {
      wrap: (exchange, settings) => this.#wrap(exchange, settings),
      close: () => this.#close(),
    };
  }

  #wrap(exchange: string, settings: TapSettings): TapSettings {
    const scheduler = this.scheduler;
    return {
      ...settings,
      scheduler,
      now: () => scheduler.now(),
      fetch: this.#fetch.fetchFor(exchange),
      webSocketFactory: this.#factoryFor(exchange),
      // The shortest of the jittered delays: the library never asks for its next socket later than it
      // did live, and the socket opens when the recording says it did.
      backoff: { ...settings.backoff, random: () => 0 },
    };
  }

  #factoryFor(exchange: string): WebSocketFactory {
    return () => {
      const socket = new ReplaySocket(exchange);
      const unbound = this.#unbound.get(exchange) ?? [];
      unbound.push(socket);
      this.#unbound.set(exchange, unbound);
      this.#activity = true;
      return socket;
    };
  }

  #close(): void {
    this.#closed = true;
    this.#fetch.end();
  }

  async #run(): Promise<ReplaySummary> {
    const pacer = this.#options.pacer ?? realPacer;
    const wallStart = pacer.now();
    const from = this.scheduler.now();
    let to = from;
    const scheduler = this.scheduler;
    const max = this.#speed === 'max';
    for (let batch: ReadRecord[] | undefined = this.#first; batch !== undefined; batch = await this.#next()) {
      for (const record of batch) {
        if (this.#closed) return this.#summary(from, to, pacer.now() - wallStart);
        const due = scheduler.actions[0]?.delay ?? Infinity;
        if (due <= record.time || this.#activity || (!max && record.time > scheduler.frame)) {
          await this.#advanceTo(record.time, from, wallStart, pacer);
        } else if (record.time > scheduler.frame) {
          // At 'max', with no timer due by then and nothing in flight, moving the clock is all there is to do.
          scheduler.frame = record.time;
        }
        to = record.time;
        this.#counts.records++;
        const waiting = this.#deliver(record);
        if (waiting !== undefined) await waiting;
      }
    }
    this.#fetch.end();
    return this.#summary(from, to, pacer.now() - wallStart);
  }

  async #next(): Promise<ReadRecord[] | undefined> {
    const next = await this.#reader.next();
    return next.done === true ? undefined : next.value;
  }

  #summary(from: number, to: number, wallMs: number): ReplaySummary {
    return { from, to, ...this.#counts, corrupt: [...this.#corrupt], wallMs };
  }

  /**
   * Runs the timers due by `time` in order (those due at `time` too: live, they ran before what arrived
   * then), waiting on the pacer between them at speeds other than 'max'.
   */
  async #advanceTo(time: number, from: number, wallStart: number, pacer: ReplayPacer): Promise<void> {
    const scheduler = this.scheduler;
    const speed = this.#speed;
    for (;;) {
      const due = scheduler.actions[0]?.delay;
      const dueNow = due !== undefined && due <= time;
      if (!dueNow && scheduler.frame >= time) return;
      const next = dueNow ? Math.max(due, scheduler.frame) : time;
      if (speed !== 'max' && next > scheduler.frame) {
        const wait = wallStart + (next - from) / speed - pacer.now();
        if (wait > 0) await pacer.sleep(wait);
      }
      this.#runDue(next);
      // Timers may have started REST calls or sockets: let the library's promises settle first.
      if (dueNow || this.#activity) await this.#settle();
    }
  }

  /** Runs every timer due by `time` and leaves the clock there. */
  #runDue(time: number): void {
    const scheduler = this.scheduler;
    scheduler.maxFrames = time;
    scheduler.flush();
    scheduler.frame = time;
  }

  async #settle(): Promise<void> {
    this.#activity = false;
    await nextMacrotask();
  }

  /** Delivers one record; a promise when it must first wait for the library. */
  #deliver(record: ReadRecord): Promise<void> | undefined {
    switch (record.kind) {
      case 'frame':
      case 'frame-json':
      case 'frame-bin':
        this.#counts.frames++;
        this.#sockets.get(record.id)?.receive(frameData(record));
        return undefined;
      case 'socket':
        return this.#bind(record);
      case 'open':
        this.#sockets.get(record.id)?.open();
        return this.#activity ? this.#settle() : undefined;
      case 'pong':
        this.#sockets.get(record.id)?.pong();
        return undefined;
      case 'error':
        this.#sockets.get(record.id)?.fail(readPayload<{ message: string }>(record, record.file, record.line).message);
        return undefined;
      case 'close': {
        const close = readPayload<CloseRecord>(record, record.file, record.line);
        // A close the library asked for live, it asks for again on replay (its own timers decide).
        if (close.by === 'server') this.#sockets.get(record.id)?.drop(close.code, close.reason);
        return this.#settle();
      }
      case 'reply':
        return this.#answer(readPayload<ReplyRecord>(record, record.file, record.line));
      case 'fail': {
        const fail = readPayload<{ exchange: string; url: string; message: string }>(record, record.file, record.line);
        return this.#whenAsked(() => this.#fetch.has(fail.exchange, fail.url), () => this.#fetch.fail(fail.exchange, fail.url, fail.message));
      }
      default:
        // meta, send, request: what the library sent or when; it sends again on replay.
        return undefined;
    }
  }

  #bind(record: ReadRecord): Promise<void> {
    const socket = readPayload<SocketRecord>(record, record.file, record.line);
    const unbound = (): ReplaySocket[] => this.#unbound.get(socket.exchange) ?? [];
    this.#sockets.set(record.id, undefined);
    return this.#whenAsked(() => unbound().length > 0, () => {
      this.#sockets.set(record.id, unbound().shift());
      return true;
    });
  }

  #answer(reply: ReplyRecord): Promise<void> {
    return this.#whenAsked(() => this.#fetch.has(reply.exchange, reply.url), () => {
      this.#counts.replies++;
      return this.#fetch.answer(reply);
    });
  }

  /**
   * Runs `act` once the library has asked for it (`asked()`), waiting up to `waitMs` of real time:
   * the library may still be on its way (promises, a socket factory being resolved). Past it the
   * record is counted as unmatched.
   */
  async #whenAsked(asked: () => boolean, act: () => boolean): Promise<void> {
    const waitMs = this.#options.waitMs ?? 1_000;
    const start = performance.now();
    for (let round = 0; !asked(); round++) {
      if (this.#closed || performance.now() - start > waitMs) {
        this.#counts.unmatched++;
        return;
      }
      // The library may be waiting for a timer due now (a subscription flush opens the socket).
      this.#runDue(this.scheduler.frame);
      if (round < 50) await nextMacrotask();
      else await sleepReal(2);
    }
    if (!act()) this.#counts.unmatched++;
    await this.#settle();
  }

  /** Reports a corrupt file that was skipped. */
  reportCorrupt(error: RecordingFormatError): void {
    this.#corrupt.push(error);
    this.#errors$.next(error);
  }
}

/**
 * Opens a recording (a folder written by the recorder, or one of its files) for replay: reads its
 * first records to set the virtual clock to the time recording began.
 *
 * @example
 * ```ts
 * const recording = await openRecording('recordings/');
 * const backbone = new MarketDataBackbone({ replay: { from: recording, speed: 10 } });
 * ```
 *
 * @throws RecordingFormatError when the first file is corrupt (and `skipCorrupt` is not set).
 */
export async function openRecording(from: string, options: OpenRecordingOptions = {}): Promise<Recording> {
  let recording: Recording | undefined;
  // Files skipped while the first records are looked for are reported once the recording exists.
  const early: RecordingFormatError[] = [];
  const reader = readRecording(from, { ...options, onCorrupt: (error) => {
    if (recording === undefined) early.push(error);
    else recording.reportCorrupt(error);
    options.onCorrupt?.(error);
  } });
  let first: ReadRecord[] = [];
  for (let next = await reader.next(); next.done !== true; next = await reader.next()) {
    first = next.value;
    if (first.length > 0) break;
  }
  recording = new Recording(from, options, reader, first);
  for (const error of early) recording.reportCorrupt(error);
  return recording;
}
