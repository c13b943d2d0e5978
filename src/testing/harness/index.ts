/**
 * The marble-test harness of `market-data-backbone/testing`: a test backbone driven by marble diagrams,
 * builders of complete model values from short specs, and the marble helpers of the library's own specs.
 * Browser-safe (no simulator, no Node built-in); `src/testing/index.ts` re-exports all of it.
 */
export { createTestBackbone, TestBackbone } from './test-backbone.js';
export type { DriveOptions, MarbleValues, TestBackboneOptions } from './test-backbone.js';
export type { Driven, SubscriptionFrames } from './driven-stream.js';
export { buildCandle, buildOrderBook, buildStatus, buildTicker, buildTrade } from './builders.js';
export type { BuildContext, CandleSpec, LevelSpec, OrderBookSpec, StatusSpec, TickerSpec, TimeSpec, TradeSpec } from './builders.js';
export type { DecimalSpec } from './spec-fields.js';
export { createMarbleMatcher, createMarbleScheduler, normalizeForMatch } from './marbles.js';
export type { AssertDeepEqual } from './marbles.js';
