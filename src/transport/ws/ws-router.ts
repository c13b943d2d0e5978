/**
 * The subscription set of one connection and the routing of decoded events to the streams that
 * asked for them. Pure bookkeeping: no sockets, no timers.
 */
import type { Subscription } from '../../core/exchange-adapter.js';
import type { MarketEvent, StatusEvent } from '../../model/market-event.js';
import type { OrderBook } from '../../model/order-book.js';

/** What a connection's streams carry: market events and in-band status events. */
export type StreamEvent = MarketEvent | StatusEvent;

/**
 * The identity of a subscription: two subscriptions with the same key are one entry of the set.
 *
 * @example
 * ```ts
 * subscriptionKey({ channel: 'orderBook', market: 'KRW-BTC', depth: 5 }); // 'orderBook|KRW-BTC|5'
 * ```
 */
export function subscriptionKey(subscription: Subscription): string {
  switch (subscription.channel) {
    case 'orderBook':
      return `orderBook|${subscription.market}|${subscription.depth ?? ''}`;
    case 'candles':
      return `candles|${subscription.market}|${subscription.interval}`;
    default:
      return `${subscription.channel}|${subscription.market}`;
  }
}

/**
 * Where the router delivers: an rxjs `Subscriber`, or any object with the same three methods (a hot
 * stream attaches itself, so no subscriber objects or closures sit between the socket and the stream).
 */
export interface EventSink {
  next(event: StreamEvent): void;
  error(error: unknown): void;
  complete(): void;
}

/** One entry of the set: a subscription and the sinks sharing it. */
interface RouteEntry {
  readonly key: string;
  readonly subscription: Subscription;
  /**
   * The one sink (nearly every entry has one: no array at all), or several in an array replaced, never
   * mutated, so routing can walk it while sinks leave.
   */
  sinks: EventSink | readonly EventSink[];
  /** In the set as last marked sent ({@link SubscriptionRouter.markSent}). */
  sent: boolean;
}

function isSeveral(sinks: EventSink | readonly EventSink[]): sinks is readonly EventSink[] {
  return Array.isArray(sinks);
}

function hasSink(sinks: EventSink | readonly EventSink[], sink: EventSink): boolean {
  return isSeveral(sinks) ? sinks.includes(sink) : sinks === sink;
}

/** The entries of one market and event type: one entry alone (nearly always), or several. */
type MarketRoutes = RouteEntry | RouteEntry[];

/** Event types that index the routes; depth diffs go to the order-book subscriptions of their market. */
type EventType = Exclude<MarketEvent['type'], 'depthDiff'>;

const EVENT_TYPE = {
  ticker: 'ticker',
  trades: 'trade',
  orderBook: 'orderBook',
  candles: 'candle',
} as const satisfies Record<Subscription['channel'], EventType>;

/** An order book cut to the depth a subscription asked for (only copied when it is deeper). */
function cutOrderBook(book: OrderBook, depth: number | undefined): OrderBook {
  if (depth === undefined || (book.bids.length <= depth && book.asks.length <= depth)) return book;
  return { ...book, bids: book.bids.slice(0, depth), asks: book.asks.slice(0, depth) };
}

/**
 * Ref-counted subscription set plus an index from event type and market to the entries an event
 * belongs to, so routing one event is two map lookups (not a scan over every stream).
 *
 * @example
 * ```ts
 * const router = new SubscriptionRouter();
 * new Observable<StreamEvent>((subscriber) => {
 *   router.add({ channel: 'ticker', market: 'KRW-BTC' }, subscriber);
 *   return () => router.remove({ channel: 'ticker', market: 'KRW-BTC' }, subscriber);
 * });
 * router.route(ticker); // reaches that subscriber
 * ```
 */
export class SubscriptionRouter {
  readonly #entries = new Map<string, RouteEntry>();
  readonly #index: Record<EventType, Map<string, MarketRoutes>> = {
    ticker: new Map(),
    trade: new Map(),
    orderBook: new Map(),
    candle: new Map(),
  };
  /** Entries added since the last {@link SubscriptionRouter.markSent} (not counting re-adds of dropped ones). */
  #unsent = 0;
  /** Keys of entries that were sent and have left since; a re-add of one of them changes nothing. */
  readonly #dropped = new Set<string>();

  /** Number of distinct subscriptions. */
  get size(): number {
    return this.#entries.size;
  }

  /** The distinct subscriptions, in the order they were first asked for. */
  subscriptions(): Subscription[] {
    return Array.from(this.#entries.values(), (entry) => entry.subscription);
  }

  /** The keys of the distinct subscriptions. */
  keys(): IterableIterator<string> {
    return this.#entries.keys();
  }

  /** Whether `key` is in the set. */
  has(key: string): boolean {
    return this.#entries.has(key);
  }

  /**
   * Records the current set as the one the exchange was told about. Cheaper than keeping a copy of
   * every key: entries carry a flag, and only the keys dropped since are remembered.
   */
  markSent(): void {
    for (const entry of this.#entries.values()) entry.sent = true;
    this.#unsent = 0;
    this.#dropped.clear();
  }

  /** `true` when the set holds exactly the subscriptions of the last {@link SubscriptionRouter.markSent}. */
  matchesSent(): boolean {
    return this.#unsent === 0 && this.#dropped.size === 0;
  }

  /**
   * Adds a sink; `true` when its subscription is new to the set. `key` may be passed when the caller
   * has it already (one string shared instead of two per stream).
   */
  add(subscription: Subscription, sink: EventSink, key = subscriptionKey(subscription)): boolean {
    const existing = this.#entries.get(key);
    if (existing !== undefined) {
      const sinks = existing.sinks;
      if (!hasSink(sinks, sink)) existing.sinks = isSeveral(sinks) ? [...sinks, sink] : [sinks, sink];
      return false;
    }
    const sent = this.#dropped.delete(key);
    if (!sent) this.#unsent++;
    const entry: RouteEntry = { key, subscription, sinks: sink, sent };
    this.#entries.set(key, entry);
    const byMarket = this.#index[EVENT_TYPE[subscription.channel]];
    const routes = byMarket.get(subscription.market);
    byMarket.set(subscription.market, routes === undefined ? entry : Array.isArray(routes) ? [...routes, entry] : [routes, entry]);
    return true;
  }

  /** Removes a sink; `true` when its subscription left the set (no sink left). */
  remove(subscription: Subscription, sink: EventSink, key = subscriptionKey(subscription)): boolean {
    const entry = this.#entries.get(key);
    if (entry === undefined || !hasSink(entry.sinks, sink)) return false;
    if (isSeveral(entry.sinks)) {
      const left = entry.sinks.filter((other) => other !== sink);
      if (left.length > 0) {
        entry.sinks = left.length === 1 ? (left[0] as EventSink) : left;
        return false;
      }
    }
    this.#entries.delete(key);
    if (entry.sent) this.#dropped.add(key);
    else this.#unsent--;
    const byMarket = this.#index[EVENT_TYPE[subscription.channel]];
    const routes = byMarket.get(subscription.market);
    const remaining = Array.isArray(routes) ? routes.filter((other) => other !== entry) : [];
    if (remaining.length === 0) byMarket.delete(subscription.market);
    else byMarket.set(subscription.market, remaining.length === 1 ? remaining[0]! : remaining);
    return true;
  }

  /** Delivers a market event to the streams of the subscriptions it belongs to. */
  route(event: MarketEvent): void {
    const routes = this.#index[event.type === 'depthDiff' ? 'orderBook' : event.type].get(event.market);
    if (routes === undefined) return;
    if (!Array.isArray(routes)) {
      deliver(routes, event);
      return;
    }
    for (const entry of routes) deliver(entry, event);
  }

  /** Delivers a status event to every sink. */
  broadcast(event: StatusEvent): void {
    for (const sink of this.#everySink()) sink.next(event);
  }

  /** Empties the set; returns the sinks that were in it (to complete or error them). */
  clear(): EventSink[] {
    const sinks = this.#everySink();
    this.#entries.clear();
    for (const byMarket of Object.values(this.#index)) byMarket.clear();
    this.#unsent = 0;
    this.#dropped.clear();
    return sinks;
  }

  /** A copy, so sinks may leave while it is walked. */
  #everySink(): EventSink[] {
    const all: EventSink[] = [];
    for (const { sinks } of this.#entries.values()) {
      if (isSeveral(sinks)) all.push(...sinks);
      else all.push(sinks);
    }
    return all;
  }
}

/** Delivers `event` to the sinks of `entry`, if it belongs to its subscription (candle interval, book depth). */
function deliver(entry: RouteEntry, event: MarketEvent): void {
  const { subscription } = entry;
  let routed: MarketEvent = event;
  if (subscription.channel === 'candles') {
    if (event.type !== 'candle' || event.interval !== subscription.interval) return;
  } else if (subscription.channel === 'orderBook' && event.type === 'orderBook') {
    routed = cutOrderBook(event, subscription.depth);
  }
  const sinks = entry.sinks;
  if (!isSeveral(sinks)) sinks.next(routed);
  else for (let i = 0; i < sinks.length; i++) sinks[i]!.next(routed);
}
