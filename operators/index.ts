/**
 * market-data-backbone/operators: pipeable RxJS operators for market data, one per file, each proven by
 * a marble spec in `marbles/`. Browser-safe.
 */

// Requests: rate limiting and retries
export { rateLimit } from './rateLimit.js';
export type { RateLimitConfig } from './rateLimit.js';
export { retryBackoff } from './retryBackoff.js';
export type { RetryBackoffConfig, RetryEvent } from './retryBackoff.js';

// Streams: staleness, source switching, caching, deduplication
export { staleAfter } from './staleAfter.js';
export type { StaleAfterConfig, StaleAfterErrorConfig, StaleAfterSignalConfig, StaleAfterBaseConfig, StaleAfterEvent } from './staleAfter.js';
export { fallbackSwitch } from './fallbackSwitch.js';
export type { FallbackSwitchConfig, FallbackSource, FallbackValue, FallbackSwitchReason } from './fallbackSwitch.js';
export { cacheReplay } from './cacheReplay.js';
export type { CacheReplayConfig, ReplayPacker } from './cacheReplay.js';
export { dedupeBy, compareDecimalIds } from './dedupeBy.js';
export type { DedupeByConfig } from './dedupeBy.js';

// Aggregation: candles from trades, closed flags on streamed candles
export { candlesFromTrades } from './candlesFromTrades.js';
export type { CandlesFromTradesConfig, CandleUpdate } from './candlesFromTrades.js';
export { flagClosedCandles } from './flagClosedCandles.js';

// Order books: a local book from diffs and snapshots
export { syncOrderBook } from './syncOrderBook.js';
export type { SyncOrderBookConfig } from './syncOrderBook.js';

// Cross-exchange: premiums and executable spreads
export { arbitrage, toFxRate } from './arbitrage.js';
export type { ArbitrageConfig } from './arbitrage.js';

// Analytics: depth and liquidity, execution cost, risk and flow
export { bookMetrics } from './bookMetrics.js';
export type { BookMetrics, BookMetricsOptions } from '../src/model/book-metrics.js';
export { slippage } from './slippage.js';
export type { Slippage, SlippageOptions, SlippageOrder } from '../src/model/slippage.js';
export { consolidateBooks } from './consolidateBooks.js';
export type { ConsolidateBooksConfig } from './consolidateBooks.js';
export { realizedVolatility } from './realizedVolatility.js';
export type { RealizedVolatilityConfig, RealizedVolatilityUpdate } from './realizedVolatility.js';
export { drawdown } from './drawdown.js';
export type { DrawdownUpdate } from './drawdown.js';
export { tradeFlow } from './tradeFlow.js';
export type { TradeFlowConfig } from './tradeFlow.js';
export type { TradeFlow } from '../src/model/trade-flow.js';
