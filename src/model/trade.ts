import type { Big } from './decimal.js';
import type { MarketRef } from './market.js';

/** One public trade. `side` is the taker's side: `'buy'` when the taker bought (lifted an ask). */
export interface Trade extends MarketRef {
  readonly type: 'trade';
  /** Exchange trade id as a decimal string (Upbit `sequential_id`, beyond 2^53): dedupe/ordering key. */
  readonly id: string;
  readonly price: Big;
  readonly amount: Big;
  readonly side: 'buy' | 'sell';
}
