/**
 * Exchanges whose private API (accounts, orders, myOrder/myAsset streams) the library speaks, by id.
 * Adding one is a `private.ts` in its folder and one line here.
 */
import type { PrivateExchangeAdapter } from '../core/private-adapter.js';
import type { ExchangeId } from './registry.js';
import { upbitPrivate } from './upbit/private.js';

/** The registered private adapters. */
export const privateAdapters: Partial<Record<ExchangeId, PrivateExchangeAdapter>> = {
  upbit: upbitPrivate,
};
