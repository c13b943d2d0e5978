/**
 * market-data-backbone/testing: offline, deterministic exchange simulators for tests, demos and
 * benchmarks. The {@link MarketModel} is the transport-free source of truth; {@link startUpbitSimulator}
 * serves it as Upbit's REST quotation API on 127.0.0.1. And the marble-test harness for users' own
 * pipelines: {@link createTestBackbone}, the value builders and the marble helpers (`./harness/`).
 */
// Marble-test harness (browser-safe on its own: src/testing/harness/index.ts)
export {
  createTestBackbone, TestBackbone, buildCandle, buildOrderBook, buildStatus, buildTicker, buildTrade,
  createMarbleMatcher, createMarbleScheduler, normalizeForMatch,
} from './harness/index.js';
export type {
  DriveOptions, MarbleValues, TestBackboneOptions, Driven, SubscriptionFrames, BuildContext, CandleSpec, LevelSpec,
  OrderBookSpec, StatusSpec, TickerSpec, TimeSpec, TradeSpec, DecimalSpec, AssertDeepEqual,
} from './harness/index.js';

// Simulators
export { MarketModel } from './market/market-model.js';
export type { MarketModelOptions } from './market/market-model.js';
export { ManualClock } from './market/manual-clock.js';
export { CAUTION_FLAGS, DEFAULT_LISTED_AT, DEFAULT_MARKETS } from './market/markets.js';
export type { CautionFlag, SimMarketSpec } from './market/markets.js';
export type {
  SimAggregate,
  SimCandle,
  SimChange,
  SimClock,
  SimMarket,
  SimOrderBook,
  SimOrderBookUnit,
  SimSide,
  SimTicker,
  SimTrade,
} from './market/model-types.js';
export { tickFor, nextPriceDown, nextPriceUp } from './market/ticks.js';
export { startUpbitSimulator } from './upbit/simulator.js';
export type {
  ForcedReply,
  RateLimitNextOptions,
  RequestLogEntry,
  UpbitSimulator,
  UpbitSimulatorOptions,
} from './upbit/simulator.js';
export type { UpbitGroup } from './upbit/route-kit.js';
export type { UpbitRateLimitOptions } from './upbit/rate-limits.js';
export { attachUpbitWebSocket, startUpbitWsSimulator } from './upbit/ws-simulator.js';
export type { UpbitWsSimulator, UpbitWsSimulatorOptions, StartUpbitWsSimulatorOptions } from './upbit/ws-simulator.js';
export type { SimCloseFault } from './server/sim-ws.js';
export type { UpbitWsLimitOptions } from './upbit/ws-limits.js';
export type { UpbitWsRequestLogEntry } from './upbit/ws-connection.js';
export type { UpbitWsSubscription } from './upbit/ws-request.js';
export { startCoinoneSimulator, attachCoinoneWebSocket, CoinoneMarket } from './coinone/simulator.js';
export type {
  CoinoneSimulator,
  CoinoneSimulatorOptions,
  CoinoneRequestLogEntry,
  CoinoneWsSimulator,
  CoinoneWsSimulatorOptions,
  CoinoneWsRequestLogEntry,
  CoinoneRateLimitOptions,
} from './coinone/simulator.js';
export { attachUpbitPrivate } from './upbit/private.js';
export type { UpbitPrivateSimulator, UpbitPrivateSimulatorOptions, UpbitPrivateReply, UpbitPrivateRequestLogEntry, UpbitPrivateResolution } from './upbit/private.js';
export { UPBIT_EXCHANGE_GROUP_LIMITS, isUpbitExchangeGroup } from './upbit/rate-limits.js';
export type { UpbitExchangeGroup, UpbitGroupLimit } from './upbit/rate-limits.js';
export { UpbitSimAccount } from './upbit/account.js';
export type { UpbitAccountSpec, UpbitOrderInput, UpbitPrivateRecord } from './upbit/account.js';
export {
  startBinanceSimulator, BinanceMarkets, BINANCE_DEFAULT_FX_RATE, BinanceDepthBook, BinanceWeightLimits, BinanceReplyError,
  BINANCE_INTERVALS, isBinanceInterval, binanceKlineStart, binanceKlineNext, parseBinanceStream,
  BINANCE_WS_CONTROL_ERRORS, parseBinanceControl,
} from './binance/simulator.js';
export type {
  BinanceSimulator, BinanceSimulatorOptions, BinanceRequestLogEntry, BinanceMarket, BinanceTrade, BinanceAggregate,
  BinanceDepthBookOptions, BinanceDepthStep, BinanceLimitDecision, BinanceRateLimitOptions, BinanceInterval, BinanceKline,
  BinanceTickerStats, BinanceTop, BinanceStream, BinanceWsLogEntry, BinanceWsOptions as BinanceSimWsOptions,
} from './binance/simulator.js';
export { startFxSimulator, toFxWire, FX_SIM_PATH, FxMarket, FX_SIM_CURRENCIES } from './fx/simulator.js';
export type { FxSimulator, FxSimulatorOptions, FxForcedReply, FxRequestLogEntry, FxMarketOptions, FxRound, FxSimCurrency, FxSimQuote } from './fx/simulator.js';
