/**
 * One upstream subscription per stream key, whatever the number of clients: each event is serialized
 * once into the frame every subscriber of the key is sent, byte for byte the same.
 */
import type { SchedulerLike, Subscription } from 'rxjs';
import { CONFLATED_CHANNELS, streamKey, toWireError, type StreamSpec } from '../remote/gateway-protocol.js';
import { openStream, type GatewaySource } from './gateway-source.js';

/**
 * A whole unmasked WebSocket text frame (FIN, opcode 1) around `payload`: what a server sends, the
 * same bytes for every client, so an event is framed once and written to each socket as it is.
 */
export function toTextFrame(payload: Buffer): Buffer {
  const length = payload.length;
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = 0x81;
  if (length < 126) frame[1] = length;
  else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  payload.copy(frame, headerLength);
  return frame;
}

/** Who receives a feed's frames: a client session, or the HTTP side keeping a ticker warm. */
export interface FeedSubscriber {
  /**
   * An event of `feed` as a whole WebSocket frame ({@link toTextFrame}: the same `Buffer` for every
   * subscriber); `false` when held back (conflated).
   */
  deliver(feed: Feed, frame: Buffer): boolean;
  /** The upstream ended (`end` frame) or failed (`error` frame); the feed is gone. */
  ended(feed: Feed, frame: Buffer): void;
}

/** One upstream stream and its subscribers. */
export class Feed {
  readonly subscribers = new Set<FeedSubscriber>();
  /** The latest event frame and its `data` JSON, for late joiners of conflated channels and for HTTP. */
  latestFrame: Buffer | undefined;
  latestData: string | undefined;
  /** When the latest event arrived (scheduler ms), or `undefined` before the first. */
  lastAt: number | undefined;
  /** HTTP keeps the feed open until this time (scheduler ms) even with no subscriber. */
  leasedUntil = 0;
  upstream: Subscription | undefined;
  /** The `end` or `error` frame once the upstream is over. */
  endFrame: Buffer | undefined;
  readonly #prefix: string;

  constructor(
    readonly key: string,
    readonly spec: StreamSpec,
    readonly openedAt: number,
  ) {
    this.#prefix = `{"type":"event","key":${JSON.stringify(key)},"data":`;
  }

  /** `true` for channels whose latest value stands for every earlier one. */
  get conflated(): boolean {
    return CONFLATED_CHANNELS.has(this.spec.channel);
  }

  /** Serializes and frames one event, once for every subscriber. */
  frame(value: unknown): Buffer {
    const data = JSON.stringify(value);
    const frame = toTextFrame(Buffer.from(`${this.#prefix}${data}}`));
    if (this.conflated) {
      this.latestFrame = frame;
      this.latestData = data;
    }
    return frame;
  }
}

/** Counts the fan-out reports per event (see `GatewayObserver.sent`). */
export type SentReport = (frames: number, bytes: number) => void;

/**
 * The feeds of one gateway, by key.
 *
 * @example
 * ```ts
 * const fanout = new StreamFanout(backbone, asyncScheduler, () => undefined);
 * const feed = fanout.join({ channel: 'ticker', exchange: 'upbit', symbol: 'KRW-BTC' }, session);
 * fanout.leave(feed.key, session);
 * ```
 */
export class StreamFanout {
  readonly #feeds = new Map<string, Feed>();

  constructor(
    readonly source: GatewaySource,
    readonly scheduler: SchedulerLike,
    readonly report: SentReport,
  ) {}

  /** Every open feed. */
  get feeds(): IterableIterator<Feed> {
    return this.#feeds.values();
  }

  /** The open feed of `key`, if any. */
  get(key: string): Feed | undefined {
    return this.#feeds.get(key);
  }

  /**
   * Adds `subscriber` to the feed of `spec`, opening its upstream subscription if it is the first; a
   * late joiner of a conflated channel gets the latest frame at once.
   */
  join(spec: StreamSpec, subscriber: FeedSubscriber): Feed {
    const feed = this.#open(spec);
    if (feed.endFrame !== undefined) {
      subscriber.ended(feed, feed.endFrame); // failed at once (e.g. an unknown exchange)
      return feed;
    }
    feed.subscribers.add(subscriber);
    if (feed.latestFrame !== undefined) subscriber.deliver(feed, feed.latestFrame);
    return feed;
  }

  /** Removes `subscriber`; the upstream subscription ends with the last subscriber (and lease). */
  leave(key: string, subscriber: FeedSubscriber): void {
    const feed = this.#feeds.get(key);
    if (feed === undefined) return;
    feed.subscribers.delete(subscriber);
    if (feed.subscribers.size === 0 && feed.leasedUntil <= this.scheduler.now()) this.#close(feed);
  }

  /** Keeps the feed of `spec` open for `ms` more without a subscriber (HTTP answers from it). */
  lease(spec: StreamSpec, ms: number): Feed {
    const feed = this.#open(spec);
    feed.leasedUntil = Math.max(feed.leasedUntil, this.scheduler.now() + ms);
    return feed;
  }

  /** Closes the feeds whose lease ran out and that nobody subscribes to. */
  sweep(): void {
    const now = this.scheduler.now();
    for (const feed of [...this.#feeds.values()]) if (feed.subscribers.size === 0 && feed.leasedUntil <= now) this.#close(feed);
  }

  /** Ends every upstream subscription. */
  close(): void {
    for (const feed of [...this.#feeds.values()]) this.#close(feed);
  }

  #open(spec: StreamSpec): Feed {
    const key = streamKey(spec);
    const existing = this.#feeds.get(key);
    if (existing !== undefined) return existing;
    const feed = new Feed(key, spec, this.scheduler.now());
    this.#feeds.set(key, feed);
    // Subscribed after the feed is in the map: a replayed value arriving synchronously finds it.
    const upstream = openStream(this.source, spec).subscribe({
      next: (value) => {
        feed.lastAt = this.scheduler.now();
        const frame = feed.frame(value);
        let sent = 0;
        for (const subscriber of feed.subscribers) if (subscriber.deliver(feed, frame)) sent += 1;
        if (sent > 0) this.report(sent, frame.length * sent);
      },
      error: (error: unknown) => this.#end(feed, { type: 'error', key, error: toWireError(error) }),
      complete: () => this.#end(feed, { type: 'end', key }),
    });
    if (this.#feeds.get(key) === feed) feed.upstream = upstream;
    else upstream.unsubscribe();
    return feed;
  }

  #end(feed: Feed, frame: object): void {
    if (this.#feeds.get(feed.key) !== feed) return;
    this.#feeds.delete(feed.key);
    const bytes = Buffer.from(JSON.stringify(frame));
    feed.endFrame = bytes;
    for (const subscriber of [...feed.subscribers]) subscriber.ended(feed, bytes);
    feed.subscribers.clear();
  }

  #close(feed: Feed): void {
    if (this.#feeds.get(feed.key) !== feed) return;
    this.#feeds.delete(feed.key);
    feed.upstream?.unsubscribe();
  }
}
