/**
 * market-data-backbone: one typed, reactive interface to crypto market data.
 * Browser-safe: nothing here imports a Node built-in.
 *
 * This entry point is the supported API: the facade, the market model, the errors, the caches and the
 * adapters' public helpers. The pieces they are built from (sockets, REST client, rate limiter, batcher,
 * exact JSON reader) are in `market-data-backbone/internals`; operators in
 * `market-data-backbone/operators`; the exchange simulators in `market-data-backbone/testing`.
 */

// Facade
export { MarketDataBackbone } from './backbone/backbone.js';
export type { MarketDataBackboneOptions, ExchangeOptions, ExchangeSelector, MarketDataSource } from './backbone/backbone.js';

// Adaptive channel routing (docs/routing.md)
export { ChannelRouter, DEFAULT_ROUTING_COSTS, DEFAULT_ROUTING_TUNING } from './routing/channel-router.js';
export type { ChannelRouterOptions } from './routing/channel-router.js';
export type { FreshnessOption, ExchangeRoutingChange } from './backbone/backbone.js';
export type {
  MarketEstimates,
  NetworkEstimates,
  RouteDecision,
  RouteSource,
  RoutingChange,
  RoutingCosts,
  RoutingExplanation,
  RoutingLimits,
  RoutingOptions,
  RoutingSnapshot,
  RoutingTuning,
  RoutingWindowLimit,
} from './routing/routing-types.js';
export type { TransportTap, TapSettings, ReplayOptions, ReplaySource, ReplaySpeed } from './backbone/transport-tap.js';
export { ExchangeClient } from './client/exchange-client.js';
export type { ExchangeClientEvent, ExchangeClientOptions, ExchangeClientStats, RestAccessOptions } from './client/exchange-client.js';

// Exchanges
export { exchangeAdapters, isExchangeId, DEFAULT_EXCHANGE } from './exchanges/registry.js';
export type { ExchangeId } from './exchanges/registry.js';
export type {
  ExchangeAdapter,
  ExchangeRestAdapter,
  RestRequest,
  RestReply,
  MapContext,
  TradesQuery,
  CandlesQuery,
} from './core/exchange-adapter.js';

// Model
export { Big, toBig, toBigOrUndefined, toIdString, isWireNumber, CANDLE_INTERVALS, periodStart, nextPeriod, previousPeriod, toUnifiedSymbol, parseUnifiedSymbol } from './model/index.js';
export type {
  WireNumber,
  DecimalInput,
  Market,
  MarketRef,
  Ticker,
  Trade,
  OrderBook,
  OrderBookLevel,
  Candle,
  CandleInterval,
  SymbolParts,
  MarketEvent,
  StatusEvent,
  DepthDiffEvent,
} from './model/index.js';

// Cross-exchange arbitrage
export { computeArbitrage } from './model/index.js';
export { bandAt, roundToTick, sortPriceBands, tickSizeAt } from './model/index.js';
export type { PriceBand, TickRounding } from './model/index.js';
export type { ArbitrageLegs, ArbitrageOptions, ArbitrageLeg, ArbitrageRoute, ArbitragePair, ArbitrageSnapshot, FxRate } from './model/index.js';
export type { StreamArbitrageOptions } from './backbone/arbitrage-stream.js';
export type { BasePremium, PremiumBase, PremiumBases, TetherPremium } from './model/premium-bases.js';

// Consolidated book across exchanges
export { mergeBooks } from './model/consolidated-book.js';
export type { ConsolidatedBook, ConsolidatedBookLegs, ConsolidatedLeg, ConsolidatedLevel, MergeBooksOptions, VenueSize } from './model/consolidated-book.js';
export type { StreamConsolidatedBookOptions } from './backbone/consolidated-stream.js';

// Official FX rate (Dunamu forex quotation)
export { OfficialFxSource, MIN_FX_POLL_MS } from './fx/fx-source.js';
export type { OfficialFxOptions } from './fx/fx-source.js';
export type { OfficialFxRate } from './model/fx.js';

// Market analytics: depth and liquidity, execution cost, risk and flow (operators in `market-data-backbone/operators`)
export { computeBookMetrics, planBookMetrics } from './model/index.js';
export type { BookMetrics, BookMetricsOk, BookMetricsOneSided, BookMetricsEmpty, BookMetricsCrossed, BookMetricsOptions, BookMetricsPlan, DepthBand, LevelImbalance } from './model/index.js';
export { computeSlippage, planSlippage } from './model/index.js';
export type { Slippage, SlippageOk, SlippageOneSided, SlippageCrossed, SlippageOrder, SlippageOptions, SlippagePlan } from './model/index.js';
export { computeRealizedVolatility, computeDrawdown, periodsPerYear, computeTradeFlow } from './model/index.js';
export type { RealizedVolatility, RealizedVolatilityOptions, Drawdown, DrawdownOptions, TradeFlow, TradeFlowOptions } from './model/index.js';

// Local order books
export { OrderBookState, compareDecimals } from './model/order-book-state.js';
export { DecimalPacker, type Packed } from './model/packed-value.js';
export { TICKER_DECIMALS } from './model/ticker.js';
export type { BookSide, DepthDiff, DepthSnapshot, OrderBookSnapshotEvent, UpdateId } from './model/order-book-state.js';

// Private data (accounts, orders, myOrder/myAsset streams) with signed requests
export { PrivateClient } from './private/private-client.js';
export type { PrivateClientOptions, PrivateStreamEvent, PrivateWebSocketFactory } from './private/private-client.js';
export { ApiCredentials, resolveApiCredentials } from './core/private-adapter.js';
export type { CredentialSources, PrivateExchangeAdapter, PrivateRestAdapter, PrivateSubscription, PrivateWsAdapter, PrivateWsMessage } from './core/private-adapter.js';
export { createUpbitPrivate, toUpbitPrivateError, upbitPrivate, UPBIT_AUTH_ERRORS, UPBIT_PRIVATE_RATE_LIMITS } from './exchanges/upbit/private.js';
export type { UpbitPrivateOptions } from './exchanges/upbit/private.js';
export { signUpbitToken, upbitAuthHeaders, upbitQueryString } from './exchanges/upbit/auth.js';
export { UPBIT_PRIVATE_WS_URL } from './exchanges/upbit/private-ws.js';
export type { AssetBalance, Balance, MyAssetEvent, MyOrderEvent, Order, OrderSide, OrderState, PrivateEvent } from './model/account.js';

// Candle history and reply caching
export { fetchCandleRange, downloadCandles, fillCandleGaps, isFilledCandle, countPeriods } from './client/candle-history.js';
export type { CandleRangeOptions, CandleDownloadEvent, FilledCandle } from './client/candle-history.js';
export { MemoryReplyCache, replyCacheKey } from './cache/reply-cache.js';
export type { ReplyCache, CachedReply, CacheableRequest, MemoryReplyCacheOptions } from './cache/reply-cache.js';
export { RedisReplyCache } from './cache/redis-reply-cache.js';
export type { RedisCommand, RedisReplyCacheOptions, RedisReplyCacheStats } from './cache/redis-reply-cache.js';
export { RedisRateBudget } from './cache/redis-rate-budget.js';
export type { RedisRateBudgetOptions, RedisRateBudgetStats } from './cache/redis-rate-budget.js';
export type { SharedRateBudget, SharedTake, SharedBudgetLink } from './core/rate-limit/shared-budget.js';

// Errors
export {
  MarketDataError,
  ConnectionError,
  RateLimitError,
  StaleStreamError,
  TimeoutError,
  InvalidArgumentError,
  ExchangeError,
  UnknownSymbolError,
  ParseError,
  SequenceGapError,
  AuthenticationError,
  PrivateStreamUnsupportedError,
  GatewayError,
  RecordingFormatError,
  RecordingWriteError,
  isMarketDataError,
  isRetryableError,
} from './errors/index.js';
export type { GatewayErrorCode } from './errors/index.js';

// Streams and transport options (the machinery itself is in `market-data-backbone/internals`)
export type { StreamOptions, SourceCounters } from './streams/stream-hub.js';
export { resolveWebSocketFactory, nodeWebSocketFactory, globalWebSocketFactory } from './transport/ws/websocket-factory.js';
export type { WebSocketFactory, WebSocketLike, NodeWebSocketOptions } from './transport/ws/websocket-factory.js';
export type { Subscription as StreamSubscription, WsMessage, ExchangeWsAdapter } from './core/exchange-adapter.js';
export type { FetchLike } from './transport/http/rest-client.js';
// The limiter the `rateLimit` operator takes (and every client shares per exchange)
export { RateLimiter } from './core/rate-limit/rate-limiter.js';
export type { RateLimitRule, RateLimitFeedback, RateLimiterOptions } from './core/rate-limit/rate-limiter.js';
